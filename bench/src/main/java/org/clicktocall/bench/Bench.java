package org.clicktocall.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.clicktocall.bench.LoadGenerator.Plan;
import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.FailureRepeat;
import org.clicktocall.bench.Results.ProbeStats;
import org.clicktocall.bench.Results.ScenarioResult;
import org.clicktocall.bench.Results.Stats;

/**
 * The benchmark: starts the Dialpad stub and the packaged service, imports rep tokens, runs the selected scenarios
 * (each against the service and, where it means something, against the stub directly as the floor), and writes
 * the results as Markdown and JSON. Run it through {@code bench/run.sh}; {@code --help} lists the options.
 */
public final class Bench {

    // ----- targets printed beside the results (from the issue) --------------------------------------------------
    static final double HAPPY_MIN_CALLS_PER_SEC = 1200;
    static final double HAPPY_MAX_ADDED_P99_MS = 8;
    static final double CAPACITY_MIN_CALLS_PER_SEC = 2200;
    static final double LIGHT_MAX_ADDED_P50_MS = 2;
    static final double LIGHT_MAX_ADDED_P99_MS = 5;
    static final double FAILURE_MAX_FALLBACK_P99_MS = 5;
    static final double FAILURE_MAX_PROBE_P99_MS = 50;
    static final double FAILURE_BOUND_SLACK_MS = 100;
    static final double FOOTPRINT_MAX_START_S = 5;
    static final double FOOTPRINT_MAX_RSS_MIB = 400;
    /** Dialpad's own limit, which the service's per-rep guard will mirror: 5 call starts per minute per rep. */
    static final int REP_CALLS_PER_MINUTE = 5;

    enum Kind { LOAD, FAILURE, NOT_BUILT }

    record Scenario(String name, Kind kind, String description) {
    }

