package org.clicktocall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.ScenarioResult;

/** The run's own sections of the report (machine, service, settings, guards, footprint) and the console summary. */
final class RunReport {

    private final Harness h;

    RunReport(Harness h) {
        this.h = h;
    }

    List<Check> footprintChecks(Results.Footprint f) {
        List<Check> checks = new ArrayList<>();
        Results.Start first = f.starts().get(0);
        // The target is for an external PostgreSQL; with the embedded one the first start includes its initdb.
        checks.add(Check.of("footprint", "start to ready", first.wallMs() / 1000.0, "s", "<=", Targets.FOOTPRINT_MAX_START_S,
                h.externalDatabase ? "external PostgreSQL" : first.freshDataFolder()
                        ? "embedded PostgreSQL, fresh data folder: initdb included; the target is for an external one"
                        : "embedded PostgreSQL"));
        if (f.starts().size() > 1) {
            checks.add(Check.of("footprint", "restart to ready (median)", Results.Spread.of(
                    f.starts().subList(1, f.starts().size()), s -> s.wallMs() / 1000.0).median(), "s", "<=",
                    Targets.FOOTPRINT_MAX_START_S, "existing data folder"));
        }
        checks.add(Check.of("footprint", "RSS idle", f.idleRssMiB(), "MiB", "<=", Harness.round(Targets.FOOTPRINT_MAX_RSS_MIB),
                "300 MB"));
        checks.add(Check.of("footprint", "RSS under load", f.loadRssMaxMiB(), "MiB", "<=",
                Harness.round(Targets.FOOTPRINT_MAX_RSS_MIB), "300 MB; highest sample"));
        return checks;
    }

    Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores_nproc", Runtime.getRuntime().availableProcessors());
        m.put("memory_gib", Harness.round(memTotalKiB() / 1024.0 / 1024.0));
        m.put("cpu", cpuModel());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), the same for the service and the harness");
        m.put("note", "stub, load generator and service share this machine's cores: each scenario gives the CPU "
                + "per request of the load generator and of the stub beside the service's");
        return m;
    }

    Map<String, Object> serviceInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service_jar", h.relative(h.config.serviceJar));
        m.put("service_commit", commitOf(h.config.serviceJar));
        m.put("service_jvm_flags", jvmFlags(h.config.jvmFlags));
        m.put("service_launch", h.launch == null ? "(not started)" : h.launch.label());
        m.put("database", h.externalDatabase ? "external: " + maskUrl(h.config.env.get("SPRING_DATASOURCE_URL"))
                : "embedded PostgreSQL (started by the service)");
        if (h.config.compare != null) {
            Config.Compare b = h.config.compare;
            m.put("compare", b.label() + ": " + h.relative(b.jar()) + " (commit " + commitOf(b.jar()) + "), JVM flags "
                    + jvmFlags(b.jvmFlags()) + ", database " + (b.datasourceUrl() != null
                    ? "external: " + maskUrl(b.datasourceUrl()) : h.externalDatabase ? "the first service's"
                    : "its own embedded PostgreSQL") + "; resident memory figures are the first service's");
        }
        m.put("db_pool_size", h.config.env.getOrDefault("DB_POOL_SIZE", "(default)"));
        m.put("dialpad_connect_timeout_ms", h.config.connectTimeoutMs);
        m.put("dialpad_response_timeout_ms", h.config.responseTimeoutMs);
        m.put("harness_sets", "DIALPAD_WEBHOOK_SECRET (48 random hex), DIALPAD_CLIENT_ID/SECRET/REDIRECT_URI (bench OAuth app)"
                + (h.serviceEnv.containsKey("TOKENS_REFRESH_CRON") ? ", TOKENS_REFRESH_CRON=" + h.serviceEnv.get("TOKENS_REFRESH_CRON")
                + ", TOKEN_REFRESH_WINDOW_SECONDS=" + h.serviceEnv.get("TOKEN_REFRESH_WINDOW_SECONDS") : ""));
        return m;
    }

    private String jvmFlags(List<String> flags) {
        return flags.isEmpty() ? (h.config.builtLaunch ? "(the launch script's own)" : "(none: JVM defaults)")
                : String.join(" ", flags) + (h.config.builtLaunch ? " (after the launch script's own)" : "");
    }

    /**
     * The commit of the checkout a jar was built in ({@code <checkout>/target/<jar>}), marked when that checkout has
     * uncommitted changes; "unknown" outside a git checkout. Read-only git commands, bounded in time.
     */
    static String commitOf(Path jar) {
        Path checkout = jar.toAbsolutePath().getParent().getParent();
        String rev = git(checkout, "rev-parse", "--short", "HEAD");
        if (rev == null || rev.isBlank()) {
            return "unknown";
        }
        String status = git(checkout, "status", "--porcelain", "--untracked-files=normal");
        return rev.trim() + (status != null && !status.isBlank() ? " with uncommitted changes" : "");
    }

    private static String git(Path dir, String... args) {
        Path out = null;
        try {
            // Output to a file, so a slow or chatty git cannot block this thread past the time limit.
            out = Files.createTempFile("bench-git-", ".txt");
            List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? Files.readString(out) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenarios", h.config.scenarios.stream().map(Scenario::name).collect(Collectors.joining(",")));
        m.put("warmup_s", h.config.warmupS);
        m.put("duration_s", h.config.durationS);
        m.put("repeats", h.config.repeats);
        m.put("clients_happy_hang_down", h.config.clients);
        m.put("clients_capacity", h.config.capacityClients);
        m.put("load_generator", "wrk (" + h.config.wrk + ", " + h.config.wrkThreads + " threads) for happy and "
                + "capacity; the harness's Java generator for light, hang, down, events");
        m.put("rate_light_calls_per_s", h.config.rate);
        m.put("reps", h.config.reps);
        m.put("stub_latency_ms", h.config.stubLatencyMs);
        m.put("request_timeout_s", h.config.requestTimeoutS);
        m.put("side_probe_per_s", h.config.probeRate);
        if (h.config.scenarios.stream().anyMatch(sc -> sc.kind() == Scenario.Kind.EVENTS)) {
            m.put("events_calls_per_repeat", EventsScenario.callsPerRepeat(h.config));
        }
        if (h.config.scenarios.stream().anyMatch(sc -> sc.kind() == Scenario.Kind.REFRESH)) {
            m.put("refresh_tokens_per_batch", h.config.refreshTokens);
        }
        return m;
    }

    /** Which per-rep guards were on: the settings passed to the service and what its answers showed. */
    Map<String, Object> guards(List<ScenarioResult> scenarios) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> settings = new TreeMap<>();
        h.config.env.forEach((k, v) -> {
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

    void printHeader() {
        h.log("click-to-call benchmark (%s): scenarios %s; %d cores; service jar %s",
                h.config.smoke ? "smoke" : "full", h.config.scenarios.stream().map(Scenario::name).collect(Collectors.joining(",")),
                Runtime.getRuntime().availableProcessors(), h.relative(h.config.serviceJar));
        h.log("stub on %s (%d ms); service on %s; database: %s", h.stub.baseUrl(), h.config.stubLatencyMs, h.serviceBase,
                h.externalDatabase ? "external" : "embedded PostgreSQL");
    }

    void printSummary(Results.Run run, Path[] files) {
        System.out.println();
        // The console names where the files are, wherever that is (the reports themselves hold no machine paths).
        System.out.println("== results: " + files[0] + " and " + files[1]);
        for (Check c : run.checks()) {
            System.out.printf(Locale.ROOT, "  %-5s %-13s %-42s %14s   target %s %s %s%s%n",
                    c.result().toUpperCase(Locale.ROOT), c.scenario(), c.metric(),
                    c.measured() == null ? "–" : Fmt.num(c.measured()) + " " + c.unit(),
                    c.comparator().equals(">=") ? "≥" : "≤", Fmt.num(c.target()), c.unit(),
                    "n/a".equals(c.result()) ? "  (" + c.note() + ")" : "");
        }
        if (h.config.smoke) {
            System.out.println("  (smoke settings: these figures show the run works; they are not comparable with the targets)");
        }
        System.out.printf(Locale.ROOT, "== done in %s s%n", Fmt.num(run.wallSeconds()));
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
}
