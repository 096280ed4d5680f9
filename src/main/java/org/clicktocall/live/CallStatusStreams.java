package org.clicktocall.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.clicktocall.config.CallStreamProperties;
import org.clicktocall.support.Hashes;
import org.clicktocall.support.Json;
import org.clicktocall.support.SqlParameters;
import org.clicktocall.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Live call status for browsers and the CRM: {@code GET /calls/{id}/events} answers with server-sent events, one
 * {@code status} event whenever the call's row changes, then an {@code end} event.
 *
 * <p>The row in PostgreSQL is the only truth, so the status is right whichever instance received Dialpad's event:
 * the {@code follow-calls-tick} route reads the rows of every call followed on this instance in one statement per
 * poll interval and hands them to {@link #deliver}. No request thread is held: the route starts servlet async
 * processing, writes the first event and returns; the tick writes the rest.
 *
 * <p>Bounded: at most {@code max-streams} on this instance and {@code max-per-rep} / {@code max-per-key} per follower
 * (beyond that a JSON error, and the widget polls instead); each stream ends when its call is over, after
 * {@code max-lifetime}, or when this instance stops (before the web server's graceful shutdown, which would otherwise
 * wait for the streams). Events are a few hundred bytes over a stream's life, so a client that stops reading never
 * fills the socket buffer and a write never blocks the tick.
 */
@Component("callStatusStreams")
public class CallStatusStreams implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CallStatusStreams.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Ranks from DialpadEvents: 4 unknown (the sweep gave up), 5 final states, 9 a tel: fallback. */
    private static final int OVER = 4;
    /** Past the lifetime, the container ends a stream itself if the tick has not (it stopped, or is stuck). */
    private static final Duration CONTAINER_GRACE = Duration.ofSeconds(30);
    private static final Duration FAILURE_LOG_EVERY = Duration.ofMinutes(1);

    /** Who follows a call: a widget token's rep, or an API key (known by its digest only). */
    public record Follower(String widgetRep, String keyDigest) {
        boolean widget() {
            return widgetRep != null;
        }

        String capKey() {
            return widget() ? "rep:" + widgetRep : "key:" + keyDigest;
        }
    }

    /** The calls followed on this instance at one poll. */
    public record FollowedCalls(Set<UUID> ids) implements SqlParameters {
        /** The parameters of find-followed-calls.sql: the ids as one PostgreSQL uuid[] literal. */
        @Override
        public Map<String, Object> sqlParameters() {
            StringBuilder array = new StringBuilder("{");
            ids.forEach(id -> array.append(array.length() > 1 ? "," : "").append(id));
            return Map.of("ids", array.append('}').toString());
        }
    }

    /** One followed call as its row says: the status and, once it is known, how long it lasted. */
    public record CallState(UUID id, String status, int rank, Long durationMs) {
        static CallState fromRow(Map<?, ?> row) {
            Object id = row.get("id");
            Object duration = row.get("duration_ms");
            return new CallState(id instanceof UUID uuid ? uuid : UUID.fromString(String.valueOf(id)),
                    String.valueOf(row.get("status")), ((Number) row.get("status_rank")).intValue(),
                    duration instanceof Number n ? n.longValue() : null);
        }

        boolean over() {
            return rank >= OVER;
        }
    }

    private final CallStreamProperties settings;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    /** Open streams per follower; guarded by {@code this}, as is {@link #open}. */
    private final Map<String, Integer> byFollower = new HashMap<>();
    private int open;
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile Instant lastFailureLogged = Instant.EPOCH;

    public CallStatusStreams(CallStreamProperties settings, MeterRegistry meters) {
        this.settings = settings;
        Gauge.builder("clicktocall.call.streams", streams, Set::size)
                .description("Live call status streams open on this instance").register(meters);
    }

    /** For the tick's timer ({@code {{bean:callStatusStreams.pollIntervalMillis}}}): the one setting, read once. */
    public long pollIntervalMillis() {
        return settings.pollInterval().toMillis();
    }

    /**
     * The caller as the request gate admitted it: the widget token's rep ({@code X-Widget-Rep}, set only by the gate)
     * or else the API key, kept as a short digest so the key itself is not held.
     */
    public Follower follower(String widgetRep, String apiKey) {
        if (widgetRep != null && !widgetRep.isEmpty()) {
            return new Follower(widgetRep, null);
        }
        return new Follower(null, Hashes.sha256(apiKey == null ? "" : apiKey).substring(0, 16));
    }

    /**
     * Starts the stream for a call row (null: 404) on the request's servlet async context and writes its current
     * status; a call already over gets its status and the end at once. Returns null: the stream is the answer.
     */
    public Object open(Object row, Follower follower, HttpServletRequest request) {
        if (!(row instanceof Map<?, ?> found)) {
            throw ApiException.notFound("No call with this id");
        }
        CallState state = CallState.fromRow(found);
        admit(follower);
        Stream stream;
        try {
            AsyncContext async = request.startAsync();
            async.setTimeout(settings.maxLifetime().plus(CONTAINER_GRACE).toMillis());
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            response.setStatus(200);
            response.setContentType("text/event-stream;charset=UTF-8");
            response.setHeader("Cache-Control", "no-cache, no-transform");
            response.setHeader("X-Accel-Buffering", "no");   // nginx: pass each event on at once
            stream = new Stream(state.id(), follower.capKey(), async, response.getOutputStream(),
                    System.nanoTime() + settings.maxLifetime().toNanos());
            async.addListener(stream);
        } catch (IOException | RuntimeException e) {
            release(follower.capKey());
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        streams.add(stream);
        if (!stream.send(state)) {
            end(stream, null);
        } else if (state.over()) {
            end(stream, "call_over");
        } else if (stopping) {
            end(stream, "shutdown");   // stop() ran while this one was opening
        }
        return null;
    }

    /** Heartbeats for quiet streams; streams past their lifetime are ended (the widget opens a new one). */
    public void keepAlive() {
        long now = System.nanoTime();
        for (Stream stream : streams) {
            if (now - stream.deadline >= 0) {
                end(stream, "max_lifetime");
            } else if (now - stream.lastWrite >= settings.heartbeat().toNanos() && !stream.write(": keep-alive\n\n")) {
                end(stream, null);
            }
        }
    }

    /** Every call followed here now, or null when none is. */
    public FollowedCalls followedCalls() {
        Set<UUID> ids = new LinkedHashSet<>();
        streams.forEach(stream -> ids.add(stream.callId));
        return ids.isEmpty() ? null : new FollowedCalls(Set.copyOf(ids));
    }

    /**
     * The rows of the calls that were {@code followed} when they were read: a changed status is sent; a call that is
     * over (or gone) ends its streams. A stream opened since has its call's current status already, so it waits for
     * the next poll rather than hear of a call missing from rows that were read before it.
     */
    public void deliver(List<Map<String, Object>> rows, FollowedCalls followed) {
        Map<UUID, CallState> states = new HashMap<>();
        rows.forEach(row -> {
            CallState state = CallState.fromRow(row);
            states.put(state.id(), state);
        });
        for (Stream stream : streams) {
            if (!followed.ids().contains(stream.callId)) {
                continue;
            }
            CallState state = states.get(stream.callId);
            if (state == null) {
                end(stream, "not_found");   // deleted (retention) while followed
            } else if (!stream.send(state)) {
                end(stream, null);
            } else if (state.over()) {
                end(stream, "call_over");
            }
        }
    }

    /** The database did not answer this poll: the streams keep their last status and heartbeats; logged once a minute. */
    public void pollFailed(Exception failure) {
        Instant now = Instant.now();
        if (Duration.between(lastFailureLogged, now).compareTo(FAILURE_LOG_EVERY) >= 0) {
            lastFailureLogged = now;
            LOG.warn("Live call status: could not read the followed calls ({}); {} stream(s) keep their last status",
                    failure == null ? "unknown" : failure.getClass().getSimpleName(), streams.size());
        }
    }

    /** How many streams are open on this instance (tests, metrics). */
    public int openStreams() {
        return streams.size();
    }

    private synchronized void admit(Follower follower) {
        if (stopping) {
            throw new ApiException(503, "shutting_down", "This instance is shutting down; poll GET /calls/{id} or try again");
        }
        if (open >= settings.maxStreams()) {
            throw new ApiException(503, "streams_busy", "This instance follows " + settings.maxStreams()
                    + " calls live already; poll GET /calls/{id} instead");
        }
        int cap = follower.widget() ? settings.maxPerRep() : settings.maxPerKey();
        int mine = byFollower.getOrDefault(follower.capKey(), 0);
        if (mine >= cap) {
            throw new ApiException(429, "too_many_streams", "At most " + cap + " live status streams per "
                    + (follower.widget() ? "rep" : "API key") + " at once; close one or poll GET /calls/{id}");
        }
        byFollower.put(follower.capKey(), mine + 1);
        open++;
    }

    private synchronized void release(String capKey) {
        byFollower.computeIfPresent(capKey, (k, n) -> n <= 1 ? null : n - 1);
        open--;
    }

    /** Ends a stream: an {@code end} event with the reason (none when the client is gone), then the response. */
    private void end(Stream stream, String reason) {
        if (reason != null) {
            stream.write("event: end\ndata: {\"reason\":\"" + reason + "\"}\n\n");
        }
        stream.close();
    }

    private void forget(Stream stream) {
        if (stream.released.compareAndSet(false, true)) {
            streams.remove(stream);
            release(stream.capKey);
        }
    }

    // ---- shutdown: streams end before the web server waits for open requests -----------------------------------

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        stopping = true;
        int ended = streams.size();
        streams.forEach(stream -> end(stream, "shutdown"));
        running = false;
        if (ended > 0) {
            LOG.info("Live call status: {} stream(s) ended for shutdown", ended);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** One open stream; its writes are serialised (the request thread writes the first event, the tick the rest). */
    private final class Stream implements AsyncListener {
        final UUID callId;
        final String capKey;
        final AsyncContext async;
        final ServletOutputStream out;
        final long deadline;
        final AtomicBoolean released = new AtomicBoolean();
        volatile long lastWrite = System.nanoTime();
        private String sent;
        private int sentRank = -1;
        private boolean closed;

        Stream(UUID callId, String capKey, AsyncContext async, ServletOutputStream out, long deadline) {
            this.callId = callId;
            this.capKey = capKey;
            this.async = async;
            this.out = out;
            this.deadline = deadline;
        }

        /**
         * A status event when the status or duration changed; false when the client is gone. A row read before this
         * stream's first event may be older than it: a call's rank only grows, so a lower one is not sent.
         */
        synchronized boolean send(CallState state) {
            String seen = state.status() + "/" + state.durationMs();
            if (seen.equals(sent) || state.rank() < sentRank) {
                return !closed;
            }
            sent = seen;
            sentRank = state.rank();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", state.id().toString());
            data.put("status", state.status());
            data.put("duration_ms", state.durationMs());
            try {
                return write("event: status\ndata: " + JSON.writeValueAsString(data) + "\n\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized boolean write(String text) {
            if (closed) {
                return false;
            }
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastWrite = System.nanoTime();
                return true;
            } catch (IOException | RuntimeException clientGone) {
                return false;
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    async.complete();
                } catch (RuntimeException alreadyOver) {
                    // the container ended it first (client gone, timeout)
                }
            }
            forget(this);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            forget(this);
        }

        // Completing here keeps the container from an error dispatch on a response that is already a stream.
        @Override
        public void onTimeout(AsyncEvent event) {
            close();
        }

        @Override
        public void onError(AsyncEvent event) {
            close();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }
    }
}
