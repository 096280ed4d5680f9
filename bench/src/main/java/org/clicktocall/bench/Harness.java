package org.clicktocall.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import java.util.function.IntFunction;

/**
 * What every scenario works with: the configuration, the Dialpad stub, the service process and its keys, the two
 * load generators (wrk for the closed-loop click scenarios, the Java one for the rest), the click numbering, and
 * the run's shared state (breaker dirty, memory under load, sanity). {@link Bench} creates it; scenarios use it.
 */
final class Harness {

    final Config config;
    final long startedNanos = System.nanoTime();
    /** Click numbers: never reused within a run, so no rep gets the same number twice (no duplicate-click guard). */
    final AtomicLong callSequence = new AtomicLong();
    final List<Results.Start> starts = new ArrayList<>();
    private final AtomicReferenceArray<String> callIds = new AtomicReferenceArray<>(64);
    private final AtomicInteger callIdCount = new AtomicInteger();

    DialpadStub stub;
    ServiceProcess service;
    Launch launch;
    LoadGenerator load;
    Wrk wrk;
    String serviceBase;
    String crmKey;
    String adminKey;
    /** DIALPAD_WEBHOOK_SECRET given to the service: 48 random hex characters. */
    String webhookSecret;
    /** What the harness adds to the service's environment (the second instance of refresh-sweep starts from it). */
    Map<String, String> serviceEnv;
    Path tmp;
    boolean externalDatabase;
    /** A failure scenario left the breaker open: the next scenario needs a restarted service. */
    boolean breakerDirty;
    /** A scenario got no successful answer at all: the run exits 2. */
    boolean sanityFailed;
    /** Keep the temporary folder even after a completed run (e.g. the second instance's log after it failed). */
    boolean keepWorkFolder;
    /** A/B runs (--compare-*): the second service, measured beside the first; null otherwise. */
    volatile ServiceProcess compareService;
    String compareBase;
    /** refresh-sweep's second instance, while it runs (stopped on any exit). */
    volatile ServiceProcess secondService;
    volatile boolean underLoad;
    volatile double loadRssMax = Double.NaN;
    volatile double peakRss = Double.NaN;

    Harness(Config config) {
        this.config = config;
    }

    // ----- the service process --------------------------------------------------------------------------------

    void startService(boolean first) throws Exception {
        service.start(Duration.ofSeconds(config.startTimeoutS));
        starts.add(new Results.Start(service.lastStartMillis, service.lastReportedStartSeconds, first && !externalDatabase));
        breakerDirty = false;
    }

    /** The breaker is shared state: a failure scenario leaves it open for 30 s, so the next scenario gets a fresh service. */
    void ensureClosedBreaker() throws Exception {
        if (!breakerDirty) {
            return;
        }
        log("restarting the service so the Dialpad breaker starts closed");
        updatePeakRss();
        service.stop();
        startService(false);
        log("service ready again in %s s", Fmt.num(service.lastStartMillis / 1000.0));
    }

    /** Dialpad fine, at the configured latency: where every load scenario starts. */
    void stubOk() throws Exception {
        ensureClosedBreaker();
        stub.setMode(DialpadStub.Mode.OK);
        stub.setLatencyMs(config.stubLatencyMs);
    }

    void stopSecondService() {
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

    /** Stops everything this run started; safe to call twice (also the shutdown hook). */
    void stopAll() {
        stopSecondService();
        try {
            if (compareService != null) {
                compareService.stop();
            }
        } catch (Exception e) {
            System.err.println("could not stop the second service: " + e.getMessage());
        }
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

    // ----- requests of the Java generator ----------------------------------------------------------------------

    /**
     * POST /calls, round-robin over the reps with a different number every time: a global counter (never reset
     * between runs) so a rep never gets the same number twice, and a duplicate-click guard is not what we measure.
     * (wrk's script numbers its clicks the same way, from {@link #callSequence}.)
     */
    HttpRequest callRequest(long ignoredRunSequence) {
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
    HttpRequest floorRequest(long ignoredRunSequence) {
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

    static String number(long i) {
        return String.format(Locale.ROOT, "+1555%07d", i % 10_000_000L);
    }

    static long dialpadUserId(int rep) {
        return 5_100_000_000_000_000L + rep; // 16 digits, like Dialpad's user ids
    }

    /** Keeps the first few call ids the service answered, for the side probes' GET /calls/{id}. */
    void rememberCallId(LoadGenerator.Answer answer) {
        if (answer.id() != null && callIdCount.get() < callIds.length()) {
            int slot = callIdCount.getAndIncrement();
            if (slot < callIds.length()) {
                callIds.set(slot, answer.id());
            }
        }
    }

    String pickCallId(long k, String fallback) {
        int n = Math.min(callIdCount.get(), callIds.length());
        if (n == 0) {
            return fallback;
        }
        String id = callIds.get((int) (k % n));
        return id == null ? fallback : id;
    }

    // ----- token import --------------------------------------------------------------------------------------

    /**
     * PUT /reps/{id}/dialpad-token (admin key) for reps {@code from} to {@code to - 1}, 8 at a time (a migration
     * script's pace, not a load test). Every answer must be 200. Returns the seconds it took.
     */
    double putTokens(int from, int to, IntFunction<String> repId, IntFunction<String> body) throws Exception {
        return putTokens(serviceBase, from, to, repId, body);
    }

    /** As above, to the service at {@code base} (an A/B run's second service). */
    double putTokens(String base, int from, int to, IntFunction<String> repId, IntFunction<String> body) throws Exception {
        long t0 = System.nanoTime();
        Semaphore inFlight = new Semaphore(8);
        Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        String[] firstError = {null};
        for (int rep = from; rep < to; rep++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/reps/" + repId.apply(rep) + "/dialpad-token"))
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

    // ----- memory ----------------------------------------------------------------------------------------------

    /** Samples the service's RSS every 250 ms while a scenario has it under load; the highest is the footprint's. */
    Thread startRssSampler() {
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

    void updatePeakRss() {
        double hwm = service.memory().peakMiB();
        if (hwm > 0 && (Double.isNaN(peakRss) || hwm > peakRss)) {
            peakRss = hwm;
        }
    }

    // ----- small helpers ---------------------------------------------------------------------------------------

    void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - startedNanos) / 1e9,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** A path for the report: relative to the project, or only its file name when outside it (no machine paths). */
    String relative(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(config.projectDir) ? config.projectDir.relativize(abs).toString()
                : abs.getFileName() + " (outside the project)";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
