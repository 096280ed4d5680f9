package org.clicktocall.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.ScenarioResult;

/**
 * refresh-sweep: REFRESH_TOKENS tokens expiring within the window; how long the scheduled refresh takes to ask the
 * stub's token endpoint for every one (one instance), then a second batch with a second instance on the same
 * database, where no token may be asked for twice. No load generator: the token import is 8 PUTs at a time.
 */
final class RefreshSweepScenario {

    private final Harness h;

    RefreshSweepScenario(Harness h) {
        this.h = h;
    }

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

    ScenarioResult run(Scenario scenario) throws Exception {
        h.stubOk();
        int r = h.config.refreshTokens;
        String cron = h.serviceEnv.getOrDefault("TOKENS_REFRESH_CRON", "(the service's)");
        h.log("refresh-sweep: %d tokens expiring in 120 s (window %s s), token endpoint %d ms, refresh cron \"%s\"",
                r, h.serviceEnv.get("TOKEN_REFRESH_WINDOW_SECONDS"), h.config.stubLatencyMs, cron);

        // Part 1: one instance.
        SweepBatch one = sweepBatch("one instance", 0, r, List.of(h.serviceBase));

        // Part 2: a second instance on the same database, a second batch; each token must be asked for once.
        SweepBatch two = null;
        String twoProblem = null;
        double secondStartS = Double.NaN;
        try {
            String secondBase = startSecondInstance();
            secondStartS = h.secondService.lastStartMillis / 1000.0;
            h.log("refresh-sweep: second instance ready in %s s on %s (pid %d, log %s)", Fmt.num(secondStartS), secondBase,
                    h.secondService.pid(), h.secondService.log());
            two = sweepBatch("two instances", r, 2 * r, List.of(h.serviceBase, secondBase));
        } catch (IllegalStateException | IOException e) {
            String message = String.valueOf(e.getMessage());
            twoProblem = message.lines().findFirst().orElse(message);
            h.keepWorkFolder = true;
            h.log("refresh-sweep: two-instance part not measured: %s", twoProblem);
        } finally {
            h.stopSecondService();
        }

        Map<String, Object> details = new LinkedHashMap<>();
        describe(details, "one_instance", one);
        if (two != null) {
            details.put("two_instances_second_started_in_s", Harness.round(secondStartS));
            describe(details, "two_instances", two);
        } else {
            details.put("two_instances", "not measured: " + twoProblem);
        }

        List<Check> checks = new ArrayList<>();
        String what = "all " + String.format(Locale.ROOT, "%,d", r) + " asked for within (one instance)";
        if (one.seen() < one.tokens()) {
            checks.add(new Check("refresh-sweep", what, null, "s", "<=", Targets.REFRESH_MAX_SECONDS, "fail",
                    "only " + one.seen() + " of " + one.tokens() + " were asked for (" + one.stopped() + ")"));
        } else if (r < Targets.REFRESH_TARGET_TOKENS) {
            checks.add(new Check("refresh-sweep", what, Harness.round(one.firstToAllSeconds()), "s", "<=", Targets.REFRESH_MAX_SECONDS,
                    "n/a", "the target is for 10,000 tokens; REFRESH_TOKENS=" + r + ": see refreshes/s"));
        } else {
            checks.add(Check.of("refresh-sweep", what, Harness.round(one.firstToAllSeconds()), "s", "<=", Targets.REFRESH_MAX_SECONDS,
                    "first token request to the last new one"));
        }
        checks.add(Check.of("refresh-sweep", "refreshes/s (one instance)", Harness.round(one.perSecond()), "tokens/s", ">=",
                Harness.round(Targets.REFRESH_TARGET_TOKENS / Targets.REFRESH_MAX_SECONDS), "10,000 in 60 s"));
        checks.add(Check.of("refresh-sweep", "tokens asked for twice (one instance)",
                one.seen() == 0 ? Double.NaN : one.twice(), "tokens", "<=", 0,
                one.requests() + " token requests for " + one.seen() + " tokens"));
        if (two != null) {
            checks.add(Check.of("refresh-sweep", "tokens asked for (two instances)",
                    Harness.round(100.0 * two.seen() / two.tokens()), "%", ">=", 100, two.seen() + " of " + two.tokens()));
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
        settings.put("token endpoint", h.config.stubLatencyMs + " ms");
        settings.put("TOKENS_REFRESH_CRON", cron);
        settings.put("TOKEN_REFRESH_WINDOW_SECONDS", h.serviceEnv.get("TOKEN_REFRESH_WINDOW_SECONDS"));
        return new ScenarioResult(scenario.name(), "ran", scenario.description(), settings, List.of(), List.of(),
                Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), null, checks, notes, details);
    }