    /** Every scenario, in the order they run (failure scenarios last: each leaves the breaker open). */
    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("happy", Kind.LOAD, "Dialpad answers in STUB_LATENCY_MS; closed loop with CLIENTS clients."),
            new Scenario("capacity", Kind.LOAD, "As happy with CAPACITY_CLIENTS clients: how many calls/s the service sustains."),
            new Scenario("light", Kind.LOAD, "Open loop at RATE calls/s (latency from the intended send): the latency the service adds at a light load."),
            // Placeholders for features that are not built yet; selecting them records "skipped".
            new Scenario("refresh-sweep", Kind.NOT_BUILT, "Happy load while the scheduled token refresh sweeps all reps."),
            new Scenario("events", Kind.NOT_BUILT, "Happy load plus Dialpad call-event webhooks (POST /dialpad/events)."),
            new Scenario("hang", Kind.FAILURE, "Dialpad accepts the request and never answers: every click must be answered within the response timeout until the breaker opens, then at once with a tel: link."),
            new Scenario("down", Kind.FAILURE, "Dialpad's port is closed (connection refused): as hang."));

    static final String DEFAULT_SCENARIOS = "happy,capacity,light,hang,down";

    private final Config config;
    private final Path projectDir;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong callSequence = new AtomicLong();
    private final AtomicReferenceArray<String> callIds = new AtomicReferenceArray<>(64);
    private final AtomicInteger callIdCount = new AtomicInteger();
    private final List<Results.Start> starts = new ArrayList<>();
    private final long started = System.nanoTime();

    private DialpadStub stub;
    private ServiceProcess service;
    private LoadGenerator load;
    private String serviceBase;
    private String crmKey;
    private boolean breakerDirty;
    private boolean externalDatabase;
    private boolean sanityFailed;
    private volatile boolean underLoad;
    private volatile double loadRssMax = Double.NaN;
    private volatile double peakRss = Double.NaN;

    private Bench(Config config) {
        this.config = config;
        this.projectDir = config.projectDir;
    }

    public static void main(String[] args) {
        Config config;
        try {
            config = Config.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + "\n\n" + Config.USAGE);
            System.exit(64);
            return;
        }
        if (config.help) {
            System.out.println(Config.USAGE);
            return;
        }
        int code;
        try {
            code = new Bench(config).run();
        } catch (IllegalStateException e) {
            System.err.println("bench: failed: " + e.getMessage()); // our own message says what went wrong
            code = 2;
        } catch (Exception e) {
            System.err.print("bench: failed: ");
            e.printStackTrace();
            code = 2;
        }
        System.exit(code);
    }

    // ===========================================================================================================

    private int run() throws Exception {
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path tmp = Files.createTempDirectory(config.tmpParent, "ctc-bench-");
        Path dataDir = tmp.resolve("data");
        boolean ok = false;
        Thread hook = new Thread(this::emergencyStop, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int stubPort = freePort();
            int servicePort = freePort();
            stub = new DialpadStub(stubPort, config.stubLatencyMs);
            crmKey = randomKey();
            String adminKey = randomKey();
            Map<String, String> env = new HashMap<>();
            env.put("APP_DATA_DIR", dataDir.toString());
            env.put("SERVER_PORT", String.valueOf(servicePort));
            env.put("CALLS_API_KEYS", crmKey);
            env.put("CALLS_ADMIN_API_KEYS", adminKey);
            env.put("TOKEN_ENCRYPTION_KEY", base64Key());
            env.put("DIALPAD_BASE_URL", stub.baseUrl());
            externalDatabase = !config.env.getOrDefault("SPRING_DATASOURCE_URL", "").isBlank();
            // Everything else (SPRING_DATASOURCE_*, DB_POOL_SIZE, DIALPAD_*_TIMEOUT_MS, guard settings) is inherited.
            service = new ServiceProcess(config.serviceJar, tmp.resolve("work"), dataDir, config.jvmFlags, env);
            serviceBase = "http://127.0.0.1:" + servicePort;
            load = new LoadGenerator(Duration.ofSeconds(config.requestTimeoutS));

            printHeader();
            startService(true);
            double readyRss = service.memory().rssMiB();
            log("service ready in %s s (pid %d, RSS %s MiB), log: %s", Fmt.num(service.lastStartMillis / 1000.0),
                    service.pid(), Fmt.num(readyRss), service.log());
            Map<String, Object> tokenImport = importTokens(adminKey);
            Thread.sleep(2000); // let the start-up garbage settle before calling it idle
            double idleRss = service.memory().rssMiB();
            Thread sampler = startRssSampler();

            List<ScenarioResult> scenarios = new ArrayList<>();
            for (Scenario scenario : config.scenarios) {
                scenarios.add(switch (scenario.kind()) {
                    case LOAD -> runLoadScenario(scenario);
                    case FAILURE -> runFailureScenario(scenario);
                    case NOT_BUILT -> skipped(scenario);
                });
            }
            updatePeakRss();
            sampler.interrupt();
            service.stop();
            stub.close();

            Results.Footprint footprint = new Results.Footprint(List.copyOf(starts), readyRss, idleRss, loadRssMax, peakRss);
            List<Check> checks = new ArrayList<>(footprintChecks(footprint));
            scenarios.forEach(s -> checks.addAll(s.checks()));
            double wall = (System.nanoTime() - started) / 1e9;
            Results.Run run = new Results.Run(startedAt.toString(), config.smoke ? "smoke" : "full", wall, machine(),
                    serviceInfo(), settings(), guards(scenarios), tokenImport, footprint, scenarios, checks);
            Path[] files = Results.write(run, config.resultsDir);
            printSummary(run, files);
            ok = !sanityFailed;
            if (sanityFailed) {
                System.err.println("bench: FAILED: the service gave no 201 answers in at least one scenario (see above)");
                return 2;
            }
            long failed = checks.stream().filter(c -> "fail".equals(c.result())).count();
            return config.strict && failed > 0 ? 1 : 0;
        } catch (Exception e) {
            if (service != null) {
                System.err.println("---- last lines of the service log (" + service.log() + ") ----\n" + service.tail(30));
            }
            throw e;
        } finally {
            emergencyStop();
            if (load != null) {
                load.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
            if (ok && !config.keepTmp) {
                deleteTree(tmp);
            } else {
                System.err.println("bench: kept the working folder (service log, data): " + tmp);
            }
        }
    }

    private void emergencyStop() {
        try {
            if (service != null) {
                service.stop();
            }
        } catch (Exception e) {
            System.err.println("could not stop the service: " + e.getMessage());
        }
        if (stub != null) {
            stub.close();
        }
    }

    private void startService(boolean first) throws Exception {
        service.start(Duration.ofSeconds(config.startTimeoutS));
        starts.add(new Results.Start(service.lastStartMillis, service.lastReportedStartSeconds, first && !externalDatabase));
        breakerDirty = false;
    }

    /** The breaker is shared state: a failure scenario leaves it open for 30 s, so the next scenario gets a fresh service. */
    private void ensureClosedBreaker() throws Exception {
        if (!breakerDirty) {
            return;
        }
        log("restarting the service so the Dialpad breaker starts closed");
        updatePeakRss();
        service.stop();
        startService(false);
        log("service ready again in %s s", Fmt.num(service.lastStartMillis / 1000.0));
    }

    // ----- requests -------------------------------------------------------------------------------------------

    /**
     * POST /calls, round-robin over the reps with a different number every time: a global counter (never reset
     * between runs) so a rep never gets the same number twice, and a duplicate-click guard is not what we measure.
     */
    private HttpRequest callRequest(long ignoredRunSequence) {
        long i = callSequence.getAndIncrement();
        int rep = (int) (i % config.reps);
        String body = "{\"rep_id\":\"bench-rep-" + rep + "\",\"to_number\":\"" + number(i) + "\"}";
        return HttpRequest.newBuilder(URI.create(serviceBase + "/calls"))
                .header("X-API-Key", crmKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** The floor: what the service itself sends Dialpad for the same click, sent straight to the stub. */
    private HttpRequest floorRequest(long ignoredRunSequence) {
        long i = callSequence.getAndIncrement();
        int rep = (int) (i % config.reps);
        String body = "{\"phone_number\":\"" + number(i) + "\",\"user_id\":" + dialpadUserId(rep)
                + ",\"custom_data\":\"" + UUID.randomUUID() + "\"}";
        return HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/api/v2/call"))
                .header("Authorization", "Bearer bench-token-" + rep)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String number(long i) {
        return String.format(Locale.ROOT, "+1555%07d", i % 10_000_000L);
    }

    private static long dialpadUserId(int rep) {
        return 5_100_000_000_000_000L + rep; // 16 digits, like Dialpad's user ids
    }

    private void rememberCallId(LoadGenerator.Answer answer) {
        if (answer.id() != null && callIdCount.get() < callIds.length()) {
            int slot = callIdCount.getAndIncrement();
            if (slot < callIds.length()) {
                callIds.set(slot, answer.id());
            }
        }
    }

    private Map<String, Object> importTokens(String adminKey) throws Exception {
        log("importing Dialpad tokens for %d reps (PUT /reps/{id}/dialpad-token)", config.reps);
        long t0 = System.nanoTime();
        Semaphore inFlight = new Semaphore(8); // a migration script's pace, not a load test
        Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        String[] firstError = {null};
        for (int rep = 0; rep < config.reps; rep++) {
            String body = "{\"access_token\":\"bench-token-" + rep + "\",\"dialpad_user_id\":\"" + dialpadUserId(rep)
                    + "\",\"expires_in\":86400}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(serviceBase + "/reps/bench-rep-" + rep + "/dialpad-token"))
                    .header("X-API-Key", adminKey)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("token import stalled");
            }
            pending.add(load.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, f) -> {
                inFlight.release();
                String status = f != null ? "error:" + f.getClass().getSimpleName() : String.valueOf(r.statusCode());
                statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                if (!"200".equals(status) && firstError[0] == null) {
                    firstError[0] = status + " " + (r == null ? String.valueOf(f) : r.body());
                }
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> counts = new TreeMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.sum()));
        long okCount = counts.getOrDefault("200", 0L);
        if (okCount != config.reps) {
            throw new IllegalStateException("token import: " + okCount + " of " + config.reps + " answered 200 "
                    + counts + "; first other answer: " + firstError[0]);
        }
        log("imported %d tokens in %s s", config.reps, Fmt.num(seconds));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reps", config.reps);
        out.put("seconds", round(seconds));
        out.put("per_s", round(config.reps / seconds));
        return out;
    }

    // ----- scenarios --------------------------------------------------------------------------------------------

    private Plan planFor(Scenario scenario) {
        return switch (scenario.name()) {
            case "capacity" -> Plan.closed(config.capacityClients);
            case "light" -> Plan.open(config.rate);
            default -> Plan.closed(config.clients);
        };
    }

    private ScenarioResult runLoadScenario(Scenario scenario) throws Exception {
        ensureClosedBreaker();
        stub.setMode(DialpadStub.Mode.OK);
        stub.setLatencyMs(config.stubLatencyMs);
        Plan plan = planFor(scenario);
        Duration warmup = seconds(config.warmupS);
        Duration duration = seconds(config.durationS);
        log("%s: %s, stub %d ms; warm-up %s s each for the floor and the service, then %d × (%s s floor + %s s service)",
                scenario.name(), plan.describe(), config.stubLatencyMs, Fmt.num(config.warmupS), config.repeats,
                Fmt.num(config.durationS), Fmt.num(config.durationS));

        // Warm both paths (JIT of stub, generator and service; connection pools) before anything is recorded.
        load.run(this::floorRequest, plan, warmup, Duration.ZERO, false, false, null);
        underLoad = true;
        load.run(this::callRequest, plan, warmup, Duration.ZERO, true, false, this::rememberCallId);
        underLoad = false;

        List<Stats> floor = new ArrayList<>();
        List<Stats> serviceRuns = new ArrayList<>();
        for (int r = 1; r <= config.repeats; r++) {
            // Interleaved, so slow drift on a shared machine affects both sides alike.
            Stats f = Stats.of(load.run(this::floorRequest, plan, Duration.ZERO, duration, false, false, null));
            underLoad = true;
            Stats s = Stats.of(load.run(this::callRequest, plan, Duration.ZERO, duration, true, false, this::rememberCallId));
            underLoad = false;
            floor.add(f);
            serviceRuns.add(s);
            log("%s #%d  floor %s/s p50 %s p99 %s ms | service %s/s p50 %s p99 %s max %s ms | %s%s", scenario.name(), r,
                    Fmt.num(f.throughputPerSec()), Fmt.num(f.p50Ms()), Fmt.num(f.p99Ms()),
                    Fmt.num(s.throughputPerSec()), Fmt.num(s.p50Ms()), Fmt.num(s.p99Ms()), Fmt.num(s.maxMs()),
                    Fmt.answers(s.actions(), s.reasons()), errors(s));
        }

        Map<String, Results.Spread> serviceSummary = Results.summary(serviceRuns);
        Map<String, Results.Spread> floorSummary = Results.summary(floor);
        Map<String, Double> difference = new LinkedHashMap<>();
        Map<String, Double> ratio = new LinkedHashMap<>();
        for (String m : Results.METRICS) {
            double sv = serviceSummary.get(m).median();
            double fv = floorSummary.get(m).median();
            difference.put(m, round(sv - fv));
            ratio.put(m, round(fv == 0 ? Double.NaN : sv / fv));
        }
        Map<String, Long> actions = Results.sum(serviceRuns.stream().map(Stats::actions).toList());
        Map<String, Long> reasons = Results.sum(serviceRuns.stream().map(Stats::reasons).toList());
        List<String> notes = loadNotes(scenario, plan, serviceRuns, actions, reasons);

        List<Check> checks = new ArrayList<>();
        String mix = mostlyFallbacks(actions) ? "mostly tel: fallbacks" : null;
        switch (scenario.name()) {
            case "happy" -> {
                checks.add(throughputCheck("happy", plan, serviceSummary.get("throughput").median(),
                        HAPPY_MIN_CALLS_PER_SEC, mix));
                checks.add(Check.of("happy", "p99 service − floor", difference.get("p99"), "ms", "<=",
                        HAPPY_MAX_ADDED_P99_MS, mix));
            }
            case "capacity" -> checks.add(throughputCheck("capacity", plan, serviceSummary.get("throughput").median(),
                    CAPACITY_MIN_CALLS_PER_SEC, mix));
            case "light" -> {
                checks.add(Check.of("light", "added p50", difference.get("p50"), "ms", "<=", LIGHT_MAX_ADDED_P50_MS, mix));
                checks.add(Check.of("light", "added p99", difference.get("p99"), "ms", "<=", LIGHT_MAX_ADDED_P99_MS, mix));
            }
            default -> {
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", plan.describe());
        settings.put("stub", "ok, " + config.stubLatencyMs + " ms");
        settings.put("warm-up", Fmt.num(config.warmupS) + " s");
        settings.put("duration", Fmt.num(config.durationS) + " s");
        settings.put("repeats", config.repeats);
        settings.put("reps", config.reps);
        return new ScenarioResult(scenario.name(), "ran", scenario.description(), settings, serviceRuns, floor,
                serviceSummary, floorSummary, difference, ratio, actions, reasons, null, checks, notes);
    }

    private ScenarioResult runFailureScenario(Scenario scenario) throws Exception {
        boolean hang = scenario.name().equals("hang");
        DialpadStub.Mode mode = hang ? DialpadStub.Mode.HANG : DialpadStub.Mode.REFUSE;
        // A hanging Dialpad is bounded by the response timeout; a refused connection by the connect timeout.
        double boundMs = (hang ? config.responseTimeoutMs : config.connectTimeoutMs) + FAILURE_BOUND_SLACK_MS;
        Plan plan = Plan.closed(config.clients);
        // The measurement must outlast the first timeouts, so the breaker has time to open and be measured open.
        Duration measure = seconds(config.durationS).plusMillis(hang ? config.responseTimeoutMs : 0);
        log("%s: %s; stub %s; %d × (warm-up %s s with Dialpad fine, then %s s with Dialpad %s), bound %s ms",
                scenario.name(), plan.describe(), mode.label(), config.repeats, Fmt.num(config.warmupS),
                Fmt.num(measure.toMillis() / 1000.0), hang ? "hanging" : "refusing connections", Fmt.num(boundMs));

        List<FailureRepeat> repeats = new ArrayList<>();
        List<Stats> allRuns = new ArrayList<>();
        for (int r = 1; r <= config.repeats; r++) {
            Long restartMs = null;
            if (breakerDirty) {
                ensureClosedBreaker();
                restartMs = service.lastStartMillis;
            }
            stub.setMode(DialpadStub.Mode.OK);
            stub.setLatencyMs(config.stubLatencyMs);
            underLoad = true;
            load.run(this::callRequest, plan, seconds(config.warmupS), Duration.ZERO, true, false, this::rememberCallId);
            stub.setMode(mode);
            breakerDirty = true;

            // Side probe: is the rest of the service responsive while clicks hit a failing Dialpad?
            String someCallId = callIdCount.get() > 0 ? callIds.get(0) : UUID.randomUUID().toString();
            List<LoadGenerator.SideProbe.Target> targets = List.of(
                    new LoadGenerator.SideProbe.Target("health", k -> HttpRequest.newBuilder(
                            URI.create(serviceBase + "/actuator/health")).GET().build()),
                    new LoadGenerator.SideProbe.Target("get-call", k -> HttpRequest.newBuilder(
                            URI.create(serviceBase + "/calls/" + pickCallId(k, someCallId)))
                            .header("X-API-Key", crmKey).GET().build()));
            long probeEnd = System.nanoTime() + measure.toNanos();
            LoadGenerator.SideProbe probe = new LoadGenerator.SideProbe(load.client(), targets, config.probeRate,
                    probeEnd, Duration.ofSeconds(10), body -> body != null && body.contains("DEGRADED"));
            Thread probeThread = new Thread(probe, "side-probe");
            probeThread.setDaemon(true);
            probeThread.start();
            LoadGenerator.Outcome outcome = load.run(this::callRequest, plan, Duration.ZERO, measure, true, true, null);
            underLoad = false;
            probeThread.join(measure.toMillis() + 15_000);
            probeThread.interrupt();
            stub.setMode(DialpadStub.Mode.OK); // releases hanging exchanges

            FailureRepeat repeat = analyseFailure(outcome, probe, boundMs, restartMs, hang);
            repeats.add(repeat);
            allRuns.add(repeat.all());
            log("%s #%d  breaker open after %s ms; before it: %d answers, max %s ms (bound %s); after: %s/s p50 %s p99 %s max %s ms, %s | probes: %s",
                    scenario.name(), r, repeat.breakerOpenedAfterMs() == null ? "–" : Fmt.num(repeat.breakerOpenedAfterMs()),
                    repeat.transitionCount(), Fmt.num(repeat.transitionMaxMs()), Fmt.num(boundMs),
                    Fmt.num(repeat.fallback().throughputPerSec()), Fmt.num(repeat.fallback().p50Ms()),
                    Fmt.num(repeat.fallback().p99Ms()), Fmt.num(repeat.fallback().maxMs()),
                    Fmt.answers(repeat.fallback().actions(), repeat.fallback().reasons()),
                    repeat.probes().stream().map(p -> p.path() + " p99 " + Fmt.num(p.p99Ms()) + " ms " + p.statuses())
                            .collect(Collectors.joining("; ")));
        }

        List<Check> checks = new ArrayList<>();
        String name = scenario.name();
        checks.add(Check.of(name, "slowest answer before the breaker opened", Results.Spread.of(repeats,
                FailureRepeat::transitionMaxMs).median(), "ms", "<=", boundMs, null));
        checks.add(Check.of(name, "fallback p99 (breaker open)", Results.Spread.of(repeats,
                x -> x.fallback().p99Ms()).median(), "ms", "<=", FAILURE_MAX_FALLBACK_P99_MS, null));
        for (String probeName : List.of("health", "get-call")) {
            List<ProbeStats> ps = repeats.stream().flatMap(x -> x.probes().stream())
                    .filter(p -> p.name().equals(probeName)).toList();
            if (ps.isEmpty()) {
                continue;
            }
            Map<String, Long> statuses = Results.sum(ps.stream().map(ProbeStats::statuses).toList());
            checks.add(Check.of(name, ps.get(0).path() + " p99", Results.Spread.of(ps, ProbeStats::p99Ms).median(),
                    "ms", "<=", FAILURE_MAX_PROBE_P99_MS, "answered " + statuses));
        }
        List<String> notes = new ArrayList<>();
        if (repeats.stream().anyMatch(x -> x.breakerOpenedAfterMs() == null)) {
            notes.add("In at least one repeat no answer came back fast with reason dialpad_unavailable: the breaker "
                    + "was not seen to open.");
        }
        notes.add("Split: answers to clicks sent before the first fast dialpad_unavailable answer are \"before it\"; "
                + "clicks sent after it are the fallback figures (half-open trial calls after 30 s fall in there too).");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", plan.describe());
        settings.put("stub", mode.label());
        settings.put("warm-up (Dialpad fine)", Fmt.num(config.warmupS) + " s");
        settings.put("measured", Fmt.num(measure.toMillis() / 1000.0) + " s");
        settings.put("repeats", config.repeats);
        settings.put("bound", Fmt.num(boundMs) + " ms (" + (hang ? "DIALPAD_RESPONSE_TIMEOUT_MS" : "DIALPAD_CONNECT_TIMEOUT_MS") + " + 100)");
        settings.put("side probe", Fmt.num(config.probeRate) + " GET/s alternating /actuator/health and /calls/{id}");
        return new ScenarioResult(name, "ran", scenario.description(), settings, allRuns, List.of(),
                Results.summary(allRuns), Map.of(), Map.of(), Map.of(),
                Results.sum(allRuns.stream().map(Stats::actions).toList()),
                Results.sum(allRuns.stream().map(Stats::reasons).toList()), repeats, checks, notes);
    }

    private String pickCallId(long k, String fallback) {
        int n = Math.min(callIdCount.get(), callIds.length());
        if (n == 0) {
            return fallback;
        }
        String id = callIds.get((int) (k % n));
        return id == null ? fallback : id;
    }

    /** Splits a failure run at the moment the breaker opened (the first fast dialpad_unavailable answer). */
    private FailureRepeat analyseFailure(LoadGenerator.Outcome outcome, LoadGenerator.SideProbe probe, double boundMs,
                                         Long restartMs, boolean hang) {
        long fastNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(1000, Math.max(50, config.responseTimeoutMs / 2)));
        List<LoadGenerator.Sample> samples = new ArrayList<>(outcome.samples);
        samples.sort(Comparator.comparingLong(LoadGenerator.Sample::startNanos));
        long openAt = samples.stream()
                .filter(s -> "dialpad_unavailable".equals(s.answer().reason()) && s.latencyNanos() < fastNanos)
                .mapToLong(s -> s.startNanos() + s.latencyNanos())
                .min().orElse(Long.MAX_VALUE);
        long boundNanos = (long) (boundMs * 1e6);
        long transitionCount = 0;
        long transitionMax = 0;
        long transitionOver = 0;
        long allOver = 0;
        Histogram fallback = new Histogram(1, LoadGenerator.HIGHEST_MICROS, 3);
        Map<String, Long> statuses = new TreeMap<>();
        Map<String, Long> actions = new TreeMap<>();
        Map<String, Long> reasons = new TreeMap<>();
        long errors = 0;
        for (LoadGenerator.Sample s : samples) {
            if (s.latencyNanos() > boundNanos) {
                allOver++;
            }
            if (s.startNanos() < openAt) {
                transitionCount++;
                transitionMax = Math.max(transitionMax, s.latencyNanos());
                if (s.latencyNanos() > boundNanos) {
                    transitionOver++;
                }
                continue;
            }
            fallback.recordValue(Math.min(LoadGenerator.HIGHEST_MICROS, Math.max(1, s.latencyNanos() / 1000)));
            statuses.merge(s.answer().outcomeKey(), 1L, Long::sum);
            if (s.answer().status() < 0) {
                errors++;
            }
            if (s.answer().action() != null) {
                actions.merge(s.answer().action(), 1L, Long::sum);
                reasons.merge(s.answer().action() + ":" + (s.answer().reason() == null ? "(none)" : s.answer().reason()),
                        1L, Long::sum);
            }
        }
        long end = outcome.measureStartNanos + outcome.measuredNanos;
        double fallbackSeconds = openAt == Long.MAX_VALUE ? 0 : Math.max(0, end - openAt) / 1e9;
        Stats fallbackStats = Stats.of(fallback, fallbackSeconds, errors, 0, statuses, actions, reasons);
        List<ProbeStats> probes = new ArrayList<>();
        probe.latency.forEach((name, h) -> {
            Map<String, Long> st = new TreeMap<>();
            probe.statuses.get(name).forEach((k, v) -> st.put(k, v.sum()));
            long n = h.getTotalCount();
            probes.add(new ProbeStats(name, name.equals("health") ? "GET /actuator/health" : "GET /calls/{id}", n,
                    n == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0,
                    n == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0,
                    n == 0 ? Double.NaN : h.getMaxValue() / 1000.0, st));
        });
        probes.sort(Comparator.comparing(ProbeStats::name).reversed()); // health first
        Double openedAfter = openAt == Long.MAX_VALUE ? null : round((openAt - outcome.measureStartNanos) / 1e6);
        Double healthAfter = probe.healthFlagNanos == 0 ? null : round((probe.healthFlagNanos - outcome.measureStartNanos) / 1e6);
        return new FailureRepeat(restartMs, openedAfter, healthAfter, boundMs, transitionCount,
                transitionCount == 0 ? Double.NaN : round(transitionMax / 1e6), transitionOver, allOver, fallbackStats,
                Stats.of(outcome), probes);
    }

    private ScenarioResult skipped(Scenario scenario) {
        log("%s: skipped (the feature it measures is not built yet)", scenario.name());
        return new ScenarioResult(scenario.name(), "skipped: the feature it measures is not built yet",
                scenario.description(), Map.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of(), Map.of(), null, List.of(), List.of());
    }

    private List<String> loadNotes(Scenario scenario, Plan plan, List<Stats> runs, Map<String, Long> actions,
                                   Map<String, Long> reasons) {
        List<String> notes = new ArrayList<>();
        if (mostlyFallbacks(actions)) {
            notes.add("Most answers were tel: fallbacks " + reasons + ": this run measures the fallback path, not "
                    + "the Dialpad path.");
        }
        long errors = runs.stream().mapToLong(Stats::transportErrors).sum();
        if (errors > 0) {
            notes.add(errors + " requests failed without an HTTP answer: " + Results.sum(runs.stream().map(Stats::statuses).toList()));
        }
        long dropped = runs.stream().mapToLong(Stats::dropped).sum();
        if (dropped > 0) {
            notes.add(dropped + " open-loop requests were not sent (over " + "20,000 in flight).");
        }
        if (runs.stream().allMatch(s -> s.statuses().getOrDefault("201", 0L) == 0)) {
            sanityFailed = true;
            notes.add("No 201 answers at all: the service is not working under this load.");
        }
        double perRepPerMinute = Results.Spread.of(runs, Stats::throughputPerSec).median() * 60 / config.reps;
        if (perRepPerMinute > REP_CALLS_PER_MINUTE) {
            notes.add(String.format(Locale.ROOT, "Each rep got %.1f calls/min (REPS=%d). A %d calls/min/rep guard "
                            + "would turn most of them into fallbacks; REPS ≥ %d keeps every rep under it at this rate.",
                    perRepPerMinute, config.reps, REP_CALLS_PER_MINUTE,
                    (long) Math.ceil(perRepPerMinute * config.reps / REP_CALLS_PER_MINUTE)));
        }
        return notes;
    }

    /**
     * A closed loop cannot exceed clients ÷ stub latency (8 clients × 50 ms = 160 calls/s): when that ceiling is
     * below the target (smoke settings), the target is not applicable rather than failed.
     */
    private Check throughputCheck(String scenario, Plan plan, double measured, double target, String note) {
        Check check = Check.of(scenario, "throughput", measured, "calls/s", ">=", target, note);
        if (config.stubLatencyMs > 0 && !plan.isOpen()) {
            double ceiling = plan.clients() * 1000.0 / config.stubLatencyMs;
            if (ceiling < target) {
                return new Check(check.scenario(), check.metric(), check.measured(), check.unit(), check.comparator(),
                        target, "n/a", plan.clients() + " clients × " + config.stubLatencyMs + " ms cap it at "
                        + Fmt.num(ceiling) + " calls/s");
            }
        }
        return check;
    }

    private static boolean mostlyFallbacks(Map<String, Long> actions) {
        long total = actions.values().stream().mapToLong(Long::longValue).sum();
        return total > 0 && actions.getOrDefault("dialpad", 0L) * 2 < total;
    }

    private static String errors(Stats s) {
        return s.transportErrors() > 0 ? " | " + s.transportErrors() + " transport errors " + s.statuses() : "";
    }

    private List<Check> footprintChecks(Results.Footprint f) {
        List<Check> checks = new ArrayList<>();
        Results.Start first = f.starts().get(0);
        checks.add(Check.of("footprint", "start to ready", first.wallMs() / 1000.0, "s", "<=", FOOTPRINT_MAX_START_S,
                first.freshDataFolder() ? "first start: fresh data folder, embedded PostgreSQL initdb included" : "first start"));
        if (f.starts().size() > 1) {
            checks.add(Check.of("footprint", "restart to ready (median)", Results.Spread.of(
                    f.starts().subList(1, f.starts().size()), s -> s.wallMs() / 1000.0).median(), "s", "<=",
                    FOOTPRINT_MAX_START_S, "existing data folder"));
        }
        checks.add(Check.of("footprint", "RSS idle", f.idleRssMiB(), "MiB", "<=", FOOTPRINT_MAX_RSS_MIB, null));
        checks.add(Check.of("footprint", "RSS under load", f.loadRssMaxMiB(), "MiB", "<=", FOOTPRINT_MAX_RSS_MIB,
                "highest sample"));
        return checks;
    }

    // ----- memory sampling ----------------------------------------------------------------------------------------

    private Thread startRssSampler() {
        Thread sampler = new Thread(() -> {
            // Bounded: at most 24 h of 250 ms samples, and stops when interrupted at the end of the run.
            for (int i = 0; i < 24 * 3600 * 4 && !Thread.currentThread().isInterrupted(); i++) {
                if (underLoad && service.isAlive()) {
                    double rss = service.memory().rssMiB();
                    if (rss > 0 && (Double.isNaN(loadRssMax) || rss > loadRssMax)) {
                        loadRssMax = rss;
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        return sampler;
    }

    private void updatePeakRss() {
        double hwm = service.memory().peakMiB();
        if (hwm > 0 && (Double.isNaN(peakRss) || hwm > peakRss)) {
            peakRss = hwm;
        }
    }

    // ----- report ------------------------------------------------------------------------------------------------

    private Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores_nproc", Runtime.getRuntime().availableProcessors());
        m.put("memory_gib", round(memTotalKiB() / 1024.0 / 1024.0));
        m.put("cpu", cpuModel());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), the same for the service and the harness");
        m.put("note", "stub, load generator and service share this machine's cores");
        return m;
    }

    private Map<String, Object> serviceInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service_jar", relative(config.serviceJar));
        m.put("service_commit", config.env.getOrDefault("BENCH_GIT_REV", "unknown"));
        m.put("service_jvm_flags", config.jvmFlags.isEmpty() ? "(none: JVM defaults)" : String.join(" ", config.jvmFlags));
        m.put("database", externalDatabase ? "external: " + maskUrl(config.env.get("SPRING_DATASOURCE_URL"))
                : "embedded PostgreSQL (started by the service)");
        m.put("db_pool_size", config.env.getOrDefault("DB_POOL_SIZE", "(default)"));
        m.put("dialpad_connect_timeout_ms", config.connectTimeoutMs);
        m.put("dialpad_response_timeout_ms", config.responseTimeoutMs);
        return m;
    }

    private Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenarios", config.scenarios.stream().map(Scenario::name).collect(Collectors.joining(",")));
        m.put("warmup_s", config.warmupS);
        m.put("duration_s", config.durationS);
        m.put("repeats", config.repeats);
        m.put("clients_happy_hang_down", config.clients);
        m.put("clients_capacity", config.capacityClients);
        m.put("rate_light_calls_per_s", config.rate);
        m.put("reps", config.reps);
        m.put("stub_latency_ms", config.stubLatencyMs);
        m.put("request_timeout_s", config.requestTimeoutS);
        m.put("side_probe_per_s", config.probeRate);
        return m;
    }

    /** Which per-rep guards were on: the settings passed to the service and what its answers showed. */
    private Map<String, Object> guards(List<ScenarioResult> scenarios) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> settings = new TreeMap<>();
        config.env.forEach((k, v) -> {
            String upper = k.toUpperCase(Locale.ROOT);
            boolean guardish = upper.contains("GUARD") || upper.contains("RATE_LIMIT") || upper.contains("DUPLICATE")
                    || (upper.startsWith("CALLS_") && !upper.contains("KEY"));
            if (guardish && !upper.contains("KEY") && !upper.contains("SECRET") && !upper.contains("PASSWORD")) {
                settings.put(k, v);
            }
        });
        m.put("guard_settings_passed", settings.isEmpty() ? "(none: the service's defaults)" : settings.toString());
        Map<String, Long> fallbacks = new TreeMap<>();
        for (ScenarioResult s : scenarios) {
            if (s.failureRepeats() == null && s.reasons() != null) {
                s.reasons().forEach((reason, n) -> {
                    if (reason.startsWith("tel:")) {
                        fallbacks.merge(reason.substring(4), n, Long::sum);
                    }
                });
            }
        }
        m.put("fallbacks_while_dialpad_was_fine", fallbacks.isEmpty()
                ? "none: no guard turned a click into a tel: link" : fallbacks + " (a guard, or a rep without a token)");
        return m;
    }

    private void printHeader() {
        log("click-to-call benchmark (%s): scenarios %s; %d cores; service jar %s",
                config.smoke ? "smoke" : "full", config.scenarios.stream().map(Scenario::name).collect(Collectors.joining(",")),
                Runtime.getRuntime().availableProcessors(), relative(config.serviceJar));
        log("stub on %s (%d ms); service on %s; database: %s", stub.baseUrl(), config.stubLatencyMs, serviceBase,
                externalDatabase ? "external" : "embedded PostgreSQL");
    }

    private void printSummary(Results.Run run, Path[] files) {
        System.out.println();
        System.out.println("== results: " + relative(files[0]) + " and " + relative(files[1]));
        for (Check c : run.checks()) {
            System.out.printf(Locale.ROOT, "  %-5s %-10s %-42s %14s   target %s %s %s%s%n",
                    c.result().toUpperCase(Locale.ROOT), c.scenario(), c.metric(),
                    c.measured() == null ? "–" : Fmt.num(c.measured()) + " " + c.unit(),
                    c.comparator().equals(">=") ? "≥" : "≤", Fmt.num(c.target()), c.unit(),
                    "n/a".equals(c.result()) ? "  (" + c.note() + ")" : "");
        }
        if (config.smoke) {
            System.out.println("  (smoke settings: these figures show the run works; they are not comparable with the targets)");
        }
        System.out.printf(Locale.ROOT, "== done in %s s%n", Fmt.num(run.wallSeconds()));
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    // ----- small helpers --------------------------------------------------------------------------------------------

    private String relative(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(projectDir) ? projectDir.relativize(abs).toString() : abs.toString();
    }

    private static String maskUrl(String url) {
        if (url == null) {
            return "";
        }
        return url.replaceAll("//[^/@]*@", "//***@").replaceAll("\\?.*$", "");
    }

    private static long memTotalKiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private String randomKey() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // 32 characters
    }

    /** Same as `openssl rand -base64 32`. */
    private String base64Key() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000) / 1000.0;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: it is a temporary folder
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    // ===========================================================================================================

    /** Options: flags (--duration=20) win over environment variables (DURATION=20), which win over the defaults. */
    static final class Config {
        static final String USAGE = """
                Usage: bench/run.sh [--smoke] [--OPTION=VALUE ...]

                Each option is also read from the environment variable in brackets (a flag wins).
                  --smoke                    tiny run for CI (< 60 s): happy,light,down; 2 s warm-up, 3 s, 1 repeat,
                                             8 clients, 50 reps, 20 calls/s                     [SMOKE=1]
                  --scenarios=a,b            happy, capacity, light, hang, down, refresh-sweep, events, or all
                                             (default happy,capacity,light,hang,down)            [SCENARIOS]
                  --duration=SECONDS         measured time per repeat (default 20)               [DURATION]
                  --warmup=SECONDS           warm-up before measuring (default 10)               [WARMUP]
                  --repeats=N                repeats per scenario (default 3)                    [REPEATS]
                  --clients=N                closed-loop clients for happy, hang, down (64)      [CLIENTS]
                  --capacity-clients=N       closed-loop clients for capacity (256)              [CAPACITY_CLIENTS]
                  --rate=CALLS_PER_SEC       open-loop rate for light (100)                      [RATE]
                  --reps=N                   reps with imported tokens (1000)                    [REPS]
                  --stub-latency-ms=MS       Dialpad stub's answer delay (50)                    [STUB_LATENCY_MS]
                  --jvm-opts="FLAGS"         the service's JVM flags (none)                      [SERVICE_JVM_OPTS]
                  --jar=PATH                 the service jar (target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar) [SERVICE_JAR]
                  --results-dir=PATH         where results go (bench/results)                    [RESULTS_DIR]
                  --request-timeout=SECONDS  the load generator's per-request timeout (30)       [REQUEST_TIMEOUT]
                  --probe-rate=PER_SEC       side-probe GETs per second in hang/down (20)        [PROBE_RATE]
                  --start-timeout=SECONDS    how long to wait for the service to start (180)     [START_TIMEOUT]
                  --strict                   exit 1 when a figure misses its target              [STRICT=1]
                  --keep-tmp                 keep the temporary folder (service log, data)       [KEEP_TMP=1]
                The service also inherits the environment: SPRING_DATASOURCE_URL/_USERNAME/_PASSWORD (external
                PostgreSQL instead of the embedded one), DB_POOL_SIZE, DIALPAD_CONNECT_TIMEOUT_MS,
                DIALPAD_RESPONSE_TIMEOUT_MS and any guard settings.
                """;

        private static final Map<String, String> OPTIONS = Map.ofEntries(
                Map.entry("smoke", "SMOKE"), Map.entry("scenarios", "SCENARIOS"), Map.entry("duration", "DURATION"),
                Map.entry("warmup", "WARMUP"), Map.entry("repeats", "REPEATS"), Map.entry("clients", "CLIENTS"),
                Map.entry("capacity-clients", "CAPACITY_CLIENTS"), Map.entry("rate", "RATE"), Map.entry("reps", "REPS"),
                Map.entry("stub-latency-ms", "STUB_LATENCY_MS"), Map.entry("jvm-opts", "SERVICE_JVM_OPTS"),
                Map.entry("jar", "SERVICE_JAR"), Map.entry("results-dir", "RESULTS_DIR"),
                Map.entry("request-timeout", "REQUEST_TIMEOUT"), Map.entry("probe-rate", "PROBE_RATE"),
                Map.entry("start-timeout", "START_TIMEOUT"), Map.entry("strict", "STRICT"),
                Map.entry("keep-tmp", "KEEP_TMP"), Map.entry("project-dir", "BENCH_PROJECT_DIR"),
                Map.entry("help", "BENCH_HELP"));

        private static final Map<String, String> SMOKE_DEFAULTS = Map.of(
                "scenarios", "happy,light,down", "duration", "3", "warmup", "2", "repeats", "1", "clients", "8",
                "capacity-clients", "16", "rate", "20", "reps", "50", "probe-rate", "10");

        private static final Map<String, String> DEFAULTS = Map.ofEntries(
                Map.entry("scenarios", DEFAULT_SCENARIOS), Map.entry("duration", "20"), Map.entry("warmup", "10"),
                Map.entry("repeats", "3"), Map.entry("clients", "64"), Map.entry("capacity-clients", "256"),
                Map.entry("rate", "100"), Map.entry("reps", "1000"), Map.entry("stub-latency-ms", "50"),
                Map.entry("jvm-opts", ""), Map.entry("request-timeout", "30"), Map.entry("probe-rate", "20"),
                Map.entry("start-timeout", "180"));

        Map<String, String> env;
        boolean help;
        boolean smoke;
        boolean strict;
        boolean keepTmp;
        List<Scenario> scenarios;
        double durationS;
        double warmupS;
        int repeats;
        int clients;
        int capacityClients;
        double rate;
        int reps;
        long stubLatencyMs;
        List<String> jvmFlags;
        Path projectDir;
        Path serviceJar;
        Path resultsDir;
        Path tmpParent;
        int requestTimeoutS;
        double probeRate;
        long startTimeoutS;
        long connectTimeoutMs;
        long responseTimeoutMs;

        static Config parse(String[] args, Map<String, String> env) {
            Map<String, String> flags = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument: " + arg);
                }
                String name = arg.substring(2);
                String value = "1";
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (!OPTIONS.containsKey(name)) {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
                if (eq < 0 && !Set.of("smoke", "strict", "keep-tmp", "help").contains(name)) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                flags.put(name, value);
            }
            Config c = new Config();
            c.env = env;
            java.util.function.Function<String, String> get = name -> {
                if (flags.containsKey(name)) {
                    return flags.get(name);
                }
                String fromEnv = env.get(OPTIONS.get(name));
                if (fromEnv != null && !fromEnv.isBlank()) {
                    return fromEnv;
                }
                if (c.smoke && SMOKE_DEFAULTS.containsKey(name)) {
                    return SMOKE_DEFAULTS.get(name);
                }
                return DEFAULTS.get(name);
            };
            c.help = truthy(get.apply("help"));
            c.smoke = truthy(get.apply("smoke"));
            c.strict = truthy(get.apply("strict"));
            c.keepTmp = truthy(get.apply("keep-tmp"));
            c.scenarios = scenarios(get.apply("scenarios"));
            c.durationS = positive(get.apply("duration"), "duration");
            c.warmupS = positive(get.apply("warmup"), "warmup");
            c.repeats = (int) positive(get.apply("repeats"), "repeats");
            c.clients = (int) positive(get.apply("clients"), "clients");
            c.capacityClients = (int) positive(get.apply("capacity-clients"), "capacity-clients");
            c.rate = positive(get.apply("rate"), "rate");
            c.reps = (int) positive(get.apply("reps"), "reps");
            c.stubLatencyMs = (long) number(get.apply("stub-latency-ms"), "stub-latency-ms");
            String jvm = get.apply("jvm-opts");
            c.jvmFlags = jvm == null || jvm.isBlank() ? List.of() : Arrays.asList(jvm.trim().split("\\s+"));
            String project = get.apply("project-dir");
            c.projectDir = Path.of(project == null ? "." : project).toAbsolutePath().normalize();
            String jar = get.apply("jar");
            c.serviceJar = jar == null ? c.projectDir.resolve("target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar")
                    : Path.of(jar).toAbsolutePath().normalize();
            String results = get.apply("results-dir");
            c.resultsDir = results == null ? c.projectDir.resolve("bench/results") : Path.of(results).toAbsolutePath();
            c.tmpParent = Path.of(env.getOrDefault("BENCH_TMP", System.getProperty("java.io.tmpdir")));
            c.requestTimeoutS = (int) positive(get.apply("request-timeout"), "request-timeout");
            c.probeRate = positive(get.apply("probe-rate"), "probe-rate");
            c.startTimeoutS = (long) positive(get.apply("start-timeout"), "start-timeout");
            c.connectTimeoutMs = (long) number(env.getOrDefault("DIALPAD_CONNECT_TIMEOUT_MS", "2000"), "DIALPAD_CONNECT_TIMEOUT_MS");
            c.responseTimeoutMs = (long) number(env.getOrDefault("DIALPAD_RESPONSE_TIMEOUT_MS", "5000"), "DIALPAD_RESPONSE_TIMEOUT_MS");
            if (!c.help && !Files.isRegularFile(c.serviceJar)) {
                throw new IllegalArgumentException("no service jar at " + c.serviceJar + " (bench/run.sh builds it)");
            }
            return c;
        }

        private static List<Scenario> scenarios(String text) {
            List<String> names = Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank())
                    .map(s -> s.toLowerCase(Locale.ROOT)).toList();
            if (names.contains("all")) {
                names = SCENARIOS.stream().map(Scenario::name).toList();
            }
            List<Scenario> selected = new ArrayList<>();
            for (String name : names) {
                Scenario found = SCENARIOS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                        new IllegalArgumentException("unknown scenario " + name + "; known: "
                                + SCENARIOS.stream().map(Scenario::name).collect(Collectors.joining(", "))));
                if (!selected.contains(found)) {
                    selected.add(found);
                }
            }
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("no scenario selected");
            }
            // Run in the canonical order: the ones that leave the breaker open come last.
            selected.sort(Comparator.comparingInt(SCENARIOS::indexOf));
            return selected;
        }

        private static boolean truthy(String value) {
            return value != null && Set.of("1", "true", "yes", "on").contains(value.toLowerCase(Locale.ROOT));
        }

        private static double number(String value, String name) {
            try {
                return Double.parseDouble(value.trim().replaceAll("s$", ""));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + " must be a number: " + value);
            }
        }

        private static double positive(String value, String name) {
            double v = number(value, name);
            if (!(v > 0)) {
                throw new IllegalArgumentException(name + " must be more than 0: " + value);
            }
            return v;
        }
    }
}
