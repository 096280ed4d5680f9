package org.clicktocall.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Sends HTTP load and records latencies in HdrHistograms (microseconds).
 *
 * <ul>
 *   <li>Closed loop: N clients, each sends its next request when the previous answer arrives. Measures capacity;
 *       latency is from the actual send.</li>
 *   <li>Open loop (wrk2-style): request k is due at {@code t0 + k / rate}. Latency is measured from that
 *       <em>intended</em> start, so a stall in the service (or in this generator) shows up as latency for every
 *       request that should have been sent during it, instead of being hidden (coordinated omission).</li>
 * </ul>
 *
 * Only requests that start inside the measuring window are recorded; those still in flight at its end are awaited.
 *
 * <p>Closed loop over sequences ({@link #runSequences}): as the closed loop, but each client works through units of
 * requests that must go out in order (one call's events: ringing, connected, hangup), and the run is a fixed
 * amount of work rather than a fixed time.
 */
final class LoadGenerator {

    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bound on open-loop requests in flight: beyond it the generator drops (and counts) rather than exhausting memory. */
    private static final int MAX_OPEN_LOOP_IN_FLIGHT = 20_000;
    /** Bound on samples kept for the failure scenarios' phase split. */
    private static final int MAX_SAMPLES = 3_000_000;

    /** How a run sends: {@code clients > 0} closed loop, else open loop at {@code ratePerSecond}. */
    record Plan(int clients, double ratePerSecond) {
        static Plan closed(int clients) {
            return new Plan(clients, 0);
        }

        static Plan open(double ratePerSecond) {
            return new Plan(0, ratePerSecond);
        }

        boolean isOpen() {
            return clients <= 0;
        }

        String describe() {
            return isOpen() ? "open loop, " + Fmt.num(ratePerSecond) + " req/s" : "closed loop, " + clients + " clients";
        }
    }

    /** One answer as far as the benchmark cares. {@code status} is -1 for a transport error. */
    record Answer(int status, String action, String reason, String id, String error) {
        String outcomeKey() {
            if (status < 0) {
                return "error:" + error;
            }
            return String.valueOf(status);
        }
    }

    /**
     * Requests that must go out one after another, each when the previous answer is in. {@link #request} is called
     * when the step is due, so whatever it signs or stamps (e.g. a JWT's iat) is fresh.
     */
    interface Sequence {
        int steps();

        HttpRequest request(int step);
    }

    /** One recorded request, kept only when a scenario needs to split the run into phases afterwards. */
    record Sample(long startNanos, long latencyNanos, Answer answer) {
    }

    /** What one measured run produced. */
    static final class Outcome {
        final Histogram latency = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
        final LongAdder completed = new LongAdder();
        final LongAdder transportErrors = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        final Map<String, LongAdder> actions = new ConcurrentHashMap<>();
        final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        final AtomicInteger sampleCount = new AtomicInteger();
        long measuredNanos;
        long measureStartNanos;
        /** runSequences: the time cap ended the run before the sequences ran out (some were never sent). */
        volatile boolean capped;

        double throughput() {
            return measuredNanos <= 0 ? 0 : completed.sum() * 1e9 / measuredNanos;
        }

        static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    private final HttpClient client;
    private final ExecutorService executor;
    private final Duration requestTimeout;

    LoadGenerator(Duration requestTimeout) {
        // The client's own (default) executor runs the callbacks: measured ~40% more requests/s on 2 cores than
        // handing every completion to a separate pool. This small pool only breaks recursion (see sendClosed).
        this.executor = Executors.newFixedThreadPool(2, DialpadStub.daemon("load"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt: both servers speak HTTP/1.1
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.requestTimeout = requestTimeout;
    }

    HttpClient client() {
        return client;
    }

    /**
     * A separate client for side probes: the load's client multiplexes every connection on one selector thread
     * and queues behind the load's callbacks, so a probe sent through it would measure the generator's own queue.
     */
    static HttpClient probeClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Warms up for {@code warmup}, then measures for {@code duration}.
     *
     * @param requests  request number (0, 1, 2, ... across warm-up and measurement) to request
     * @param parseJson read action/reason/id from the JSON answer (the service's), or only the status (the stub's)
     * @param onAnswer  sees every answer (warm-up included), e.g. to collect call ids for GET probes
     */
    Outcome run(LongFunction<HttpRequest> requests, Plan plan, Duration warmup, Duration duration,
                boolean parseJson, boolean keepSamples, Consumer<Answer> onAnswer) throws InterruptedException {
        Outcome outcome = new Outcome();
        long t0 = System.nanoTime();
        long measureStart = t0 + warmup.toNanos();
        long measureEnd = measureStart + duration.toNanos();
        outcome.measureStartNanos = measureStart;
        outcome.measuredNanos = measureEnd - measureStart;
        AtomicLong sequence = new AtomicLong();
        Recorder recorder = new Recorder(outcome, measureStart, measureEnd, parseJson, keepSamples, onAnswer);
        if (plan.isOpen()) {
            runOpen(requests, plan.ratePerSecond(), t0, measureEnd, sequence, recorder, outcome);
        } else {
            runClosed(requests, plan.clients(), measureEnd, sequence, recorder);
        }
        return outcome;
    }

    private void runClosed(LongFunction<HttpRequest> requests, int clients, long end, AtomicLong sequence,
                           Recorder recorder) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            sendClosed(requests, end, sequence, recorder, done);
        }
        awaitDrain(done, end);
    }

    /**
     * Closed loop over sequences, count-based: each of {@code clients} clients takes the next sequence from
     * {@code next} and sends its steps in order, each when the previous answer is in, until {@code next} returns
     * null; a client past {@code cap} finishes the sequence it is in and stops (the outcome is then marked capped).
     * Every request is recorded; the throughput is over the time from the first send to the last answer.
     */
    Outcome runSequences(java.util.function.Supplier<Sequence> next, int clients, Duration cap, boolean parseJson)
            throws InterruptedException {
        Outcome outcome = new Outcome();
        long t0 = System.nanoTime();
        long end = t0 + cap.toNanos();
        outcome.measureStartNanos = t0;
        Recorder recorder = new Recorder(outcome, t0, Long.MAX_VALUE, parseJson, false, null);
        AtomicLong lastAnswer = new AtomicLong(t0);
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            sendStep(next, null, 0, end, outcome, recorder, lastAnswer, done);
        }
        // Bounded: the cap, then every client finishing its current sequence (at worst each step timing out).
        long wait = Math.max(0, end - System.nanoTime()) + 4 * requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        if (!done.await(wait, TimeUnit.NANOSECONDS)) {
            System.err.println("  warning: " + done.getCount() + " clients still waiting for an answer after the run");
        }
        outcome.measuredNanos = Math.max(1, lastAnswer.get() - t0);
        return outcome;
    }

    private void sendStep(java.util.function.Supplier<Sequence> next, Sequence current, int currentStep, long end,
                          Outcome outcome, Recorder recorder, AtomicLong lastAnswer, CountDownLatch done) {
        Sequence sequence = current;
        int step = currentStep;
        if (sequence == null || step >= sequence.steps()) {
            sequence = next.get();
            step = 0;
            if (sequence == null) {
                done.countDown();
                return;
            }
            if (System.nanoTime() >= end) {
                outcome.capped = true; // this one and any after it are not sent
                done.countDown();
                return;
            }
            if (sequence.steps() <= 0) {
                // An empty unit: hop to another thread for the next one rather than recursing.
                executor.execute(() -> sendStep(next, null, 0, end, outcome, recorder, lastAnswer, done));
                return;
            }
        }
        Sequence s = sequence;
        int nextStep = step + 1;
        HttpRequest request = withTimeout(s.request(step));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> sent =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        if (sent.isDone()) {
            long finished = System.nanoTime();
            sent.whenCompleteAsync((response, failure) -> {
                recorder.record(start, finished, response, failure);
                lastAnswer.accumulateAndGet(finished, Math::max);
                sendStep(next, s, nextStep, end, outcome, recorder, lastAnswer, done);
            }, executor);
            return;
        }
        sent.whenComplete((response, failure) -> {
            long finished = System.nanoTime();
            recorder.record(start, finished, response, failure);
            lastAnswer.accumulateAndGet(finished, Math::max);
            sendStep(next, s, nextStep, end, outcome, recorder, lastAnswer, done);
        });
    }

    /** One client's loop, as a chain of callbacks: the next request goes out when this answer is in. */
    private void sendClosed(LongFunction<HttpRequest> requests, long end, AtomicLong sequence, Recorder recorder,
                            CountDownLatch done) {
        long start = System.nanoTime();
        if (start >= end) {
            done.countDown();
            return;
        }
        HttpRequest request = withTimeout(requests.apply(sequence.getAndIncrement()));
        // Async hop for the next send: an answer that completes at once (refused connection) must not recurse.
        CompletableFuture<HttpResponse<String>> sent =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        if (sent.isDone()) {
            // Failed at once (e.g. refused): continue on another thread rather than recursing on this one.
            long finished = System.nanoTime();
            sent.whenCompleteAsync((response, failure) -> {
                recorder.record(start, finished, response, failure);
                sendClosed(requests, end, sequence, recorder, done);
            }, executor);
            return;
        }
        sent.whenComplete((response, failure) -> {
            recorder.record(start, System.nanoTime(), response, failure);
            sendClosed(requests, end, sequence, recorder, done);
        });
    }

    private void runOpen(LongFunction<HttpRequest> requests, double rate, long t0, long end, AtomicLong sequence,
                         Recorder recorder, Outcome outcome) throws InterruptedException {
        double intervalNanos = 1e9 / rate;
        AtomicInteger inFlight = new AtomicInteger();
        for (long k = 0; ; k++) {
            long intended = t0 + (long) (k * intervalNanos);
            if (intended >= end) {
                break;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (inFlight.get() >= MAX_OPEN_LOOP_IN_FLIGHT) {
                if (intended >= recorder.measureStart) {
                    outcome.dropped.increment();
                }
                continue;
            }
            inFlight.incrementAndGet();
            HttpRequest request = withTimeout(requests.apply(sequence.getAndIncrement()));
            // Latency is taken from 'intended', not from now: a late send is the system's delay, not free time.
            client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                recorder.record(intended, System.nanoTime(), response, failure);
                inFlight.decrementAndGet();
            });
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private void awaitDrain(CountDownLatch done, long end) throws InterruptedException {
        long remaining = Math.max(0, end - System.nanoTime()) + requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        if (!done.await(remaining, TimeUnit.NANOSECONDS)) {
            System.err.println("  warning: " + done.getCount() + " clients still waiting for an answer after the run");
        }
    }

    private HttpRequest withTimeout(HttpRequest request) {
        return request.timeout().isPresent() ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).timeout(requestTimeout).build();
    }

    /** Turns responses into histogram values and counts; filters by the measuring window. */
    private static final class Recorder {
        final Outcome outcome;
        final long measureStart;
        final long measureEnd;
        final boolean parseJson;
        final boolean keepSamples;
        final Consumer<Answer> onAnswer;

        Recorder(Outcome outcome, long measureStart, long measureEnd, boolean parseJson, boolean keepSamples,
                 Consumer<Answer> onAnswer) {
            this.outcome = outcome;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.parseJson = parseJson;
            this.keepSamples = keepSamples;
            this.onAnswer = onAnswer;
        }

        void record(long start, long finished, HttpResponse<String> response, Throwable failure) {
            Answer answer = toAnswer(response, failure, parseJson);
            if (onAnswer != null) {
                onAnswer.accept(answer);
            }
            if (start < measureStart || start >= measureEnd) {
                return; // warm-up, or sent after the window closed
            }
            long latencyNanos = finished - start;
            outcome.latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, latencyNanos / 1000)));
            outcome.completed.increment();
            outcome.statuses.computeIfAbsent(answer.outcomeKey(), k -> new LongAdder()).increment();
            if (answer.status() < 0) {
                outcome.transportErrors.increment();
            }
            if (answer.action() != null) {
                outcome.actions.computeIfAbsent(answer.action(), k -> new LongAdder()).increment();
                String reason = answer.reason() == null ? "(none)" : answer.reason();
                outcome.reasons.computeIfAbsent(answer.action() + ":" + reason, k -> new LongAdder()).increment();
            }
            if (keepSamples && outcome.sampleCount.incrementAndGet() <= MAX_SAMPLES) {
                outcome.samples.add(new Sample(start, latencyNanos, answer));
            }
        }
    }

    static Answer toAnswer(HttpResponse<String> response, Throwable failure, boolean parseJson) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return new Answer(-1, null, null, null, cause.getClass().getSimpleName());
        }
        if (!parseJson) {
            return new Answer(response.statusCode(), null, null, null, null);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body.has("outcome") && body.has("received")) {
                // POST /dialpad/events: {"received":true,"outcome":"applied"|"duplicate"|"unmatched"}
                return new Answer(response.statusCode(), text(body, "outcome"), null, null, null);
            }
            if (body.has("error")) {
                // e.g. 503 database_unavailable: count it by its code
                return new Answer(response.statusCode(), "error", body.path("error").path("code").asText(null),
                        null, null);
            }
            return new Answer(response.statusCode(), text(body, "action"), text(body, "reason"), text(body, "id"), null);
        } catch (Exception e) {
            return new Answer(response.statusCode(), null, null, null, null);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static URI uri(String base, String path) {
        return URI.create(base + path);
    }

    void close() {
        executor.shutdownNow();
    }
}
