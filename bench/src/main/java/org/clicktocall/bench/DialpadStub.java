package org.clicktocall.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for Dialpad's {@code POST /api/v2/call} on 127.0.0.1, with a configurable latency and failure mode.
 * Also: {@code POST /oauth2/token} (refresh_token grant; answers after the same latency, whatever the mode, and
 * counts each refresh_token value it is sent) and {@code POST /floor/events} (200 {@code {}} at once: the floor of
 * the events scenario).
 *
 * <p>The latency must not hold a thread per request (3,000 req/s x 50 ms would need 150 blocked threads and
 * their context switches on 2 cores), so the handler only reads the request and a {@link ScheduledExecutorService}
 * writes the answer when it is due. The JDK server allows an exchange to be finished from another thread.
 */
public final class DialpadStub implements AutoCloseable {

    /** ok: 200 with a call_id; hang: read the request, never answer; refuse: port closed; error503: 503. */
    public enum Mode {
        OK, HANG, REFUSE, ERROR503;

        static Mode parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "ok" -> OK;
                case "hang" -> HANG;
                case "refuse", "down" -> REFUSE;
                case "503", "error503" -> ERROR503;
                default -> throw new IllegalArgumentException("stub mode must be ok, hang, refuse or 503: " + text);
            };
        }

        String label() {
            return this == ERROR503 ? "503" : name().toLowerCase(Locale.ROOT);
        }
    }

    static {
        // The JDK server keeps at most 200 idle keep-alive connections by default and closes the rest after each
        // answer; with 256 load clients that would turn the floor into a connect-per-request test.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "2000");
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // every answer would take ~40 ms longer than the configured latency.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ERROR_BODY =
            "{\"error\":{\"code\":503,\"message\":\"Service unavailable (bench stub)\"}}".getBytes(StandardCharsets.UTF_8);

    private final int port;
    private final ScheduledExecutorService timer;
    private final ExecutorService handlers;
    /** Dialpad's ids are 16-digit numbers; a counter keeps them unique. */
    private final AtomicLong nextCallId = new AtomicLong(6_000_000_000_000_000L);
    private final AtomicLong requests = new AtomicLong();
    /** Exchanges held open in hang mode, closed when the mode changes or the stub stops. */
    private final Set<HttpExchange> hanging = ConcurrentHashMap.newKeySet();
    /** Every refresh_token value POST /oauth2/token was sent: how many times, and when first (System.nanoTime). */
    private final Map<String, Seen> refreshTokensSeen = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong nextToken = new AtomicLong();
    private final AtomicLong floorRequests = new AtomicLong();

    /** One refresh_token value as the token endpoint saw it. */
    static final class Seen {
        final long firstNanos;
        final AtomicInteger count = new AtomicInteger();

        Seen(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    private volatile long latencyMs;
    private volatile Mode mode = Mode.OK;
    private HttpServer server;

    public DialpadStub(int port, long latencyMs) throws IOException {
        this.port = port;
        this.latencyMs = latencyMs;
        // Two timer threads only write small answers; two handler threads parse requests. Enough for >3k req/s.
        this.timer = Executors.newScheduledThreadPool(2, daemon("stub-timer"));
        this.handlers = Executors.newFixedThreadPool(2, daemon("stub-http"));
        listen();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long requests() {
        return requests.get();
    }

    /**
     * CPU seconds the stub's own threads have used: its handler and timer pools and the JDK server's dispatcher
     * (accept, read, write). Not the harness JVM's GC or JIT. Lets a run whose load generator shares this JVM
     * tell the stub's cost from the generator's.
     */
    public double threadCpuSeconds() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return Double.NaN;
        }
        long nanos = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("stub-") || info.getThreadName().equals("HTTP-Dispatcher"))) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                nanos += Math.max(0, t); // -1: the thread ended meanwhile
            }
        }
        return nanos / 1e9;
    }

    public synchronized void setLatencyMs(long latencyMs) {
        this.latencyMs = latencyMs;
    }

    /** Switches the failure mode; "refuse" closes the port, leaving it re-opens it on the same port. */
    public synchronized void setMode(Mode newMode) throws IOException {
        if (newMode == mode) {
            return;
        }
        releaseHanging();
        if (newMode == Mode.REFUSE) {
            server.stop(0);
            server = null;
        } else if (server == null) {
            listen();
        }
        mode = newMode;
    }

    public Mode mode() {
        return mode;
    }

    private void listen() throws IOException {
        HttpServer created = null;
        IOException last = null;
        // Re-binding right after a stop can briefly fail; a few bounded tries.
        for (int attempt = 0; attempt < 20 && created == null; attempt++) {
            try {
                created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
            } catch (IOException e) {
                last = e;
                sleep(100);
            }
        }
        if (created == null) {
            throw last;
        }
        created.createContext("/", this::handle);
        created.setExecutor(handlers);
        created.start();
        server = created;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean post = "POST".equals(exchange.getRequestMethod());
        if (post && path.equals("/oauth2/token")) {
            handleToken(exchange);
            return;
        }
        // Read the whole body so the connection can be reused (keep-alive), as Dialpad's server would.
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        requests.incrementAndGet();
        if (post && path.equals("/floor/events")) {
            floorRequests.incrementAndGet();
            answer(exchange, 200, EMPTY_JSON); // the events floor: nothing but HTTP
            return;
        }
        boolean isCall = post && path.startsWith("/api/v2/");
        if (!isCall) {
            answer(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"not found\"}}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Mode current = mode;
        if (current == Mode.HANG) {
            hanging.add(exchange);
            return; // accepted, read, never answered
        }
        long delay = latencyMs;
        Runnable reply = current == Mode.ERROR503
                ? () -> answer(exchange, 503, ERROR_BODY)
                : () -> answer(exchange, 200,
                        ("{\"call_id\":\"" + nextCallId.incrementAndGet() + "\"}").getBytes(StandardCharsets.UTF_8));
        later(reply, delay);
    }

    /**
     * Dialpad's token endpoint for the refresh_token grant: records the refresh token it was sent, and after the
     * latency (a timer, like the call route) answers a new access token and a rotated refresh token.
     */
    private void handleToken(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        String form;
        try (InputStream in = exchange.getRequestBody()) {
            form = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            in.transferTo(OutputStream.nullOutputStream());
        }
        requests.incrementAndGet();
        tokenRequests.incrementAndGet();
        String grant = null;
        String refreshToken = null;
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.equals("grant_type")) {
                grant = value;
            } else if (name.equals("refresh_token")) {
                refreshToken = value;
            }
        }
        if (!"refresh_token".equals(grant) || refreshToken == null || refreshToken.isEmpty()) {
            answer(exchange, 400, "{\"error\":\"unsupported_grant_type\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        refreshTokensSeen.computeIfAbsent(refreshToken, k -> new Seen(now)).count.incrementAndGet();
        long n = nextToken.incrementAndGet();
        byte[] body = ("{\"access_token\":\"new-" + n + "\",\"token_type\":\"bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"rotated-" + n + "\"}").getBytes(StandardCharsets.UTF_8);
        later(() -> answer(exchange, 200, body), latencyMs);
    }

    private void later(Runnable reply, long delayMs) {
        if (delayMs <= 0) {
            reply.run();
        } else {
            timer.schedule(reply, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** The refresh_token values the token endpoint has seen, live (do not modify). */
    Map<String, Seen> refreshTokensSeen() {
        return refreshTokensSeen;
    }

    long tokenRequests() {
        return tokenRequests.get();
    }

    long floorRequests() {
        return floorRequests.get();
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) {
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            exchange.close(); // the client went away (e.g. its timeout fired); nothing to do
        }
    }

    private void releaseHanging() {
        for (HttpExchange exchange : hanging) {
            exchange.close();
        }
        hanging.clear();
    }

    @Override
    public synchronized void close() {
        releaseHanging();
        if (server != null) {
            server.stop(0);
            server = null;
        }
        timer.shutdownNow();
        handlers.shutdownNow();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
