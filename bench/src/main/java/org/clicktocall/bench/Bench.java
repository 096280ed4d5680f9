package org.clicktocall.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
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

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
    static final double EVENTS_MIN_PER_SEC = 2000;
    /** The events scenario GETs this many of its calls afterwards to see that they ended. */
    static final int EVENTS_VERIFY_SAMPLE = 100;
    static final int REFRESH_TARGET_TOKENS = 10_000;
    static final double REFRESH_MAX_SECONDS = 60;
    /** The token-refresh cron the harness gives the service when refresh-sweep runs (Quartz, seconds first). */
    static final String REFRESH_CRON = "*/5 * * * * ?";
    static final long REFRESH_CRON_PERIOD_MS = 5000;
    /** Sample of refreshed reps read back with GET /reps/{id}/dialpad. */
    static final int REFRESH_VERIFY_SAMPLE = 20;

    enum Kind { LOAD, FAILURE, EVENTS, REFRESH }

    record Scenario(String name, Kind kind, String description) {
    }

    /** Every scenario, in the order they run (failure scenarios last: each leaves the breaker open). */
    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("happy", Kind.LOAD, "Dialpad answers in STUB_LATENCY_MS; closed loop with CLIENTS clients."),
            new Scenario("capacity", Kind.LOAD, "As happy with CAPACITY_CLIENTS clients: how many calls/s the service sustains."),
            new Scenario("light", Kind.LOAD, "Open loop at RATE calls/s (latency from the intended send): the latency the service adds at a light load."),
            new Scenario("refresh-sweep", Kind.REFRESH, "REFRESH_TOKENS tokens expiring within the window, Dialpad's token endpoint answering in STUB_LATENCY_MS: how long the scheduled refresh takes to ask for every one (one instance), and whether any is asked for twice when two instances share the database."),
            new Scenario("events", Kind.EVENTS, "Dialpad call events (POST /dialpad/events, HS256 JWT): closed loop with CLIENTS clients, each sending one call's ringing, connected and hangup in order, then the next call's."),
            new Scenario("hang", Kind.FAILURE, "Dialpad accepts the request and never answers: every click must be answered within the response timeout until the breaker opens, then at once with a tel: link."),
            new Scenario("down", Kind.FAILURE, "Dialpad's port is closed (connection refused): as hang."));

    static final String DEFAULT_SCENARIOS = "happy,capacity,light,hang,down,events";
    /** The service JVM flags README recommends for production on small machines (see bench/RESULTS.md). */
    static final String PRODUCTION_JVM_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m";

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
    private Launch launch;
    private LoadGenerator load;
    private String serviceBase;
    private String crmKey;
    private String adminKey;
    /** DIALPAD_WEBHOOK_SECRET given to the service: 48 random hex characters. */
    private String webhookSecret;
    /** What the harness adds to the service's environment (the second instance of refresh-sweep starts from it). */
    private Map<String, String> serviceEnv;
    private Path tmp;
    /** refresh-sweep's second instance, while it runs. */
    private volatile ServiceProcess secondService;
    private boolean breakerDirty;
    private boolean externalDatabase;
    private boolean sanityFailed;
    /** Keep the temporary folder even after a completed run (e.g. the second instance's log after it failed). */
    private boolean keepWorkFolder;
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
        tmp = Files.createTempDirectory(config.tmpParent, "ctc-bench-");
        Path dataDir = tmp.resolve("data");
        boolean ok = false;
        Thread hook = new Thread(this::emergencyStop, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int stubPort = freePort();
            int servicePort = freePort();
            stub = new DialpadStub(stubPort, config.stubLatencyMs);
            crmKey = randomKey();
            adminKey = randomKey();
            webhookSecret = randomHex(24);
            Map<String, String> env = new HashMap<>();
            env.put("APP_DATA_DIR", dataDir.toString());
            env.put("SERVER_PORT", String.valueOf(servicePort));
            env.put("CALLS_API_KEYS", crmKey);
            env.put("CALLS_ADMIN_API_KEYS", adminKey);
            env.put("TOKEN_ENCRYPTION_KEY", base64Key());
            env.put("DIALPAD_BASE_URL", stub.baseUrl());
            // Harmless for the click scenarios: events need the webhook secret, the token refresh an OAuth client.
            env.put("DIALPAD_WEBHOOK_SECRET", webhookSecret);
            env.put("DIALPAD_CLIENT_ID", "bench-client");
            env.put("DIALPAD_CLIENT_SECRET", "bench-secret");
            env.put("DIALPAD_REDIRECT_URI", "https://bench.invalid/oauth/dialpad/callback");
            if (config.scenarios.stream().anyMatch(sc -> sc.kind() == Kind.REFRESH)) {
                // Relaxed binding: tokens.refresh.cron. Every 5 s instead of every minute, unless set by the caller.
                env.put("TOKENS_REFRESH_CRON", config.env.getOrDefault("TOKENS_REFRESH_CRON", REFRESH_CRON));
                env.put("TOKEN_REFRESH_WINDOW_SECONDS", config.env.getOrDefault("TOKEN_REFRESH_WINDOW_SECONDS", "600"));
            }
            serviceEnv = Map.copyOf(env);
            externalDatabase = !config.env.getOrDefault("SPRING_DATASOURCE_URL", "").isBlank();
            // Everything else (SPRING_DATASOURCE_*, DB_POOL_SIZE, DIALPAD_*_TIMEOUT_MS, guard settings) is inherited.
            if (config.cds) {
                log("preparing the production launch: extracting the jar and recording a class-data archive...");
                launch = Launch.cds(config.serviceJar, tmp.resolve("launch"), config.jvmFlags, env,
                        Duration.ofSeconds(config.startTimeoutS));
                log("launch prepared in %s s", Fmt.num(launch.prepareSeconds()));
            } else {
                launch = Launch.fatJar(config.serviceJar);
            }
            service = new ServiceProcess(launch, tmp.resolve("work"), dataDir, config.jvmFlags, env);
            serviceBase = "http://127.0.0.1:" + servicePort;
            load = new LoadGenerator(Duration.ofSeconds(config.requestTimeoutS));

            printHeader();
            startService(true);
            double readyRss = service.memory().rssMiB();
            log("service ready in %s s (pid %d, RSS %s MiB), log: %s", Fmt.num(service.lastStartMillis / 1000.0),
                    service.pid(), Fmt.num(readyRss), service.log());
            Map<String, Object> tokenImport = importTokens();
            Thread.sleep(2000); // let the start-up garbage settle before calling it idle
            double idleRss = service.memory().rssMiB();
            Thread sampler = startRssSampler();

            List<ScenarioResult> scenarios = new ArrayList<>();
            for (Scenario scenario : config.scenarios) {
                scenarios.add(switch (scenario.kind()) {
                    case LOAD -> runLoadScenario(scenario);
                    case FAILURE -> runFailureScenario(scenario);
                    case EVENTS -> runEventsScenario(scenario);
                    case REFRESH -> runRefreshSweep(scenario);
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
                System.err.println("bench: FAILED: the service gave no successful answers in at least one scenario (see above)");
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
            if (ok && !config.keepTmp && !keepWorkFolder) {
                deleteTree(tmp);
            } else {
                System.err.println("bench: kept the working folder (service log, data): " + tmp);
            }
        }
    }

    private void emergencyStop() {
        stopSecondService();
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

    private Map<String, Object> importTokens() throws Exception {
        log("importing Dialpad tokens for %d reps (PUT /reps/{id}/dialpad-token)", config.reps);
        double seconds = putTokens(0, config.reps, rep -> "bench-rep-" + rep,
                rep -> "{\"access_token\":\"bench-token-" + rep + "\",\"dialpad_user_id\":\"" + dialpadUserId(rep)
                        + "\",\"expires_in\":86400}");
        log("imported %d tokens in %s s", config.reps, Fmt.num(seconds));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reps", config.reps);
        out.put("seconds", round(seconds));
        out.put("per_s", round(config.reps / seconds));
        return out;
    }

    /**
     * PUT /reps/{id}/dialpad-token (admin key) for reps {@code from} to {@code to - 1}, 8 at a time (a migration
     * script's pace, not a load test). Every answer must be 200. Returns the seconds it took.
     */
    private double putTokens(int from, int to, java.util.function.IntFunction<String> repId,
                             java.util.function.IntFunction<String> body) throws Exception {
        long t0 = System.nanoTime();
        Semaphore inFlight = new Semaphore(8);
        Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        String[] firstError = {null};
        for (int rep = from; rep < to; rep++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(serviceBase + "/reps/" + repId.apply(rep) + "/dialpad-token"))
                    .header("X-API-Key", adminKey)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofString(body.apply(rep)))
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
        if (okCount != to - from) {
            throw new IllegalStateException("token import: " + okCount + " of " + (to - from) + " answered 200 "
                    + counts + "; first other answer: " + firstError[0]);
        }
        return seconds;
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
        List<CpuUse.Window> serviceCpu = new ArrayList<>();
        List<CpuUse.Window> floorCpu = new ArrayList<>();
        for (int r = 1; r <= config.repeats; r++) {
            // Interleaved, so slow drift on a shared machine affects both sides alike.
            CpuUse before = CpuUse.now(service.pid());
            Stats f = Stats.of(load.run(this::floorRequest, plan, Duration.ZERO, duration, false, false, null));
            CpuUse between = CpuUse.now(service.pid());
            underLoad = true;
            Stats s = Stats.of(load.run(this::callRequest, plan, Duration.ZERO, duration, true, false, this::rememberCallId));
            underLoad = false;
            floorCpu.add(between.since(before, f.count()));
            serviceCpu.add(CpuUse.now(service.pid()).since(between, s.count()));
            floor.add(f);
            serviceRuns.add(s);
            CpuUse.Window cpu = serviceCpu.get(serviceCpu.size() - 1);
            log("%s #%d  floor %s/s p50 %s p99 %s ms | service %s/s p50 %s p99 %s max %s ms | %s%s | cpu ms per call:"
                    + " service %s, PostgreSQL %s, harness %s", scenario.name(), r,
                    Fmt.num(f.throughputPerSec()), Fmt.num(f.p50Ms()), Fmt.num(f.p99Ms()),
                    Fmt.num(s.throughputPerSec()), Fmt.num(s.p50Ms()), Fmt.num(s.p99Ms()), Fmt.num(s.maxMs()),
                    Fmt.answers(s.actions(), s.reasons()), errors(s), Fmt.num(cpu.perAnswerMs(cpu.service())),
                    Fmt.num(cpu.perAnswerMs(cpu.database())), Fmt.num(cpu.perAnswerMs(cpu.harness())));
        }

        Comparison vs = Comparison.of(serviceRuns, floor);
        Map<String, Results.Spread> serviceSummary = vs.service();
        Map<String, Results.Spread> floorSummary = vs.floor();
        Map<String, Double> difference = vs.difference();
        Map<String, Double> ratio = vs.ratio();
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
                serviceSummary, floorSummary, difference, ratio, actions, reasons, null, checks, notes,
                cpuDetails(serviceCpu, floorCpu, "call"));
    }

    /**
     * Where the CPU went while the service was measured (median over repeats): CPU milliseconds per answer for the
     * service JVM, PostgreSQL and this harness, and how many of the machine's cores each kept busy. The floor's
     * harness figure is what the stub and the generator cost per request on their own.
     */
    static Map<String, Object> cpuDetails(List<CpuUse.Window> serviceCpu, List<CpuUse.Window> floorCpu, String unit) {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("cpu ms per " + unit + ": service JVM", Fmt.num(median(serviceCpu, w -> w.perAnswerMs(w.service()))));
        cpu.put("cpu ms per " + unit + ": PostgreSQL", Fmt.num(median(serviceCpu, w -> w.perAnswerMs(w.database()))));
        cpu.put("cpu ms per " + unit + ": harness (stub + generator)", Fmt.num(median(serviceCpu, w -> w.perAnswerMs(w.harness()))));
        cpu.put("cpu ms per request, floor: harness", Fmt.num(median(floorCpu, w -> w.perAnswerMs(w.harness()))));
        cpu.put("cores busy: service / PostgreSQL / harness", Fmt.num(median(serviceCpu, w -> w.cores(w.service()))) + " / "
                + Fmt.num(median(serviceCpu, w -> w.cores(w.database()))) + " / "
                + Fmt.num(median(serviceCpu, w -> w.cores(w.harness()))));
        return cpu;
    }

    private static double median(List<CpuUse.Window> windows, java.util.function.ToDoubleFunction<CpuUse.Window> f) {
        double[] v = windows.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
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
        HttpClient probeClient = LoadGenerator.probeClient();
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
            LoadGenerator.SideProbe probe = new LoadGenerator.SideProbe(probeClient, targets, config.probeRate,
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
                Results.sum(allRuns.stream().map(Stats::reasons).toList()), repeats, checks, notes, null);
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

    // ----- events: Dialpad's call events ------------------------------------------------------------------------

    /** A call placed through the service for the events scenario: our id and Dialpad's. */
    record EventCall(String id, long dialpadCallId) {
    }

    private static final String[] EVENT_STATES = {"ringing", "connected", "hangup"};
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String JWT_HEADER = B64URL.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    /** Mac is not thread-safe: one per thread (the load generator's callbacks run on a few threads). */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(webhookSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

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
        URI target = URI.create(stub.baseUrl() + "/floor/events");
        AtomicInteger next = new AtomicInteger();
        String someId = UUID.randomUUID().toString();
        return () -> {
            int i = next.getAndIncrement();
            return i >= calls ? null : eventSequence(target, new EventCall(someId, 7_000_000_000_000_000L + i));
        };
    }

    private int eventsCallsPerRepeat() {
        return config.eventsCalls > 0 ? config.eventsCalls
                : (int) Math.ceil(EVENTS_MIN_PER_SEC * config.durationS / EVENT_STATES.length);
    }

    private ScenarioResult runEventsScenario(Scenario scenario) throws Exception {
        ensureClosedBreaker();
        stub.setMode(DialpadStub.Mode.OK);
        stub.setLatencyMs(config.stubLatencyMs);
        int perRepeat = eventsCallsPerRepeat();
        int warmupCalls = (int) Math.ceil(perRepeat * config.warmupS / config.durationS);
        int total = warmupCalls + config.repeats * perRepeat;
        // Each rep places at most REP_CALLS_PER_MINUTE calls in all, so no per-rep guard turns one into a tel: link.
        int eventReps = (int) Math.ceil(total / (double) REP_CALLS_PER_MINUTE);
        Plan plan = Plan.closed(config.clients);
        log("events: %s; %d calls × 3 events per repeat (warm-up %d calls), %d repeats; setup: %d calls over %d reps",
                plan.describe(), perRepeat, warmupCalls, config.repeats, total, eventReps);

        // Setup: tokens for the events' own reps, then the calls (through the service, as in happy).
        double importSeconds = putTokens(0, eventReps, rep -> "bench-ev-" + rep,
                rep -> "{\"access_token\":\"bench-ev-token-" + rep + "\",\"dialpad_user_id\":\""
                        + (5_200_000_000_000_000L + rep) + "\",\"expires_in\":86400}");
        Map<String, Long> placement = new TreeMap<>();
        long placeStart = System.nanoTime();
        underLoad = true;
        List<EventCall> calls = placeEventCalls(total, eventReps, placement);
        underLoad = false;
        double placeSeconds = (System.nanoTime() - placeStart) / 1e9;
        log("events: setup: %d rep tokens in %s s; %d calls placed in %s s (%s/s): %s", eventReps, Fmt.num(importSeconds),
                total, Fmt.num(placeSeconds), Fmt.num(total / placeSeconds), placement);

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("setup_reps", eventReps + " (bench-ev-*, at most " + REP_CALLS_PER_MINUTE + " calls each)");
        details.put("setup_calls_placed", total + " in " + Fmt.num(placeSeconds) + " s, answers " + placement);
        details.put("setup_calls_with_a_dialpad_call_id", calls.size());
        List<String> notes = new ArrayList<>();
        if (calls.size() < total) {
            notes.add((total - calls.size()) + " of " + total + " setup calls got no Dialpad call id (answers "
                    + placement + "); the repeats use fewer calls than planned.");
        }
        if (calls.isEmpty()) {
            sanityFailed = true;
            notes.add("No call was placed through Dialpad during the setup: nothing to send events for.");
            return new ScenarioResult(scenario.name(), "failed: no call placed through Dialpad in the setup",
                    scenario.description(), Map.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                    Map.of(), Map.of(), null, List.of(), notes, details);
        }

        URI eventsUri = URI.create(serviceBase + "/dialpad/events");
        List<int[]> sent = new ArrayList<>();
        // A repeat is a fixed amount of work; the cap only bounds a service that has become very slow.
        Duration cap = Duration.ofSeconds(Math.max(60, (long) (config.durationS * 10)));
        int warmupUsed = Math.min(warmupCalls, calls.size());
        if (warmupUsed > 0) {
            load.runSequences(floorEvents(warmupUsed), config.clients, cap, false);
            underLoad = true;
            load.runSequences(eventSlice(eventsUri, calls, 0, warmupUsed, sent), config.clients, cap, true);
            underLoad = false;
        }
        List<Stats> floor = new ArrayList<>();
        List<Stats> serviceRuns = new ArrayList<>();
        List<CpuUse.Window> serviceCpu = new ArrayList<>();
        List<CpuUse.Window> floorCpu = new ArrayList<>();
        int cursor = warmupUsed;
        boolean capped = false;
        for (int r = 1; r <= config.repeats && cursor < calls.size(); r++) {
            int to = Math.min(calls.size(), cursor + perRepeat);
            CpuUse before = CpuUse.now(service.pid());
            LoadGenerator.Outcome fo = load.runSequences(floorEvents(to - cursor), config.clients, cap, false);
            CpuUse between = CpuUse.now(service.pid());
            underLoad = true;
            LoadGenerator.Outcome so = load.runSequences(eventSlice(eventsUri, calls, cursor, to, sent), config.clients,
                    cap, true);
            underLoad = false;
            capped |= so.capped || fo.capped;
            cursor = to;
            Stats f = Stats.of(fo);
            Stats s = Stats.of(so);
            floorCpu.add(between.since(before, f.count()));
            serviceCpu.add(CpuUse.now(service.pid()).since(between, s.count()));
            floor.add(f);
            serviceRuns.add(s);
            log("events #%d  floor %s/s p50 %s p99 %s ms | service %s events/s p50 %s p99 %s max %s ms | %s | %s%s", r,
                    Fmt.num(f.throughputPerSec()), Fmt.num(f.p50Ms()), Fmt.num(f.p99Ms()),
                    Fmt.num(s.throughputPerSec()), Fmt.num(s.p50Ms()), Fmt.num(s.p99Ms()), Fmt.num(s.maxMs()),
                    s.actions(), s.statuses(), errors(s));
        }

        // Did the events land? GET /calls/{id} on a sample of the calls whose events were all sent.
        Map<String, Long> verified = verifyEnded(calls, sent);
        long ended = verified.getOrDefault("ended", 0L);
        long sampled = verified.values().stream().mapToLong(Long::longValue).sum();
        log("events: GET /calls/{id} on %d calls: %s", sampled, verified);

        Comparison vs = Comparison.of(serviceRuns, floor);
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
        details.putAll(cpuDetails(serviceCpu, floorCpu, "event"));

        if (statuses.getOrDefault("200", 0L) == 0) {
            sanityFailed = true;
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
                EVENTS_MIN_PER_SEC, null));
        checks.add(Check.of("events", "answers \"applied\"", answered == 0 ? Double.NaN : round(100.0 * applied / answered),
                "%", ">=", 100, outcomes.isEmpty() ? null : outcomes.toString()));
        checks.add(Check.of("events", "sampled calls ended (GET /calls/{id})",
                sampled == 0 ? Double.NaN : round(100.0 * ended / sampled), "%", ">=", 100, ended + " of " + sampled));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", plan.describe() + ", each: one call's ringing, connected, hangup in order");
        settings.put("calls per repeat", perRepeat + " (" + perRepeat * 3 + " events)");
        settings.put("warm-up", warmupUsed + " calls");
        settings.put("repeats", config.repeats);
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
        Semaphore inFlight = new Semaphore(config.clients);
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            int slot = i;
            String body = "{\"rep_id\":\"bench-ev-" + (i % reps) + "\",\"to_number\":\""
                    + number(callSequence.getAndIncrement()) + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(serviceBase + "/calls"))
                    .header("X-API-Key", crmKey)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(config.requestTimeoutS))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            if (!inFlight.tryAcquire(config.requestTimeoutS + 30L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("events setup: placing calls stalled");
            }
            pending.add(load.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, f) -> {
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
                .get(config.requestTimeoutS + 60L, TimeUnit.SECONDS);
        counts.forEach((k, v) -> answers.put(k, v.sum()));
        List<EventCall> calls = new ArrayList<>(total);
        for (EventCall call : placed) {
            if (call != null) {
                calls.add(call);
            }
        }
        return calls;
    }

    /** GET /calls/{id} (CRM key) on up to EVENTS_VERIFY_SAMPLE calls spread over those sent; counts by status. */
    private Map<String, Long> verifyEnded(List<EventCall> calls, List<int[]> sentRanges) throws InterruptedException {
        List<Integer> sentIndexes = new ArrayList<>();
        for (int[] range : sentRanges) {
            for (int i = range[0]; i < range[1]; i++) {
                sentIndexes.add(i);
            }
        }
        Map<String, Long> statuses = new TreeMap<>();
        int n = Math.min(EVENTS_VERIFY_SAMPLE, sentIndexes.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int k = 0; k < n; k++) {
            EventCall call = calls.get(sentIndexes.get((int) ((long) k * sentIndexes.size() / n)));
            String status;
            try {
                HttpResponse<String> r = load.client().send(HttpRequest.newBuilder(URI.create(serviceBase + "/calls/" + call.id()))
                        .header("X-API-Key", crmKey).timeout(Duration.ofSeconds(10)).GET().build(),
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

    /** What one batch of expiring tokens did. NaN where not measured (e.g. not every token was asked for). */
    record SweepBatch(int tokens, int seen, double importSeconds, double importStartToFirstSeconds,
                      double firstToAllSeconds, double importEndToAllSeconds, double perSecond, long requests,
                      int twice, List<Double> refreshedBy, int sampleOk, int sampleSize, String stopped) {
    }

    /** Stop waiting for a batch when no new refresh token was asked for in this long (or after SWEEP_MAX_WAIT). */
    private static final long SWEEP_STALL_NANOS = TimeUnit.SECONDS.toNanos(75);
    private static final long SWEEP_MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(15);

    private static String refreshToken(int i) {
        return "bench-refresh-" + i;
    }

    private ScenarioResult runRefreshSweep(Scenario scenario) throws Exception {
        ensureClosedBreaker();
        stub.setMode(DialpadStub.Mode.OK);
        stub.setLatencyMs(config.stubLatencyMs);
        int r = config.refreshTokens;
        String cron = serviceEnv.getOrDefault("TOKENS_REFRESH_CRON", "(the service's)");
        log("refresh-sweep: %d tokens expiring in 120 s (window %s s), token endpoint %d ms, refresh cron \"%s\"",
                r, serviceEnv.get("TOKEN_REFRESH_WINDOW_SECONDS"), config.stubLatencyMs, cron);

        // Part 1: one instance.
        SweepBatch one = sweepBatch("one instance", 0, r, List.of(serviceBase));

        // Part 2: a second instance on the same database, a second batch; each token must be asked for once.
        SweepBatch two = null;
        String twoProblem = null;
        double secondStartS = Double.NaN;
        try {
            String secondBase = startSecondInstance();
            secondStartS = secondService.lastStartMillis / 1000.0;
            log("refresh-sweep: second instance ready in %s s on %s (pid %d, log %s)", Fmt.num(secondStartS), secondBase,
                    secondService.pid(), secondService.log());
            two = sweepBatch("two instances", r, 2 * r, List.of(serviceBase, secondBase));
        } catch (IllegalStateException | IOException e) {
            String message = String.valueOf(e.getMessage());
            twoProblem = message.lines().findFirst().orElse(message);
            keepWorkFolder = true;
            log("refresh-sweep: two-instance part not measured: %s", twoProblem);
        } finally {
            stopSecondService();
        }

        Map<String, Object> details = new LinkedHashMap<>();
        describe(details, "one_instance", one);
        if (two != null) {
            details.put("two_instances_second_started_in_s", round(secondStartS));
            describe(details, "two_instances", two);
        } else {
            details.put("two_instances", "not measured: " + twoProblem);
        }

        List<Check> checks = new ArrayList<>();
        String what = "all " + String.format(Locale.ROOT, "%,d", r) + " asked for within (one instance)";
        if (one.seen() < one.tokens()) {
            checks.add(new Check("refresh-sweep", what, null, "s", "<=", REFRESH_MAX_SECONDS, "fail",
                    "only " + one.seen() + " of " + one.tokens() + " were asked for (" + one.stopped() + ")"));
        } else if (r < REFRESH_TARGET_TOKENS) {
            checks.add(new Check("refresh-sweep", what, round(one.firstToAllSeconds()), "s", "<=", REFRESH_MAX_SECONDS,
                    "n/a", "the target is for 10,000 tokens; REFRESH_TOKENS=" + r + ": see refreshes/s"));
        } else {
            checks.add(Check.of("refresh-sweep", what, round(one.firstToAllSeconds()), "s", "<=", REFRESH_MAX_SECONDS,
                    "first token request to the last new one"));
        }
        checks.add(Check.of("refresh-sweep", "refreshes/s (one instance)", round(one.perSecond()), "tokens/s", ">=",
                round(REFRESH_TARGET_TOKENS / REFRESH_MAX_SECONDS), "10,000 in 60 s"));
        checks.add(Check.of("refresh-sweep", "tokens asked for twice (one instance)",
                one.seen() == 0 ? Double.NaN : one.twice(), "tokens", "<=", 0,
                one.requests() + " token requests for " + one.seen() + " tokens"));
        if (two != null) {
            checks.add(Check.of("refresh-sweep", "tokens asked for (two instances)",
                    round(100.0 * two.seen() / two.tokens()), "%", ">=", 100, two.seen() + " of " + two.tokens()));
            checks.add(Check.of("refresh-sweep", "tokens asked for twice (two instances)",
                    two.seen() == 0 ? Double.NaN : two.twice(), "tokens", "<=", 0, two.requests() + " token requests for " + two.seen() + " tokens; refreshed per instance "
                            + two.refreshedBy()));
        } else {
            checks.add(Check.of("refresh-sweep", "tokens asked for twice (two instances)", Double.NaN, "tokens", "<=", 0,
                    "not measured: " + twoProblem));
        }

        List<String> notes = new ArrayList<>();
        notes.add("Tokens are imported with expires_in 120 (inside the window) through PUT /reps/{id}/dialpad-token, "
                + "8 at a time; the service's cron (" + cron + ") starts refreshing while the import is still going. "
                + "\"first → all\" runs from the first token request the stub saw to the first request for the last "
                + "new token; refreshes/s = tokens ÷ that time.");
        notes.add("Two instances: a second service process on the first one's database (same keys and settings, its "
                + "own port and data folder), then a second batch of the same size; \"asked for twice\" counts refresh "
                + "token values the stub's token endpoint got more than once (checked one cron period after the last).");
        if (two != null && two.refreshedBy().size() == 2
                && two.refreshedBy().stream().anyMatch(x -> !Double.isNaN(x) && x == 0)) {
            notes.add("One instance did every refresh of the second batch " + two.refreshedBy() + " (Quartz fires each "
                    + "trigger on one instance; a batch swept in one or two cron periods may never reach the other): "
                    + "\"asked for twice\" is then not a test of two instances sweeping at once. More tokens "
                    + "(REFRESH_TOKENS) make the sweep outlast several cron periods.");
        }
        for (SweepBatch b : two == null ? List.of(one) : List.of(one, two)) {
            if (b.stopped() != null) {
                notes.add("Stopped waiting: " + b.stopped() + " (" + b.seen() + " of " + b.tokens() + " asked for).");
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("tokens per batch", r);
        settings.put("token endpoint", config.stubLatencyMs + " ms");
        settings.put("TOKENS_REFRESH_CRON", cron);
        settings.put("TOKEN_REFRESH_WINDOW_SECONDS", serviceEnv.get("TOKEN_REFRESH_WINDOW_SECONDS"));
        return new ScenarioResult(scenario.name(), "ran", scenario.description(), settings, List.of(), List.of(),
                Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), null, checks, notes, details);
    }

    private static void describe(Map<String, Object> details, String prefix, SweepBatch b) {
        details.put(prefix + "_tokens", b.tokens());
        details.put(prefix + "_asked_for", b.seen() + " (" + b.requests() + " requests, " + b.twice() + " twice)");
        details.put(prefix + "_import_s", round(b.importSeconds()));
        details.put(prefix + "_import_start_to_first_request_s", round(b.importStartToFirstSeconds()));
        details.put(prefix + "_first_to_all_s", round(b.firstToAllSeconds()));
        details.put(prefix + "_import_end_to_all_s", round(b.importEndToAllSeconds()));
        details.put(prefix + "_refreshes_per_s", round(b.perSecond()));
        details.put(prefix + "_refreshed_per_instance", b.refreshedBy() + " (clicktocall_tokens_refresh_total{outcome=refreshed}, increase)");
        details.put(prefix + "_sample_refreshed", b.sampleOk() + " of " + b.sampleSize()
                + " (GET /reps/{id}/dialpad: active, last_refreshed_at set)");
    }

    /** Imports tokens from..to-1 expiring within the window and waits (bounded) until the stub saw each one asked for. */
    private SweepBatch sweepBatch(String label, int from, int to, List<String> bases) throws Exception {
        int count = to - from;
        List<Double> before = bases.stream().map(this::refreshedCount).toList();
        long importStart = System.nanoTime();
        double importSeconds = putTokens(from, to, i -> "bench-refresh-" + i,
                i -> "{\"access_token\":\"bench-refresh-access-" + i + "\",\"refresh_token\":\"" + refreshToken(i)
                        + "\",\"expires_in\":120,\"dialpad_user_id\":\"" + (5_300_000_000_000_000L + i) + "\"}");
        long importEnd = System.nanoTime();
        log("refresh-sweep (%s): imported %d tokens in %s s; waiting for the token requests", label, count,
                Fmt.num(importSeconds));
        Map<String, DialpadStub.Seen> seen = stub.refreshTokensSeen();
        int n = 0;
        long lastProgress = importEnd;
        long lastLog = importEnd;
        String stopped = null;
        while (true) { // bounded: ends on completion, a stall of SWEEP_STALL_NANOS, or SWEEP_MAX_WAIT_NANOS
            int now = 0;
            for (int i = from; i < to; i++) {
                if (seen.containsKey(refreshToken(i))) {
                    now++;
                }
            }
            long t = System.nanoTime();
            if (now > n) {
                n = now;
                lastProgress = t;
            }
            if (n == count) {
                break;
            }
            if (t - lastProgress > SWEEP_STALL_NANOS) {
                stopped = "no new token request for " + TimeUnit.NANOSECONDS.toSeconds(SWEEP_STALL_NANOS) + " s";
                break;
            }
            if (t - importEnd > SWEEP_MAX_WAIT_NANOS) {
                stopped = "gave up after " + TimeUnit.NANOSECONDS.toMinutes(SWEEP_MAX_WAIT_NANOS) + " min";
                break;
            }
            if (t - lastLog > TimeUnit.SECONDS.toNanos(5)) {
                log("refresh-sweep (%s): %d of %d asked for", label, n, count);
                lastLog = t;
            }
            Thread.sleep(100);
        }
        // Let the service store the last answers, then one more cron period: a token asked for twice shows up.
        long settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < settleEnd) {
            double refreshed = 0;
            for (int i = 0; i < bases.size(); i++) {
                refreshed += refreshedCount(bases.get(i)) - before.get(i);
            }
            if (!(refreshed < n)) {
                break; // NaN (metrics unreadable) or done
            }
            Thread.sleep(200);
        }
        Thread.sleep(REFRESH_CRON_PERIOD_MS + 1000);

        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long requests = 0;
        int twice = 0;
        for (int i = from; i < to; i++) {
            DialpadStub.Seen x = seen.get(refreshToken(i));
            if (x == null) {
                continue;
            }
            first = Math.min(first, x.firstNanos);
            last = Math.max(last, x.firstNanos);
            int c = x.count.get();
            requests += c;
            if (c > 1) {
                twice++;
            }
        }
        List<Double> refreshedBy = new ArrayList<>();
        for (int i = 0; i < bases.size(); i++) {
            refreshedBy.add(round(refreshedCount(bases.get(i)) - before.get(i)));
        }
        boolean all = n == count && count > 0;
        double firstToAll = all ? (last - first) / 1e9 : Double.NaN;
        int[] sample = verifyRefreshed(from, to, bases.get(0));
        SweepBatch batch = new SweepBatch(count, n, importSeconds,
                n == 0 ? Double.NaN : (first - importStart) / 1e9, firstToAll,
                all ? (last - importEnd) / 1e9 : Double.NaN,
                all && firstToAll > 0 ? count / firstToAll : Double.NaN, requests, twice, refreshedBy, sample[0],
                sample[1], stopped);
        log("refresh-sweep (%s): %d of %d asked for; first → all %s s (%s/s), import end → all %s s; %d asked for "
                        + "twice; refreshed per instance %s; sample %d of %d refreshed", label, n, count,
                Fmt.num(firstToAll), Fmt.num(batch.perSecond()), Fmt.num(batch.importEndToAllSeconds()), twice,
                refreshedBy, sample[0], sample[1]);
        return batch;
    }

    /** GET /reps/{id}/dialpad (CRM key) on a sample of the batch: {ok, sampled}; ok = active with last_refreshed_at. */
    private int[] verifyRefreshed(int from, int to, String base) throws InterruptedException {
        int n = Math.min(REFRESH_VERIFY_SAMPLE, to - from);
        int ok = 0;
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int k = 0; k < n; k++) {
            int i = from + (int) ((long) k * (to - from) / n);
            try {
                HttpResponse<String> r = load.client().send(HttpRequest.newBuilder(
                                URI.create(base + "/reps/bench-refresh-" + i + "/dialpad"))
                        .header("X-API-Key", crmKey).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    com.fasterxml.jackson.databind.JsonNode body = json.readTree(r.body());
                    if ("active".equals(body.path("status").asText()) && !body.path("last_refreshed_at").isNull()
                            && !body.path("last_refreshed_at").isMissingNode()) {
                        ok++;
                    }
                }
            } catch (IOException e) {
                // counted as not refreshed
            }
        }
        return new int[] {ok, n};
    }

    /** The service's clicktocall_tokens_refresh_total{outcome="refreshed"} (no key needed), or NaN. */
    private double refreshedCount(String base) {
        try {
            HttpResponse<String> r = load.client().send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Double.NaN;
            }
            double sum = 0;
            boolean found = false;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("clicktocall_tokens_refresh_total{") && line.contains("outcome=\"refreshed\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
                    found = true;
                }
            }
            return found ? sum : Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /**
     * A second service process on the first one's database: the same environment (keys, encryption key, settings),
     * its own port and data folder, and SPRING_DATASOURCE_URL pointing at the first one's embedded PostgreSQL
     * (from its log line) unless the run already uses an external database. Returns its base URL.
     */
    private String startSecondInstance() throws Exception {
        Map<String, String> env = new HashMap<>(serviceEnv);
        int port = freePort();
        Path dataB = tmp.resolve("data-b");
        env.put("APP_DATA_DIR", dataB.toString());
        env.put("SERVER_PORT", String.valueOf(port));
        if (!externalDatabase) {
            String pgPort = service.lastMatchInLog(java.util.regex.Pattern.compile(
                    "Embedded PostgreSQL started on 127\\.0\\.0\\.1:(\\d+)"));
            if (pgPort == null) {
                throw new IllegalStateException("the first instance's log names no embedded PostgreSQL port");
            }
            env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
            env.put("SPRING_DATASOURCE_USERNAME", "postgres");
        }
        log("refresh-sweep: starting a second instance on port %d (database %s)", port,
                externalDatabase ? "external, shared" : env.get("SPRING_DATASOURCE_URL"));
        ServiceProcess second = new ServiceProcess(launch, tmp.resolve("work-b"), dataB, config.jvmFlags, env);
        secondService = second;
        second.start(Duration.ofSeconds(config.startTimeoutS));
        return "http://127.0.0.1:" + port;
    }

    private void stopSecondService() {
        ServiceProcess second = secondService;
        secondService = null;
        if (second != null) {
            try {
                second.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
        m.put("service_launch", launch == null ? "(not started)" : launch.label()
                + (launch.prepareSeconds() > 0 ? ", prepared in " + Fmt.num(launch.prepareSeconds()) + " s" : ""));
        m.put("database", externalDatabase ? "external: " + maskUrl(config.env.get("SPRING_DATASOURCE_URL"))
                : "embedded PostgreSQL (started by the service)");
        m.put("db_pool_size", config.env.getOrDefault("DB_POOL_SIZE", "(default)"));
        m.put("dialpad_connect_timeout_ms", config.connectTimeoutMs);
        m.put("dialpad_response_timeout_ms", config.responseTimeoutMs);
        m.put("harness_sets", "DIALPAD_WEBHOOK_SECRET (48 random hex), DIALPAD_CLIENT_ID/SECRET/REDIRECT_URI (bench OAuth app)"
                + (serviceEnv.containsKey("TOKENS_REFRESH_CRON") ? ", TOKENS_REFRESH_CRON=" + serviceEnv.get("TOKENS_REFRESH_CRON")
                + ", TOKEN_REFRESH_WINDOW_SECONDS=" + serviceEnv.get("TOKEN_REFRESH_WINDOW_SECONDS") : ""));
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
        if (config.scenarios.stream().anyMatch(sc -> sc.kind() == Kind.EVENTS)) {
            m.put("events_calls_per_repeat", eventsCallsPerRepeat());
        }
        if (config.scenarios.stream().anyMatch(sc -> sc.kind() == Kind.REFRESH)) {
            m.put("refresh_tokens_per_batch", config.refreshTokens);
        }
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
            System.out.printf(Locale.ROOT, "  %-5s %-13s %-42s %14s   target %s %s %s%s%n",
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

    /** Same as `openssl rand -hex BYTES`. */
    private String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        StringBuilder out = new StringBuilder(bytes * 2);
        for (byte b : value) {
            out.append(String.format(Locale.ROOT, "%02x", b));
        }
        return out.toString();
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

    /** The service's figures beside the floor's: medians of the repeats, their difference and their ratio. */
    record Comparison(Map<String, Results.Spread> service, Map<String, Results.Spread> floor,
                      Map<String, Double> difference, Map<String, Double> ratio) {
        static Comparison of(List<Stats> serviceRuns, List<Stats> floorRuns) {
            Map<String, Results.Spread> service = Results.summary(serviceRuns);
            Map<String, Results.Spread> floor = Results.summary(floorRuns);
            Map<String, Double> difference = new LinkedHashMap<>();
            Map<String, Double> ratio = new LinkedHashMap<>();
            for (String m : Results.METRICS) {
                double sv = service.get(m).median();
                double fv = floor.get(m).median();
                difference.put(m, round(sv - fv));
                ratio.put(m, round(fv == 0 ? Double.NaN : sv / fv));
            }
            return new Comparison(service, floor, difference, ratio);
        }
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
                  --smoke                    tiny run for CI (< 60 s): happy,light,down,events; 2 s warm-up, 3 s,
                                             1 repeat, 8 clients, 50 reps, 20 calls/s, 100 event calls [SMOKE=1]
                  --scenarios=a,b            happy, capacity, light, refresh-sweep, events, hang, down, or all
                                             (default happy,capacity,light,hang,down,events)     [SCENARIOS]
                  --duration=SECONDS         measured time per repeat (default 20)               [DURATION]
                  --warmup=SECONDS           warm-up before measuring (default 10)               [WARMUP]
                  --repeats=N                repeats per scenario (default 3)                    [REPEATS]
                  --clients=N                closed-loop clients: happy, hang, down, events (64) [CLIENTS]
                  --capacity-clients=N       closed-loop clients for capacity (256)              [CAPACITY_CLIENTS]
                  --rate=CALLS_PER_SEC       open-loop rate for light (100)                      [RATE]
                  --reps=N                   reps with imported tokens (1000)                    [REPS]
                  --stub-latency-ms=MS       Dialpad stub's answer delay, calls and tokens (50)  [STUB_LATENCY_MS]
                  --events-calls=N           events: calls per repeat, 3 events each (default
                                             2,000 x DURATION / 3: DURATION s at the target)     [EVENTS_CALLS]
                  --refresh-tokens=N         refresh-sweep: expiring tokens per batch (10000)    [REFRESH_TOKENS]
                  --jvm-opts="FLAGS"         the service's JVM flags (README's production flags:
                                             "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m"; empty = JVM
                                             defaults)                                           [SERVICE_JVM_OPTS]
                  --launch=cds|jar           cds: README's production launch, the extracted jar
                                             with a class-data archive (default); jar: java -jar [SERVICE_LAUNCH]
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
                Map.entry("stub-latency-ms", "STUB_LATENCY_MS"), Map.entry("jvm-opts", "SERVICE_JVM_OPTS"), Map.entry("launch", "SERVICE_LAUNCH"),
                Map.entry("jar", "SERVICE_JAR"), Map.entry("results-dir", "RESULTS_DIR"),
                Map.entry("request-timeout", "REQUEST_TIMEOUT"), Map.entry("probe-rate", "PROBE_RATE"),
                Map.entry("start-timeout", "START_TIMEOUT"), Map.entry("strict", "STRICT"),
                Map.entry("keep-tmp", "KEEP_TMP"), Map.entry("project-dir", "BENCH_PROJECT_DIR"),
                Map.entry("events-calls", "EVENTS_CALLS"), Map.entry("refresh-tokens", "REFRESH_TOKENS"),
                Map.entry("help", "BENCH_HELP"));

        private static final Map<String, String> SMOKE_DEFAULTS = Map.ofEntries(
                Map.entry("scenarios", "happy,light,down,events"), Map.entry("duration", "3"), Map.entry("warmup", "2"),
                Map.entry("repeats", "1"), Map.entry("clients", "8"), Map.entry("capacity-clients", "16"),
                Map.entry("rate", "20"), Map.entry("reps", "50"), Map.entry("probe-rate", "10"),
                Map.entry("events-calls", "100"), Map.entry("refresh-tokens", "200"));

        private static final Map<String, String> DEFAULTS = Map.ofEntries(
                Map.entry("scenarios", DEFAULT_SCENARIOS), Map.entry("duration", "20"), Map.entry("warmup", "10"),
                Map.entry("repeats", "3"), Map.entry("clients", "64"), Map.entry("capacity-clients", "256"),
                Map.entry("rate", "100"), Map.entry("reps", "1000"), Map.entry("stub-latency-ms", "50"),
                Map.entry("jvm-opts", PRODUCTION_JVM_FLAGS), Map.entry("launch", "cds"), Map.entry("request-timeout", "30"), Map.entry("probe-rate", "20"),
                Map.entry("start-timeout", "180"), Map.entry("events-calls", "0"), Map.entry("refresh-tokens", "10000"));

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
        boolean cds;
        Path projectDir;
        Path serviceJar;
        Path resultsDir;
        Path tmpParent;
        int requestTimeoutS;
        double probeRate;
        long startTimeoutS;
        long connectTimeoutMs;
        long responseTimeoutMs;
        /** Calls (3 events each) per events repeat; 0 = derived from DURATION and the 2,000 events/s target. */
        int eventsCalls;
        int refreshTokens;

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
            String launchMode = get.apply("launch");
            if (!"cds".equals(launchMode) && !"jar".equals(launchMode)) {
                throw new IllegalArgumentException("launch must be cds or jar: " + launchMode);
            }
            c.cds = "cds".equals(launchMode);
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
            c.eventsCalls = (int) number(get.apply("events-calls"), "events-calls");
            if (c.eventsCalls < 0) {
                throw new IllegalArgumentException("events-calls must be 0 (derived) or more: " + c.eventsCalls);
            }
            c.refreshTokens = (int) positive(get.apply("refresh-tokens"), "refresh-tokens");
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
