package org.clicktocall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.ScenarioResult;

/**
 * The benchmark's orchestration: starts the Dialpad stub and the packaged service, imports rep tokens, runs the
 * selected scenarios (each its own class, against the service and, where it means something, against the stub
 * directly as the floor), and writes the results as Markdown and JSON. Run it through {@code bench/run.sh};
 * {@code --help} lists the options ({@link Config}).
 */
public final class Bench {

    private final Config config;
    private final Harness h;
    private final SecureRandom random = new SecureRandom();

    private Bench(Config config) {
        this.config = config;
        this.h = new Harness(config);
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

    private int run() throws Exception {
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        h.tmp = Files.createTempDirectory(config.tmpParent, "ctc-bench-");
        boolean ok = false;
        Thread hook = new Thread(h::stopAll, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RunReport report = new RunReport(h);
        try {
            boolean needsWrk = config.scenarios.stream().anyMatch(s -> s.kind() == Scenario.Kind.LOAD);
            h.wrk = needsWrk ? Wrk.prepare(config, h.tmp.resolve("wrk")) : null;
            Map<String, String> env = prepareService();
            h.load = new LoadGenerator(Duration.ofSeconds(config.requestTimeoutS));

            report.printHeader();
            h.startService(true);
            double readyRss = h.service.memory().rssMiB();
            h.log("service ready in %s s (pid %d, RSS %s MiB), log: %s", Fmt.num(h.service.lastStartMillis / 1000.0),
                    h.service.pid(), Fmt.num(readyRss), h.service.log());
            Map<String, Object> tokenImport = importTokens(h.serviceBase);
            if (config.compare != null) {
                // Started after the first one's import: both idle while the other starts, one import each (an
                // upsert when they share the database).
                prepareCompareService(env);
                h.compareService.start(Duration.ofSeconds(config.startTimeoutS));
                h.log("second service (%s) ready in %s s (pid %d, RSS %s MiB), log: %s", config.compare.label(),
                        Fmt.num(h.compareService.lastStartMillis / 1000.0), h.compareService.pid(),
                        Fmt.num(h.compareService.memory().rssMiB()), h.compareService.log());
                importTokens(h.compareBase);
            }
            Thread.sleep(2000); // let the start-up garbage settle before calling it idle
            double idleRss = h.service.memory().rssMiB();
            Thread sampler = h.startRssSampler();

            List<ScenarioResult> scenarios = new ArrayList<>();
            for (Scenario scenario : config.scenarios) {
                scenarios.addAll(switch (scenario.kind()) {
                    case LOAD -> new LoadScenario(h).run(scenario);
                    case LIGHT -> List.of(new LightScenario(h).run(scenario));
                    case FAILURE -> List.of(new FailureScenario(h).run(scenario));
                    case EVENTS -> List.of(new EventsScenario(h).run(scenario));
                    case REFRESH -> List.of(new RefreshSweepScenario(h).run(scenario));
                });
            }
            h.updatePeakRss();
            sampler.interrupt();
            if (h.compareService != null) {
                h.compareService.stop();
            }
            h.service.stop();
            h.stub.close();

            Results.Footprint footprint = new Results.Footprint(List.copyOf(h.starts), readyRss, idleRss,
                    h.loadRssMax, h.peakRss);
            List<Check> checks = new ArrayList<>(report.footprintChecks(footprint));
            scenarios.forEach(s -> checks.addAll(s.checks()));
            double wall = (System.nanoTime() - h.startedNanos) / 1e9;
            Results.Run run = new Results.Run(startedAt.toString(), config.smoke ? "smoke" : "full", wall,
                    report.machine(), report.serviceInfo(), report.settings(), report.guards(scenarios), tokenImport,
                    footprint, scenarios, checks);
            Path[] files = Results.write(run, config.resultsDir);
            report.printSummary(run, files);
            ok = !h.sanityFailed;
            if (h.sanityFailed) {
                System.err.println("bench: FAILED: the service gave no successful answers in at least one scenario (see above)");
                return 2;
            }
            long failed = checks.stream().filter(c -> "fail".equals(c.result())).count();
            return config.strict && failed > 0 ? 1 : 0;
        } catch (Exception e) {
            if (h.service != null) {
                System.err.println("---- last lines of the service log (" + h.service.log() + ") ----\n" + h.service.tail(30));
            }
            if (h.compareService != null) {
                System.err.println("---- last lines of the second service's log (" + h.compareService.log() + ") ----\n"
                        + h.compareService.tail(30));
            }
            throw e;
        } finally {
            h.stopAll();
            if (h.load != null) {
                h.load.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
            if (ok && !config.keepTmp && !h.keepWorkFolder) {
                deleteTree(h.tmp);
            } else {
                System.err.println("bench: kept the working folder (service log, data): " + h.tmp);
            }
        }
    }

    /** The stub, the service's environment and its launch (the class-data archive is recorded here). */
    private Map<String, String> prepareService() throws Exception {
        Path dataDir = h.tmp.resolve("data");
        int servicePort = Harness.freePort();
        h.stub = new DialpadStub(Harness.freePort(), config.stubLatencyMs);
        h.crmKey = randomKey();
        h.adminKey = randomKey();
        h.webhookSecret = randomHex(24);
        Map<String, String> env = new HashMap<>();
        env.put("APP_DATA_DIR", dataDir.toString());
        env.put("SERVER_PORT", String.valueOf(servicePort));
        env.put("CALLS_API_KEYS", h.crmKey);
        env.put("CALLS_ADMIN_API_KEYS", h.adminKey);
        env.put("TOKEN_ENCRYPTION_KEY", base64Key());
        env.put("DIALPAD_BASE_URL", h.stub.baseUrl());
        // Harmless for the click scenarios: events need the webhook secret, the token refresh an OAuth client.
        env.put("DIALPAD_WEBHOOK_SECRET", h.webhookSecret);
        env.put("DIALPAD_CLIENT_ID", "bench-client");
        env.put("DIALPAD_CLIENT_SECRET", "bench-secret");
        env.put("DIALPAD_REDIRECT_URI", "https://bench.invalid/oauth/dialpad/callback");
        if (config.scenarios.stream().anyMatch(sc -> sc.kind() == Scenario.Kind.REFRESH)) {
            // Relaxed binding: tokens.refresh.cron. Every 5 s instead of every minute, unless set by the caller.
            env.put("TOKENS_REFRESH_CRON", config.env.getOrDefault("TOKENS_REFRESH_CRON", Targets.REFRESH_CRON));
            env.put("TOKEN_REFRESH_WINDOW_SECONDS", config.env.getOrDefault("TOKEN_REFRESH_WINDOW_SECONDS", "600"));
        }
        h.serviceEnv = Map.copyOf(env);
        h.externalDatabase = !config.env.getOrDefault("SPRING_DATASOURCE_URL", "").isBlank();
        // Everything else (SPRING_DATASOURCE_*, DB_POOL_SIZE, DIALPAD_*_TIMEOUT_MS, guard settings) is inherited.
        h.launch = config.builtLaunch ? Launch.built(config.serviceJar) : Launch.fatJar(config.serviceJar);
        h.service = new ServiceProcess(h.launch, h.tmp.resolve("work"), dataDir, config.jvmFlags, env);
        h.serviceBase = "http://127.0.0.1:" + servicePort;
        return env;
    }

    /**
     * The second service of an A/B run: same keys, stub and environment as the first; its own port (picked now, just
     * before it starts), data folder and log; its own database when one is given (or when both are embedded).
     */
    private void prepareCompareService(Map<String, String> env) throws IOException {
        Map<String, String> second = new HashMap<>(env);
        int comparePort = Harness.freePort();
        second.put("SERVER_PORT", String.valueOf(comparePort));
        second.put("APP_DATA_DIR", h.tmp.resolve("data-b").toString());
        if (config.compare.datasourceUrl() != null) {
            second.put("SPRING_DATASOURCE_URL", config.compare.datasourceUrl());
        }
        Launch launch = config.builtLaunch ? Launch.built(config.compare.jar()) : Launch.fatJar(config.compare.jar());
        h.compareService = new ServiceProcess(launch, h.tmp.resolve("work-b"), h.tmp.resolve("data-b"),
                config.compare.jvmFlags(), second);
        h.compareBase = "http://127.0.0.1:" + comparePort;
    }

    private Map<String, Object> importTokens(String base) throws Exception {
        h.log("importing Dialpad tokens for %d reps (PUT /reps/{id}/dialpad-token)", config.reps);
        double seconds = h.putTokens(base, 0, config.reps, rep -> "bench-rep-" + rep,
                rep -> "{\"access_token\":\"bench-token-" + rep + "\",\"dialpad_user_id\":\"" + Harness.dialpadUserId(rep)
                        + "\",\"expires_in\":86400}");
        h.log("imported %d tokens in %s s", config.reps, Fmt.num(seconds));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reps", config.reps);
        out.put("seconds", Harness.round(seconds));
        out.put("per_s", Harness.round(config.reps / seconds));
        return out;
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
}
