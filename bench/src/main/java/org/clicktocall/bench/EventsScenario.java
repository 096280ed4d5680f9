package org.clicktocall.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.clicktocall.bench.LoadGenerator.Plan;
import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.ScenarioResult;
import org.clicktocall.bench.Results.Stats;

/**
 * events: Dialpad's call events, each a signed JWT (HS256 with the webhook secret), for calls placed through the
 * service in a setup; closed loop, each client one call's ringing, connected, hangup in order, then the next
 * call's. The floor is as many signed POSTs to the stub's /floor/events. Runs on the harness's Java generator (it
 * signs each event when it is due); its CPU per request is measured and printed.
 */
final class EventsScenario {

    private final Harness h;

    EventsScenario(Harness h) {
        this.h = h;
        this.macs = ThreadLocal.withInitial(() -> hmac(h.webhookSecret));
    }

    /** A call placed through the service for the events scenario: our id and Dialpad's. */
    record EventCall(String id, long dialpadCallId) {
    }

    private static final String[] EVENT_STATES = {"ringing", "connected", "hangup"};
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String JWT_HEADER = B64URL.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    /** Mac is not thread-safe: one per thread (the load generator's callbacks run on a few threads). */
    private final ThreadLocal<Mac> macs;

    private static Mac hmac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A compact JWS: base64url(header).base64url(payload).base64url(HMAC-SHA256 of the two with the secret). */
    private String jwt(String payloadJson) {
        String signingInput = JWT_HEADER + "." + B64URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        byte[] signature = macs.get().doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64URL.encodeToString(signature);
    }

    /** One call's events, ringing, connected, hangup, each signed when it is due (fresh iat). */
    private LoadGenerator.Sequence eventSequence(URI target, EventCall call) {
        long[] connectedAt = {0};
        return new LoadGenerator.Sequence() {
            @Override
            public int steps() {
                return EVENT_STATES.length;
            }

            @Override
            public HttpRequest request(int step) {
                long nowMs = System.currentTimeMillis();
                StringBuilder payload = new StringBuilder(256)
                        .append("{\"call_id\":").append(call.dialpadCallId())
                        .append(",\"state\":\"").append(EVENT_STATES[step])
                        .append("\",\"custom_data\":\"").append(call.id())
                        .append("\",\"event_timestamp\":").append(nowMs)
                        .append(",\"iat\":").append(nowMs / 1000);
                if (step >= 1) {
                    if (connectedAt[0] == 0) {
                        connectedAt[0] = nowMs;
                    }
                    payload.append(",\"date_connected\":").append(connectedAt[0]);
                }
                if (step == 2) {
                    payload.append(",\"date_ended\":").append(nowMs).append(",\"duration\":65000.0");
                }
                payload.append('}');
                return HttpRequest.newBuilder(target)
                        .header("Content-Type", "application/jwt")
                        .POST(HttpRequest.BodyPublishers.ofString(jwt(payload.toString())))
                        .build();
            }
        };
    }

    /** The events of calls {@code from} to {@code to - 1}, one call per sequence; records how far it got. */
    private java.util.function.Supplier<LoadGenerator.Sequence> eventSlice(URI target, List<EventCall> calls, int from,
                                                                        int to, List<int[]> sentRanges) {
        AtomicInteger next = new AtomicInteger(from);
        int[] range = {from, from};
        sentRanges.add(range);
        return () -> {
            int i = next.getAndIncrement();
            if (i >= to) {
                return null;
            }
            synchronized (range) {
                range[1] = Math.max(range[1], i + 1);
            }
            return eventSequence(target, calls.get(i));
        };
    }

    /** The floor: {@code calls} sequences of 3 signed POSTs (as many as the service gets), to the stub's /floor/events. */
    private java.util.function.Supplier<LoadGenerator.Sequence> floorEvents(int calls) {
        URI target = URI.create(h.stub.baseUrl() + "/floor/events");
        AtomicInteger next = new AtomicInteger();
        String someId = UUID.randomUUID().toString();
        return () -> {
            int i = next.getAndIncrement();
            return i >= calls ? null : eventSequence(target, new EventCall(someId, 7_000_000_000_000_000L + i));
        };
    }

