package org.clicktocall.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of a server-sent event stream ({@code GET /calls/{id}/events}), read line by line as a browser's fetch
 * would: each event (its name and JSON data) is queued as it arrives, comment lines (heartbeats) are counted, and
 * the end of the response is noted. A refused request keeps its status and body.
 */
public final class EventStream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event: its name and its data as JSON. */
    public record Event(String name, JsonNode data) {
    }

    private final int status;
    private final String contentType;
    private final String body;
    private final InputStream in;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private volatile boolean finished;
    private static final Object END_OF_STREAM = new Object();

    private EventStream(HttpResponse<InputStream> response) throws IOException {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.in = response.body();
        if (status != 200) {
            this.body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            in.close();
            this.finished = true;
            return;
        }
        this.body = null;
        Thread reader = new Thread(this::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code path} on {@code 127.0.0.1:port} with the given header pairs; returns once the headers arrived. */
    public static EventStream open(int port, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream").GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return new EventStream(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (name != null || data.length() > 0) {
                        events.add(new Event(name == null ? "message" : name, JSON.readTree(data.toString())));
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (IOException closed) {
            // closed by the test, or the connection dropped: either way the stream is over
        } finally {
            finished = true;
            events.add(END_OF_STREAM);
        }
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The error answer of a refused request. */
    public JsonNode error() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The next event within {@code wait}; fails when none comes or the stream ended. */
    public Event next(Duration wait) {
        try {
            Object next = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                throw new AssertionError("no event within " + wait);
            }
            if (next == END_OF_STREAM) {
                events.add(END_OF_STREAM);
                throw new AssertionError("the stream ended");
            }
            return (Event) next;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits up to {@code wait} for the server to end the response; true when it did. */
    public boolean endsWithin(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!finished && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return finished;
    }

    public List<String> comments() {
        return comments;
    }

    /** Hangs up, as a browser tab that is closed. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
