package org.clicktocall.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A low-rate side probe (sequential GETs at a fixed interval) that runs beside a load, to see whether other
 * endpoints stay responsive while Dialpad is failing. Latency is from the intended send time.
 */
final class SideProbe implements Runnable {
    record Target(String name, LongFunction<HttpRequest> request) {
    }

    final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    final Map<String, Map<String, LongAdder>> statuses = new ConcurrentHashMap<>();
    private final HttpClient client;
    private final List<Target> targets;
    private final long intervalNanos;
    private final long endNanos;
    private final Duration timeout;
    /** Set when the probe first sees the given predicate true on a health answer (e.g. breaker open). */
    volatile long healthFlagNanos;
    private final java.util.function.Predicate<String> healthFlag;

    SideProbe(HttpClient client, List<Target> targets, double perSecond, long endNanos, Duration timeout,
              java.util.function.Predicate<String> healthFlag) {
        this.client = client;
        this.targets = new ArrayList<>(targets);
        this.intervalNanos = (long) (1e9 / perSecond);
        this.endNanos = endNanos;
        this.timeout = timeout;
        this.healthFlag = healthFlag;
        for (Target target : targets) {
            latency.put(target.name(), new ConcurrentHistogram(1, LoadGenerator.HIGHEST_MICROS, 3));
            statuses.put(target.name(), new ConcurrentHashMap<>());
        }
    }

    /**
     * Sends probe k at {@code t0 + k / rate} whether or not earlier probes have been answered (open loop), and
     * records each latency from its intended time: a slow answer delays only itself, not the probes after it.
     */
    @Override
    public void run() {
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (long k = 0; ; k++) {
            long intended = t0 + k * intervalNanos;
            if (intended >= endNanos || Thread.currentThread().isInterrupted()) {
                break;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Target target = targets.get((int) (k % targets.size()));
            try {
                HttpRequest request = HttpRequest.newBuilder(target.request().apply(k), (n, v) -> true)
                        .timeout(timeout).build();
                inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, failure) -> record(target, intended, response, failure)));
            } catch (RuntimeException e) {
                record(target, intended, null, e);
            }
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception timedOutOrFailed) {
            // each failure was recorded with its probe
        }
    }

    private void record(Target target, long intended, HttpResponse<String> response, Throwable failure) {
        String status;
        if (failure == null) {
            status = String.valueOf(response.statusCode());
            if (healthFlagNanos == 0 && target.name().startsWith("health") && healthFlag != null
                    && healthFlag.test(response.body())) {
                healthFlagNanos = System.nanoTime();
            }
        } else {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            status = "error:" + cause.getClass().getSimpleName();
        }
        long micros = (System.nanoTime() - intended) / 1000;
        latency.get(target.name()).recordValue(Math.min(LoadGenerator.HIGHEST_MICROS, Math.max(1, micros)));
        statuses.get(target.name()).computeIfAbsent(status, s -> new LongAdder()).increment();
    }
}
