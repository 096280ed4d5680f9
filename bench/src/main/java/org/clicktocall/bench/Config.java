package org.clicktocall.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Options: flags (--duration=20) win over environment variables (DURATION=20), which win over the defaults. */
final class Config {
    static final String USAGE = """
            Usage: bench/run.sh [--smoke] [--OPTION=VALUE ...]

            Each option is also read from the environment variable in brackets (a flag wins).
              --smoke                    tiny run for CI (< 90 s): happy,light,down,events; 2 s warm-up, 3 s,
                                         1 repeat, 16 clients, 1000 reps, 20 calls/s, 100 event calls [SMOKE=1]
              --scenarios=a,b            happy, capacity, light, refresh-sweep, events, hang, down, or all
                                         (default happy,capacity,light,hang,down,events)     [SCENARIOS]
              --duration=SECONDS         measured time per repeat (default 20)               [DURATION]
              --warmup=SECONDS           warm-up before measuring (default 10)               [WARMUP]
              --repeats=N                repeats per scenario (default 3)                    [REPEATS]
              --clients=N                closed-loop clients: happy, hang, down, events (64) [CLIENTS]
              --capacity-clients=N       closed-loop clients for capacity (256)              [CAPACITY_CLIENTS]
              --wrk=PATH                 wrk, the load generator of happy and capacity (wrk) [WRK]
              --wrk-threads=N            wrk's threads (1: one epoll loop is plenty)          [WRK_THREADS]
              --rate=CALLS_PER_SEC       open-loop rate for light (100)                      [RATE]
              --reps=N                   reps with imported tokens (15000: keeps every rep
                                         under 5 calls a minute up to ~1,250 calls/s)        [REPS]
              --stub-latency-ms=MS       Dialpad stub's answer delay, calls and tokens (50)  [STUB_LATENCY_MS]
              --events-calls=N           events: calls per repeat, 3 events each (default
                                         2,000 x DURATION / 3: DURATION s at the target)     [EVENTS_CALLS]
              --refresh-tokens=N         refresh-sweep: expiring tokens per batch (10000)    [REFRESH_TOKENS]
              --jvm-opts="FLAGS"         extra JVM flags for the service, after the launch's own
                                         (app: given as JAVA_OPTS; the later flag wins)      [SERVICE_JVM_OPTS]
              --launch=app|jar           app: README's production launch as the build made it,
                                         target/app/click-to-call, its flags and class-data
                                         archive (default); jar: java -jar with --jvm-opts
                                         only (empty: the JVM's defaults)                    [SERVICE_LAUNCH]
              --jar=PATH                 the service jar (target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar) [SERVICE_JAR]
              --compare-jar=PATH         A/B: a second build (its jar, with app/ beside it), started beside
                                         the first and measured in the same run, against the same floor,
                                         in alternating order; happy and capacity only       [COMPARE_JAR]
              --compare-jvm-opts="FLAGS" A/B: the second service's extra JVM flags (default: --jvm-opts);
                                         alone, compares two flag sets on one build; an empty
                                         variable counts as unset: --compare-jvm-opts= for none [COMPARE_JVM_OPTS]
              --compare-datasource-url=URL
                                         A/B: the second service's database (default: the first's when
                                         external; each has its own when embedded). Give one when the two
                                         builds' schemas differ                              [COMPARE_DATASOURCE_URL]
              --compare-label=NAME       A/B: the second service's name in the report (B;
                                         letters, digits, . _ -)                              [COMPARE_LABEL]
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
            Map.entry("capacity-clients", "CAPACITY_CLIENTS"), Map.entry("wrk", "WRK"),
            Map.entry("wrk-threads", "WRK_THREADS"), Map.entry("rate", "RATE"), Map.entry("reps", "REPS"),
            Map.entry("stub-latency-ms", "STUB_LATENCY_MS"), Map.entry("jvm-opts", "SERVICE_JVM_OPTS"), Map.entry("launch", "SERVICE_LAUNCH"),
            Map.entry("jar", "SERVICE_JAR"), Map.entry("results-dir", "RESULTS_DIR"),
            Map.entry("compare-jar", "COMPARE_JAR"), Map.entry("compare-jvm-opts", "COMPARE_JVM_OPTS"),
            Map.entry("compare-datasource-url", "COMPARE_DATASOURCE_URL"), Map.entry("compare-label", "COMPARE_LABEL"),
            Map.entry("request-timeout", "REQUEST_TIMEOUT"), Map.entry("probe-rate", "PROBE_RATE"),
            Map.entry("start-timeout", "START_TIMEOUT"), Map.entry("strict", "STRICT"),
            Map.entry("keep-tmp", "KEEP_TMP"), Map.entry("project-dir", "BENCH_PROJECT_DIR"),
            Map.entry("events-calls", "EVENTS_CALLS"), Map.entry("refresh-tokens", "REFRESH_TOKENS"),
            Map.entry("help", "BENCH_HELP"));

    private static final Map<String, String> SMOKE_DEFAULTS = Map.ofEntries(
            Map.entry("scenarios", "happy,light,down,events"), Map.entry("duration", "3"), Map.entry("warmup", "2"),
            Map.entry("repeats", "1"), Map.entry("clients", "16"), Map.entry("capacity-clients", "16"),
            Map.entry("rate", "20"), Map.entry("reps", "1000"), Map.entry("probe-rate", "10"),
            Map.entry("events-calls", "100"), Map.entry("refresh-tokens", "200"));

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("scenarios", Scenario.DEFAULT), Map.entry("duration", "20"), Map.entry("warmup", "10"),
            Map.entry("repeats", "3"), Map.entry("clients", "64"), Map.entry("capacity-clients", "256"),
            Map.entry("wrk", "wrk"), Map.entry("wrk-threads", "1"),
            Map.entry("rate", "100"), Map.entry("reps", "15000"), Map.entry("stub-latency-ms", "50"),
            Map.entry("jvm-opts", ""), Map.entry("launch", "app"), Map.entry("request-timeout", "30"), Map.entry("probe-rate", "20"),
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
    String wrk;
    int wrkThreads;
    double rate;
    int reps;
    long stubLatencyMs;
    List<String> jvmFlags;
    boolean builtLaunch;
    Path projectDir;
    Path serviceJar;
    /** A/B: the second service (null: no comparison). Same jar when only its flags differ. */
    Compare compare;
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
        c.wrk = get.apply("wrk");
        c.wrkThreads = (int) positive(get.apply("wrk-threads"), "wrk-threads");
        c.rate = positive(get.apply("rate"), "rate");
        c.reps = (int) positive(get.apply("reps"), "reps");
        c.stubLatencyMs = (long) number(get.apply("stub-latency-ms"), "stub-latency-ms");
        String jvm = get.apply("jvm-opts");
        c.jvmFlags = jvm == null || jvm.isBlank() ? List.of() : Arrays.asList(jvm.trim().split("\\s+"));
        String launchMode = get.apply("launch");
        if (!"app".equals(launchMode) && !"jar".equals(launchMode)) {
            throw new IllegalArgumentException("launch must be app or jar: " + launchMode);
        }
        c.builtLaunch = "app".equals(launchMode);
        String project = get.apply("project-dir");
        c.projectDir = Path.of(project == null ? "." : project).toAbsolutePath().normalize();
        String jar = get.apply("jar");
        c.serviceJar = jar == null ? c.projectDir.resolve("target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar")
                : Path.of(jar).toAbsolutePath().normalize();
        c.compare = compare(get, c);
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

    /**
     * The second service of an A/B run: its jar, JVM flags, database and name.
     *
     * @param datasourceUrl null: the first service's database (external) or its own embedded one
     */
    record Compare(Path jar, List<String> jvmFlags, String datasourceUrl, String label) {
    }

    private static Compare compare(java.util.function.Function<String, String> get, Config c) {
        if (c.help) {
            return null;
        }
        String jar = get.apply("compare-jar");
        String opts = get.apply("compare-jvm-opts");
        String url = get.apply("compare-datasource-url");
        String label = get.apply("compare-label");
        if (jar == null && opts == null) {
            if (url != null || label != null) {
                throw new IllegalArgumentException("--compare-datasource-url and --compare-label need --compare-jar "
                        + "or --compare-jvm-opts");
            }
            return null;
        }
        List<String> notLoad = c.scenarios.stream().filter(s -> s.kind() != Scenario.Kind.LOAD).map(Scenario::name).toList();
        if (!notLoad.isEmpty()) {
            throw new IllegalArgumentException("an A/B run (--compare-*) measures happy and capacity only; also selected: "
                    + String.join(", ", notLoad));
        }
        Path compareJar = jar == null ? c.serviceJar : Path.of(jar).toAbsolutePath().normalize();
        if (!Files.isRegularFile(compareJar)) {
            throw new IllegalArgumentException("no jar at --compare-jar " + compareJar);
        }
        List<String> flags = opts == null ? c.jvmFlags
                : opts.isBlank() ? List.of() : Arrays.asList(opts.trim().split("\\s+"));
        if (compareJar.equals(c.serviceJar) && flags.equals(c.jvmFlags)) {
            throw new IllegalArgumentException("--compare-* names the same jar with the same flags: nothing to compare");
        }
        String name = label == null || label.isBlank() ? "B" : label.trim();
        // The label names the second service's runs beside "floor" and "service" in the log and the report.
        if (!name.matches("[A-Za-z0-9._-]{1,40}") || name.equals("floor") || name.equals("service")) {
            throw new IllegalArgumentException("--compare-label must be 1-40 letters, digits, '.', '_' or '-', and not "
                    + "floor or service: " + name);
        }
        return new Compare(compareJar, flags, url == null || url.isBlank() ? null : url, name);
    }

    private static List<Scenario> scenarios(String text) {
        List<String> names = Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank())
                .map(s -> s.toLowerCase(Locale.ROOT)).toList();
        if (names.contains("all")) {
            names = Scenario.ALL.stream().map(Scenario::name).toList();
        }
        List<Scenario> selected = new ArrayList<>();
        for (String name : names) {
            Scenario found = Scenario.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown scenario " + name + "; known: "
                            + Scenario.ALL.stream().map(Scenario::name).collect(Collectors.joining(", "))));
            if (!selected.contains(found)) {
                selected.add(found);
            }
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no scenario selected");
        }
        // Run in the canonical order: the ones that leave the breaker open come last.
        selected.sort(Comparator.comparingInt(Scenario.ALL::indexOf));
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
