package org.clicktocall.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The closed-loop load generator of happy and capacity: wrk (C, epoll) driven by {@code wrk/clicks.lua}, in its own
 * process, so its CPU is its own and small. Each run is one wrk process; its figures come from the script's
 * {@code done()} as one JSON line: latency percentiles, answers by status and action, and wrk's own CPU, user +
 * system of the whole process after its threads ended (getrusage, µs; /proc/self/stat's ticks as a fallback).
 */
final class Wrk {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "BENCH_JSON ";

    /** One wrk run: the figures in the harness's terms, wrk's CPU, and how far its click numbers went. */
    record Run(Results.Stats stats, double cpuSeconds, long sentMax) {
        double cpuMsPerRequest() {
            return stats.count() > 0 ? cpuSeconds * 1000.0 / stats.count() : Double.NaN;
        }
    }

    private final String executable;
    private final int threads;
    private final Path script;
    private final int timeoutS;

    private Wrk(String executable, int threads, Path script, int timeoutS) {
        this.executable = executable;
        this.threads = threads;
        this.script = script;
        this.timeoutS = timeoutS;
    }

    /** Checks that wrk runs and writes the script next to the run's other files. */
    static Wrk prepare(Config config, Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(config.wrk, "-v").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("wrk not found (" + config.wrk + "): apt-get install wrk, or --wrk=PATH");
        }
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        p.waitFor(10, TimeUnit.SECONDS);
        if (!version.startsWith("wrk")) {
            throw new IllegalStateException("not wrk: " + config.wrk + " -v said " + version);
        }
        Files.createDirectories(dir);
        Path script = dir.resolve("clicks.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("/wrk/clicks.lua")) {
            if (in == null) {
                throw new IllegalStateException("wrk/clicks.lua is missing from the harness jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Wrk(config.wrk, config.wrkThreads, script, config.requestTimeoutS);
    }

    /**
     * One closed-loop run of {@code connections} connections for {@code duration}. {@code mode} is "service"
     * (POST /calls with the CRM key) or "floor" (POST /api/v2/call to the stub); click numbers start at {@code base}.
     */
    Run run(String mode, String baseUrl, String apiKey, int connections, Duration duration, long base, int reps)
            throws IOException, InterruptedException {
        int t = Math.max(1, Math.min(threads, connections));
        long seconds = Math.max(1, Math.round(duration.toMillis() / 1000.0));
        List<String> command = List.of(executable, "-t", String.valueOf(t), "-c", String.valueOf(connections),
                "-d", seconds + "s", "--timeout", timeoutS + "s", "-s", script.toString(), baseUrl);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("BENCH_MODE", mode);
        env.put("BENCH_KEY", apiKey == null ? "" : apiKey); // in wrk's environment, not on its command line
        env.put("BENCH_REPS", String.valueOf(reps));
        env.put("BENCH_BASE", String.valueOf(base));
        env.put("BENCH_THREADS", String.valueOf(t));
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + timeoutS + 30L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wrk did not finish: " + out);
        }
        String line = out.lines().filter(l -> l.startsWith(MARKER)).findFirst().orElseThrow(() ->
                new IllegalStateException("wrk gave no figures (exit " + process.exitValue() + "):\n" + out));
        return parse(JSON.readTree(line.substring(MARKER.length())), t);
    }

    private static Run parse(JsonNode j, int threads) {
        long requests = j.path("requests").asLong();
        double seconds = j.path("duration_us").asLong() / 1e6;
        JsonNode e = j.path("errors");
        long transport = e.path("connect").asLong() + e.path("read").asLong() + e.path("write").asLong()
                + e.path("timeout").asLong();
        JsonNode lat = j.path("latency_us");
        Map<String, Long> statuses = counts(j.path("statuses"), "");
        if (transport > 0) {
            statuses.put("error:transport", transport);
        }
        Map<String, Long> actions = counts(j.path("actions"), "");
        actions.values().removeIf(v -> v == 0);
        Map<String, Long> reasons = counts(j.path("reasons"), "tel:");
        boolean answered = requests > 0;
        Results.Stats stats = new Results.Stats(requests, seconds, seconds > 0 ? requests / seconds : 0,
                ms(lat, "p50", answered), ms(lat, "p90", answered), ms(lat, "p99", answered),
                ms(lat, "p99.9", answered), ms(lat, "max", answered),
                answered ? lat.path("mean").asDouble() / 1000.0 : Double.NaN, transport, 0, statuses, actions, reasons);
        // getrusage's µs when the script could call it, else /proc/self/stat's 10 ms ticks (the same counters).
        long micros = j.path("cpu_us").asLong(-1);
        long ticks = j.path("cpu_ticks").asLong(-1);
        double cpu = micros >= 0 ? micros / 1e6 : ticks >= 0 ? ticks / CpuUse.TICKS_PER_SECOND : Double.NaN;
        return new Run(stats, cpu, j.path("sent_max").asLong() * threads);
    }

    private static double ms(JsonNode latency, String field, boolean answered) {
        return answered ? latency.path(field).asDouble() / 1000.0 : Double.NaN;
    }

    private static Map<String, Long> counts(JsonNode node, String prefix) {
        Map<String, Long> out = new TreeMap<>();
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            out.put(prefix + name, node.path(name).asLong());
        }
        return out;
    }
}