    private static void describe(Map<String, Object> details, String prefix, SweepBatch b) {
        details.put(prefix + "_tokens", b.tokens());
        details.put(prefix + "_asked_for", b.seen() + " (" + b.requests() + " requests, " + b.twice() + " twice)");
        details.put(prefix + "_import_s", Harness.round(b.importSeconds()));
        details.put(prefix + "_import_start_to_first_request_s", Harness.round(b.importStartToFirstSeconds()));
        details.put(prefix + "_first_to_all_s", Harness.round(b.firstToAllSeconds()));
        details.put(prefix + "_import_end_to_all_s", Harness.round(b.importEndToAllSeconds()));
        details.put(prefix + "_refreshes_per_s", Harness.round(b.perSecond()));
        details.put(prefix + "_refreshed_per_instance", b.refreshedBy() + " (clicktocall_tokens_refresh_total{outcome=refreshed}, increase)");
        details.put(prefix + "_sample_refreshed", b.sampleOk() + " of " + b.sampleSize()
                + " (GET /reps/{id}/dialpad: active, last_refreshed_at set)");
    }

    /** Imports tokens from..to-1 expiring within the window and waits (bounded) until the stub saw each one asked for. */
    private SweepBatch sweepBatch(String label, int from, int to, List<String> bases) throws Exception {
        int count = to - from;
        List<Double> before = bases.stream().map(this::refreshedCount).toList();
        long importStart = System.nanoTime();
        double importSeconds = h.putTokens(from, to, i -> "bench-refresh-" + i,
                i -> "{\"access_token\":\"bench-refresh-access-" + i + "\",\"refresh_token\":\"" + refreshToken(i)
                        + "\",\"expires_in\":120,\"dialpad_user_id\":\"" + (5_300_000_000_000_000L + i) + "\"}");
        long importEnd = System.nanoTime();
        h.log("refresh-sweep (%s): imported %d tokens in %s s; waiting for the token requests", label, count,
                Fmt.num(importSeconds));
        Map<String, DialpadStub.Seen> seen = h.stub.refreshTokensSeen();
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
                h.log("refresh-sweep (%s): %d of %d asked for", label, n, count);
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
        Thread.sleep(Targets.REFRESH_CRON_PERIOD_MS + 1000);

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
            refreshedBy.add(Harness.round(refreshedCount(bases.get(i)) - before.get(i)));
        }
        boolean all = n == count && count > 0;
        double firstToAll = all ? (last - first) / 1e9 : Double.NaN;
        int[] sample = verifyRefreshed(from, to, bases.get(0));
        SweepBatch batch = new SweepBatch(count, n, importSeconds,
                n == 0 ? Double.NaN : (first - importStart) / 1e9, firstToAll,
                all ? (last - importEnd) / 1e9 : Double.NaN,
                all && firstToAll > 0 ? count / firstToAll : Double.NaN, requests, twice, refreshedBy, sample[0],
                sample[1], stopped);
        h.log("refresh-sweep (%s): %d of %d asked for; first → all %s s (%s/s), import end → all %s s; %d asked for "
                        + "twice; refreshed per instance %s; sample %d of %d refreshed", label, n, count,
                Fmt.num(firstToAll), Fmt.num(batch.perSecond()), Fmt.num(batch.importEndToAllSeconds()), twice,
                refreshedBy, sample[0], sample[1]);
        return batch;
    }

    /** GET /reps/{id}/dialpad (CRM key) on a sample of the batch: {ok, sampled}; ok = active with last_refreshed_at. */
    private int[] verifyRefreshed(int from, int to, String base) throws InterruptedException {
        int n = Math.min(Targets.REFRESH_VERIFY_SAMPLE, to - from);
        int ok = 0;
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int k = 0; k < n; k++) {
            int i = from + (int) ((long) k * (to - from) / n);
            try {
                HttpResponse<String> r = h.load.client().send(HttpRequest.newBuilder(
                                URI.create(base + "/reps/bench-refresh-" + i + "/dialpad"))
                        .header("X-API-Key", h.crmKey).timeout(Duration.ofSeconds(10)).GET().build(),
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
            HttpResponse<String> r = h.load.client().send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
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
        Map<String, String> env = new HashMap<>(h.serviceEnv);
        int port = Harness.freePort();
        Path dataB = h.tmp.resolve("data-b");
        env.put("APP_DATA_DIR", dataB.toString());
        env.put("SERVER_PORT", String.valueOf(port));
        if (!h.externalDatabase) {
            String pgPort = h.service.lastMatchInLog(java.util.regex.Pattern.compile(
                    "Embedded PostgreSQL started on 127\\.0\\.0\\.1:(\\d+)"));
            if (pgPort == null) {
                throw new IllegalStateException("the first instance's log names no embedded PostgreSQL port");
            }
            env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
            env.put("SPRING_DATASOURCE_USERNAME", "postgres");
        }
        h.log("refresh-sweep: starting a second instance on port %d (database %s)", port,
                h.externalDatabase ? "external, shared" : env.get("SPRING_DATASOURCE_URL"));
        ServiceProcess second = new ServiceProcess(h.launch, h.tmp.resolve("work-b"), dataB, h.config.jvmFlags, env);
        h.secondService = second;
        second.start(Duration.ofSeconds(h.config.startTimeoutS));
        return "http://127.0.0.1:" + port;
    }
}
