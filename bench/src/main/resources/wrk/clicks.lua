-- wrk script for the click benchmark: a closed loop of POST /calls (the service) or POST /api/v2/call (the
-- floor: what the service itself sends Dialpad for the same click, straight to the stub).
--
-- Settings come from the environment (so no key is on wrk's command line):
--   BENCH_MODE       service | floor
--   BENCH_KEY        X-API-Key for the service (CRM key)
--   BENCH_REPS       reps with imported tokens; clicks go round-robin over bench-rep-0..REPS-1
--   BENCH_BASE       first sequence number of this run (the harness never reuses one: a new number every click,
--                    so neither the duplicate-click guard nor one rep's 5 calls/min guard is what is measured)
--   BENCH_THREADS    wrk's -t (click i of thread t, counter k: i = BASE + k * THREADS + t)
-- done() prints one line "BENCH_JSON {...}": wrk's latency percentiles (µs), answers by HTTP status and by the
-- service's "action" (and tel reasons), transport errors, the highest per-thread counter (so the next run starts
-- after every number this one used), and wrk's own CPU (utime + stime of the whole process, threads included,
-- read after they ended: from /proc/self/stat in ticks, and from getrusage in µs), so the harness prints the
-- generator's CPU per request.

local mode = os.getenv("BENCH_MODE") or "service"
local key = os.getenv("BENCH_KEY") or ""
local reps = tonumber(os.getenv("BENCH_REPS") or "1000")
local base = tonumber(os.getenv("BENCH_BASE") or "0")

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state; counters are globals so done() can read them).
tid = 0
nthreads = 1
counter = 0
n_dialpad, n_tel, n_unconfirmed, n_other_action = 0, 0, 0, 0
statuses = {}
reasons = {}

function init(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
end

local service_headers = { ["X-API-Key"] = key, ["Content-Type"] = "application/json" }
local floor_headers = { ["Content-Type"] = "application/json" }

function request()
  local i = base + counter * nthreads + tid
  counter = counter + 1
  local rep = i % reps
  local number = string.format("+1555%07d", i % 10000000)
  if mode == "floor" then
    floor_headers["Authorization"] = "Bearer bench-token-" .. rep
    local body = '{"phone_number":"' .. number .. '","user_id":51' .. string.format("%014d", rep)
        .. ',"custom_data":"bench-' .. i .. '"}'
    return wrk.format("POST", "/api/v2/call", floor_headers, body)
  end
  local body = '{"rep_id":"bench-rep-' .. rep .. '","to_number":"' .. number .. '"}'
  return wrk.format("POST", "/calls", service_headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if mode == "floor" then
    return
  end
  -- Plain finds, no JSON parser: a few microseconds per answer.
  if string.find(body, '"action":"dialpad"', 1, true) then
    n_dialpad = n_dialpad + 1
  elseif string.find(body, '"action":"tel"', 1, true) then
    n_tel = n_tel + 1
    local reason = string.match(body, '"reason":"([%w_%-]+)"') or "(none)"
    reasons[reason] = (reasons[reason] or 0) + 1
  elseif string.find(body, '"action":"unconfirmed"', 1, true) then
    n_unconfirmed = n_unconfirmed + 1
  else
    n_other_action = n_other_action + 1
  end
end

-- wrk's CPU (user + system, all its threads, ended ones included) in microseconds, from getrusage(RUSAGE_SELF)
-- through LuaJIT's FFI: the same counters as /proc/self/stat's utime + stime, without their 10 ms ticks (a
-- smoke run sends a few hundred requests). -1 when FFI is not there.
local function cpu_us()
  local ok, value = pcall(function()
    local ffi = require("ffi")
    ffi.cdef[[
      typedef struct { long tv_sec; long tv_usec; } bench_timeval;
      typedef struct { bench_timeval ru_utime; bench_timeval ru_stime; long ru_rest[14]; } bench_rusage;
      int getrusage(int who, bench_rusage *usage);
    ]]
    local usage = ffi.new("bench_rusage")
    if ffi.C.getrusage(0, usage) ~= 0 then return -1 end
    return tonumber(usage.ru_utime.tv_sec) * 1e6 + tonumber(usage.ru_utime.tv_usec)
        + tonumber(usage.ru_stime.tv_sec) * 1e6 + tonumber(usage.ru_stime.tv_usec)
  end)
  return ok and value or -1
end

local function cpu_ticks()
  local f = io.open("/proc/self/stat", "r")
  if not f then return -1 end
  local stat = f:read("*a")
  f:close()
  -- fields after "(comm) ": state is the 1st, utime the 12th, stime the 13th
  local close = string.match(stat, ".*()%)")
  local rest = string.sub(stat, close + 2)
  local fields = {}
  for field in string.gmatch(rest, "%S+") do fields[#fields + 1] = field end
  return tonumber(fields[12]) + tonumber(fields[13])
end

local function merge(into, from)
  for k, v in pairs(from or {}) do into[k] = (into[k] or 0) + v end
end

local function json_counts(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = string.format('"%s":%d', tostring(k), v) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local actions = { dialpad = 0, tel = 0, unconfirmed = 0, other = 0 }
  local all_statuses, all_reasons = {}, {}
  local sent_max = 0
  for _, t in ipairs(threads) do
    sent_max = math.max(sent_max, t:get("counter"))
    actions.dialpad = actions.dialpad + t:get("n_dialpad")
    actions.tel = actions.tel + t:get("n_tel")
    actions.unconfirmed = actions.unconfirmed + t:get("n_unconfirmed")
    actions.other = actions.other + t:get("n_other_action")
    merge(all_statuses, t:get("statuses"))
    merge(all_reasons, t:get("reasons"))
  end
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p99.9":%d,"max":%d,'
      .. '"mean":%.1f},"cpu_ticks":%d,"cpu_us":%d,"sent_max":%d,"statuses":%s,"actions":%s,"reasons":%s}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean, cpu_ticks(), cpu_us(), sent_max, json_counts(all_statuses), json_counts(actions),
      json_counts(all_reasons)))
end