    /** EVENTS_CALLS, or DURATION seconds at the target rate. */
    static int callsPerRepeat(Config config) {
        return config.eventsCalls > 0 ? config.eventsCalls
                : (int) Math.ceil(Targets.EVENTS_MIN_PER_SEC * config.durationS / EVENT_STATES.length);
    }

    ScenarioResult run(Scenario scenario) throws Exception {
        h.stubOk();
        int perRepeat = callsPerRepeat(h.config);
        int warmupCalls = (int) Math.ceil(perRepeat * h.config.warmupS / h.config.durationS);
        int total = warmupCalls + h.config.repeats * perRepeat;
        // Each rep places at most Targets.REP_CALLS_PER_MINUTE calls in all, so no per-rep guard turns one into a tel: link.
        int eventReps = (int) Math.ceil(total / (double) Targets.REP_CALLS_PER_MINUTE);
        Plan plan = Plan.closed(h.config.clients);
        h.log("events: %s; %d calls × 3 events per repeat (warm-up %d calls), %d repeats; setup: %d calls over %d reps",
                plan.describe(), perRepeat, warmupCalls, h.config.repeats, total, eventReps);

        // Setup: tokens for the events' own reps, then the calls (through the service, as in happy).
        double importSeconds = h.putTokens(0, eventReps, rep -> "bench-ev-" + rep,
                rep -> "{\"access_token\":\"bench-ev-token-" + rep + "\",\"dialpad_user_id\":\""
                        + (5_200_000_000_000_000L + rep) + "\",\"expires_in\":86400}");
        Map<String, Long> placement = new TreeMap<>();
        long placeStart = System.nanoTime();
        h.underLoad = true;
        List<EventCall> calls = placeEventCalls(total, eventReps, placement);
        h.underLoad = false;
        double placeSeconds = (System.nanoTime() - placeStart) / 1e9;
        h.log("events: setup: %d rep tokens in %s s; %d calls placed in %s s (%s/s): %s", eventReps, Fmt.num(importSeconds),
                total, Fmt.num(placeSeconds), Fmt.num(total / placeSeconds), placement);

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("setup_reps", eventReps + " (bench-ev-*, at most " + Targets.REP_CALLS_PER_MINUTE + " calls each)");
        details.put("setup_calls_placed", total + " in " + Fmt.num(placeSeconds) + " s, answers " + placement);
        details.put("setup_calls_with_a_dialpad_call_id", calls.size());
        List<String> notes = new ArrayList<>();
        if (calls.size() < total) {
            notes.add((total - calls.size()) + " of " + total + " setup calls got no Dialpad call id (answers "
                    + placement + "); the repeats use fewer calls than planned.");
        }
        if (calls.isEmpty()) {
            h.sanityFailed = true;
            notes.add("No call was placed through Dialpad during the setup: nothing to send events for.");
            return new ScenarioResult(scenario.name(), "failed: no call placed through Dialpad in the setup",
                    scenario.description(), Map.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                    Map.of(), Map.of(), null, List.of(), notes, details);
        }

        URI eventsUri = URI.create(h.serviceBase + "/dialpad/events");
        List<int[]> sent = new ArrayList<>();
        // A repeat is a fixed amount of work; the cap only bounds a service that has become very slow.
        Duration cap = Duration.ofSeconds(Math.max(60, (long) (h.config.durationS * 10)));
        int warmupUsed = Math.min(warmupCalls, calls.size());
        if (warmupUsed > 0) {
            h.load.runSequences(floorEvents(warmupUsed), h.config.clients, cap, false);
            h.underLoad = true;
            h.load.runSequences(eventSlice(eventsUri, calls, 0, warmupUsed, sent), h.config.clients, cap, true);
            h.underLoad = false;
        }
        List<Stats> floor = new ArrayList<>();
        List<Stats> serviceRuns = new ArrayList<>();
        List<CpuUse.Window> serviceCpu = new ArrayList<>();
        List<CpuUse.Window> floorCpu = new ArrayList<>();
        int cursor = warmupUsed;
        boolean capped = false;
        for (int r = 1; r <= h.config.repeats && cursor < calls.size(); r++) {
            int to = Math.min(calls.size(), cursor + perRepeat);
            CpuUse before = CpuUse.now(h.service.pid(), h.stub);
            LoadGenerator.Outcome fo = h.load.runSequences(floorEvents(to - cursor), h.config.clients, cap, false);
            CpuUse between = CpuUse.now(h.service.pid(), h.stub);
            h.underLoad = true;
            LoadGenerator.Outcome so = h.load.runSequences(eventSlice(eventsUri, calls, cursor, to, sent), h.config.clients,
                    cap, true);
            h.underLoad = false;
            capped |= so.capped || fo.capped;
            cursor = to;
            Stats f = Stats.of(fo);
            Stats s = Stats.of(so);
            floorCpu.add(between.since(before, f.count(), Double.NaN));
            serviceCpu.add(CpuUse.now(h.service.pid(), h.stub).since(between, s.count(), Double.NaN));
            floor.add(f);
            serviceRuns.add(s);
            h.log("events #%d  floor %s/s p50 %s p99 %s ms | service %s events/s p50 %s p99 %s max %s ms | %s | %s%s", r,
                    Fmt.num(f.throughputPerSec()), Fmt.num(f.p50Ms()), Fmt.num(f.p99Ms()),
                    Fmt.num(s.throughputPerSec()), Fmt.num(s.p50Ms()), Fmt.num(s.p99Ms()), Fmt.num(s.maxMs()),
                    s.actions(), s.statuses(), Figures.errors(s));
            h.log("events #%d  %s", r, Figures.cpuLine(serviceCpu.get(serviceCpu.size() - 1), "event"));
        }

        // Did the events land? GET /calls/{id} on a sample of the calls whose events were all sent.
        Map<String, Long> verified = verifyEnded(calls, sent);
        long ended = verified.getOrDefault("ended", 0L);
        long sampled = verified.values().stream().mapToLong(Long::longValue).sum();
        h.log("events: GET /calls/{id} on %d calls: %s", sampled, verified);

        Figures.Comparison vs = Figures.Comparison.of(serviceRuns, floor);
        Map<String, Results.Spread> serviceSummary = vs.service();
        Map<String, Results.Spread> floorSummary = vs.floor();
        Map<String, Double> difference = vs.difference();
        Map<String, Double> ratio = vs.ratio();
        Map<String, Long> outcomes = Results.sum(serviceRuns.stream().map(Stats::actions).toList());
        Map<String, Long> statuses = Results.sum(serviceRuns.stream().map(Stats::statuses).toList());
        long answered = serviceRuns.stream().mapToLong(Stats::count).sum();
        long applied = outcomes.getOrDefault("applied", 0L);
        details.put("answers_http", statuses);
        details.put("answers_outcome", outcomes.isEmpty() ? "(none)" : outcomes);
        details.put("verified_with_get_calls", ended + " of " + sampled + " sampled calls ended " + verified);
        details.putAll(Figures.cpu(serviceCpu, floorCpu, "event"));

        if (statuses.getOrDefault("200", 0L) == 0) {
            h.sanityFailed = true;
            notes.add("No 200 answers at all: the service is not accepting events under this load " + statuses + ".");
        }
        if (applied < answered) {
            notes.add((answered - applied) + " of " + answered + " events were not answered \"applied\": "
                    + "outcomes " + outcomes + ", HTTP " + statuses + ".");
        }
        if (capped) {
            notes.add("A repeat hit its time cap (" + cap.toSeconds() + " s) before all its calls' events were sent; "
                    + "its events/s are over the time it ran.");
        }
        notes.add("Each repeat is a fixed amount of work (" + perRepeat + " calls × 3 events), the floor the same "
                + "number of POSTs to the stub; events/s = answers ÷ time from the first send to the last answer.");

        List<Check> checks = new ArrayList<>();
        checks.add(Check.of("events", "throughput", serviceSummary.get("throughput").median(), "events/s", ">=",
                Targets.EVENTS_MIN_PER_SEC, null));
        checks.add(Check.of("events", "answers \"applied\"", answered == 0 ? Double.NaN : Harness.round(100.0 * applied / answered),
                "%", ">=", 100, outcomes.isEmpty() ? null : outcomes.toString()));
        checks.add(Figures.generatorCheck("events", serviceCpu, floorCpu));
        checks.add(Check.of("events", "sampled calls ended (GET /calls/{id})",
                sampled == 0 ? Double.NaN : Harness.round(100.0 * ended / sampled), "%", ">=", 100, ended + " of " + sampled));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", plan.describe() + " (the harness's Java generator: it signs each event), each: one call's ringing, connected, hangup in order");
        settings.put("calls per repeat", perRepeat + " (" + perRepeat * 3 + " events)");
        settings.put("warm-up", warmupUsed + " calls");
        settings.put("repeats", h.config.repeats);
        settings.put("floor", "as many POSTs to the stub's /floor/events (200 {} at once)");
        return new ScenarioResult(scenario.name(), "ran", scenario.description(), settings, serviceRuns, floor,
                serviceSummary, floorSummary, difference, ratio, outcomes, Map.of(), null, checks, notes, details);
    }

    /**
     * Places {@code total} calls through the service (POST /calls, CRM key, CLIENTS at a time), round-robin over
     * the events' reps with a new number every time, and keeps our id and Dialpad's for each Dialpad answer.
     */
    private List<EventCall> placeEventCalls(int total, int reps, Map<String, Long> answers) throws Exception {
        EventCall[] placed = new EventCall[total];
        Semaphore inFlight = new Semaphore(h.config.clients);
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            int slot = i;
            String body = "{\"rep_id\":\"bench-ev-" + (i % reps) + "\",\"to_number\":\""
                    + Harness.number(h.callSequence.getAndIncrement()) + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(h.serviceBase + "/calls"))
                    .header("X-API-Key", h.crmKey)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(h.config.requestTimeoutS))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            if (!inFlight.tryAcquire(h.config.requestTimeoutS + 30L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("events setup: placing calls stalled");
            }
            pending.add(h.load.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, f) -> {
                inFlight.release();
                String key;
                if (f != null) {
                    key = "error:" + f.getClass().getSimpleName();
                } else {
                    try {
                        com.fasterxml.jackson.databind.JsonNode answer = json.readTree(r.body());
                        String action = answer.path("action").asText("?");
                        String reason = answer.path("reason").asText("");
                        String dialpadId = answer.path("dialpad_call_id").asText("");
                        key = r.statusCode() + " " + action + (reason.isEmpty() || "null".equals(reason) ? "" : ":" + reason);
                        if ("dialpad".equals(action) && !dialpadId.isEmpty() && !"null".equals(dialpadId)) {
                            placed[slot] = new EventCall(answer.path("id").asText(), Long.parseLong(dialpadId));
                        }
                    } catch (Exception e) {
                        key = r.statusCode() + " (unreadable)";
                    }
                }
                counts.computeIfAbsent(key, k -> new LongAdder()).increment();
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                .get(h.config.requestTimeoutS + 60L, TimeUnit.SECONDS);
        counts.forEach((k, v) -> answers.put(k, v.sum()));
        List<EventCall> calls = new ArrayList<>(total);
        for (EventCall call : placed) {
            if (call != null) {
                calls.add(call);
            }
        }
        return calls;
    }

    /** GET /calls/{id} (CRM key) on up to Targets.EVENTS_VERIFY_SAMPLE calls spread over those sent; counts by status. */
    private Map<String, Long> verifyEnded(List<EventCall> calls, List<int[]> sentRanges) throws InterruptedException {
        List<Integer> sentIndexes = new ArrayList<>();
        for (int[] range : sentRanges) {
            for (int i = range[0]; i < range[1]; i++) {
                sentIndexes.add(i);
            }
        }
        Map<String, Long> statuses = new TreeMap<>();
        int n = Math.min(Targets.EVENTS_VERIFY_SAMPLE, sentIndexes.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int k = 0; k < n; k++) {
            EventCall call = calls.get(sentIndexes.get((int) ((long) k * sentIndexes.size() / n)));
            String status;
            try {
                HttpResponse<String> r = h.load.client().send(HttpRequest.newBuilder(URI.create(h.serviceBase + "/calls/" + call.id()))
                        .header("X-API-Key", h.crmKey).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode() == 200 ? json.readTree(r.body()).path("status").asText("?") : "HTTP " + r.statusCode();
            } catch (IOException e) {
                status = "error:" + e.getClass().getSimpleName();
            }
            statuses.merge(status, 1L, Long::sum);
        }
        return statuses;
    }

    // ----- refresh-sweep: the scheduled token refresh ----------------------------------------------------------
}
