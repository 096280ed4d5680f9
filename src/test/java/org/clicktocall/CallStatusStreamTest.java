package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.clicktocall.live.CallStatusStreams;
import org.clicktocall.support.EventStream;
import org.clicktocall.support.EventStream.Event;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * GET /calls/{id}/events: a call's live status follows its row in PostgreSQL, whoever wrote it (an event that reached
 * another instance, or a statement straight to the database), and the streams are bounded: caps per rep, per key and
 * in total, a lifetime, heartbeats, and a clean end when the instance stops.
 */
// Small caps and short times, so the bounds are reached in a test's time.
@TestPropertySource(properties = {"calls.streams.max-streams=5", "calls.streams.max-per-rep=2",
        "calls.streams.max-per-key=2", "calls.streams.max-lifetime=6s", "calls.streams.heartbeat=1s",
        "calls.streams.poll-interval=200ms"})
class CallStatusStreamTest extends ServiceTest {

    private static final Duration SOON = Duration.ofSeconds(5);
    private static final String SECOND_CRM_KEY = "second-crm-key-0123456789";
    private static final AtomicLong DIALPAD_CALL_IDS = new AtomicLong(7_300_000_000_000_000L);

    @Autowired
    CallStatusStreams streams;
    @Autowired
    EmbeddedPostgres postgres;

    private final List<EventStream> opened = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        opened.forEach(EventStream::close);
        await().atMost(SOON).until(() -> streams.openStreams() == 0);
    }

    /** A call Dialpad is ringing for the rep (WireMock answered with a call id); returns (our id, Dialpad's). */
    private String[] ringingCall(String repId) {
        connectRep(repId);
        String dialpadId = String.valueOf(DIALPAD_CALL_IDS.incrementAndGet());
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"" + dialpadId + "\"}")));
        Answer placed = postCall("{\"rep_id\": \"" + repId + "\", \"to_number\": \"+12125550123\"}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        return new String[] {placed.json().get("id").asText(), dialpadId};
    }

    private EventStream follow(int toPort, String id, String... headers) {
        EventStream stream = EventStream.open(toPort, "/calls/" + id + "/events", headers);
        opened.add(stream);
        return stream;
    }

    private EventStream followWithKey(String id) {
        return follow(port, id, "X-API-Key", CRM_KEY);
    }

    private String widgetToken(String repId) {
        return widgetToken(repId, WIDGET_ORIGIN);
    }

    private EventStream followAsWidget(String id, String token) {
        return follow(port, id, "Authorization", "Bearer " + token, "Origin", WIDGET_ORIGIN);
    }

    private static void assertStatus(Event event, String status) {
        assertThat(event.name()).as(event.toString()).isEqualTo("status");
        assertThat(event.data().get("status").asText()).as(event.toString()).isEqualTo(status);
    }

    @Test
    void theStreamFollowsTheRowAsAnotherInstanceWouldWriteIt() {
        String id = ringingCall("rep-stream-db")[0];
        EventStream stream = followWithKey(id);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        Event first = stream.next(SOON);
        assertStatus(first, "initiated");
        assertThat(first.data().get("id").asText()).isEqualTo(id);

        // Written straight to the database, as another instance's events route would: no in-memory path exists.
        jdbc.update("UPDATE calls SET status = 'ringing', status_rank = 2, updated_at = now() WHERE id = ?::uuid", id);
        Event ringing = stream.next(SOON);
        assertStatus(ringing, "ringing");
        jdbc.update("UPDATE calls SET status = 'connected', status_rank = 3, updated_at = now() WHERE id = ?::uuid", id);
        Event connected = stream.next(SOON);
        assertStatus(connected, "connected");
        jdbc.update("UPDATE calls SET status = 'ended', status_rank = 5, duration_ms = 65000, updated_at = now()"
                + " WHERE id = ?::uuid", id);
        Event ended = stream.next(SOON);
        assertStatus(ended, "ended");
        assertThat(ended.data().get("duration_ms").asLong()).isEqualTo(65000);
        Event end = stream.next(SOON);
        assertThat(end.name()).isEqualTo("end");
        assertThat(end.data().get("reason").asText()).isEqualTo("call_over");
        assertThat(stream.endsWithin(SOON)).as("the server ends the response").isTrue();
        for (Event event : List.of(first, ringing, connected, ended, end)) {
            System.out.println("README stream: event: " + event.name() + " data: " + event.data());
        }
        await().atMost(SOON).until(() -> streams.openStreams() == 0);
    }

    @Test
    void aCallAlreadyOverGetsItsStatusAndTheEndAtOnce() {
        String id = ringingCall("rep-stream-over")[0];
        jdbc.update("UPDATE calls SET status = 'missed', status_rank = 5 WHERE id = ?::uuid", id);

        EventStream stream = followWithKey(id);

        assertStatus(stream.next(SOON), "missed");
        assertThat(stream.next(SOON).data().get("reason").asText()).isEqualTo("call_over");
        assertThat(stream.endsWithin(SOON)).isTrue();
    }

    @Test
    void unknownCallsAndMissingKeysAreRefusedInTheUsualShape() {
        EventStream unknown = followWithKey("8f4c2a4e-0000-4000-8000-000000000000");
        EventStream notAnId = followWithKey("not-a-call");
        String id = ringingCall("rep-stream-nokey")[0];
        EventStream noKey = follow(port, id);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error().at("/error/code").asText()).isEqualTo("not_found");
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.error().at("/error/code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void aWidgetTokenFollowsItsOwnRepsCallsOnly() {
        String own = ringingCall("rep-stream-a")[0];
        String others = ringingCall("rep-stream-b")[0];
        String token = widgetToken("rep-stream-a");

        EventStream mine = followAsWidget(own, token);
        EventStream theirs = followAsWidget(others, token);

        assertThat(mine.status()).isEqualTo(200);
        assertStatus(mine.next(SOON), "initiated");
        // Not 403: to a widget, another rep's call does not exist, so a guessed id tells nothing.
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.error().at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void streamsAreCappedPerRepPerKeyAndInTotalAndAClosedOneFreesItsPlace() {
        String id = ringingCall("rep-stream-cap")[0];
        String token = widgetToken("rep-stream-cap");

        EventStream repFirst = followAsWidget(id, token);
        followAsWidget(id, token);
        EventStream repThird = followAsWidget(id, token);
        followWithKey(id);
        followWithKey(id);
        EventStream keyThird = followWithKey(id);
        follow(port, id, "X-API-Key", SECOND_CRM_KEY);   // the fifth: the instance is full
        EventStream sixth = follow(port, id, "X-API-Key", SECOND_CRM_KEY);

        assertThat(repThird.status()).isEqualTo(429);
        assertThat(repThird.error().at("/error/code").asText()).isEqualTo("too_many_streams");
        assertThat(repThird.error().at("/error/message").asText()).contains("per rep");
        assertThat(keyThird.status()).isEqualTo(429);
        assertThat(keyThird.error().at("/error/message").asText()).contains("per API key");
        assertThat(sixth.status()).isEqualTo(503);
        assertThat(sixth.error().at("/error/code").asText()).isEqualTo("streams_busy");
        assertThat(streams.openStreams()).isEqualTo(5);
        // Five streams open, and no request thread held for them (servlet async): none is inside a servlet filter chain.
        await().atMost(SOON).until(() -> threadsServingARequest() == 0);

        // A tab closed: its stream is noticed gone at a heartbeat (1 s here), long before its lifetime (6 s).
        long closed = System.nanoTime();
        repFirst.close();
        await().atMost(Duration.ofSeconds(4)).until(() -> streams.openStreams() == 4);
        System.out.println("stream: a closed client was released after " + (System.nanoTime() - closed) / 1_000_000 + " ms");
        EventStream again = follow(port, id, "X-API-Key", SECOND_CRM_KEY);
        assertThat(again.status()).isEqualTo(200);
    }

    @Test
    void aQuietStreamGetsHeartbeatsAndEndsAtItsLifetime() {
        String id = ringingCall("rep-stream-life")[0];
        long opened = System.nanoTime();
        EventStream stream = followWithKey(id);
        assertStatus(stream.next(SOON), "initiated");

        Event end = stream.next(Duration.ofSeconds(10));

        long ms = (System.nanoTime() - opened) / 1_000_000;
        assertThat(end.name()).isEqualTo("end");
        assertThat(end.data().get("reason").asText()).isEqualTo("max_lifetime");
        assertThat(ms).isBetween(5_500L, 9_000L);
        assertThat(stream.comments()).hasSizeGreaterThanOrEqualTo(3).allMatch(c -> c.startsWith(":"));
        assertThat(stream.endsWithin(SOON)).isTrue();
    }

    @Test
    void anEventThatReachesAnotherInstanceReachesTheStreamAndAStoppingInstanceEndsItsStreams() throws Exception {
        String[] call = ringingCall("rep-stream-two");
        EventStream here = followWithKey(call[0]);
        assertStatus(here.next(SOON), "initiated");
        ConfigurableApplicationContext second = secondInstance();
        try {
            int secondPort = ((ServletWebServerApplicationContext) second).getWebServer().getPort();
            EventStream there = follow(secondPort, call[0], "X-API-Key", CRM_KEY);
            assertStatus(there.next(SOON), "initiated");

            // Dialpad's event is delivered to the second instance; the stream on this one shows it.
            Answer delivered = send(secondPort, "POST", "/dialpad/events",
                    signedCallEvent(call[1], "ringing", call[0], Map.of()), "Content-Type", "application/jwt");
            assertThat(delivered.json().get("outcome").asText()).isEqualTo("applied");
            assertStatus(here.next(SOON), "ringing");
            assertStatus(there.next(SOON), "ringing");

            long stopping = System.nanoTime();
            second.close();
            long stopMs = (System.nanoTime() - stopping) / 1_000_000;
            Event end = there.next(SOON);
            assertThat(end.name()).isEqualTo("end");
            assertThat(end.data().get("reason").asText()).isEqualTo("shutdown");
            assertThat(there.endsWithin(SOON)).isTrue();
            // The graceful shutdown did not wait for the stream (it would have waited up to 30 s).
            assertThat(stopMs).isLessThan(15_000);
            System.out.println("stream: the second instance stopped in " + stopMs + " ms with a stream open");
        } finally {
            second.close();
        }
        // This instance's stream goes on.
        deliverCallEvent(call[1], "connected", call[0], Map.of());
        assertStatus(here.next(SOON), "connected");
    }

    private static long threadsServingARequest() {
        return Thread.getAllStackTraces().values().stream().filter(stack -> Arrays.stream(stack)
                .anyMatch(frame -> frame.getClassName().equals("org.apache.catalina.core.ApplicationFilterChain"))).count();
    }

    private Answer send(int toPort, String method, String path, String body, String... headers) {
        int saved = port;
        port = toPort;
        try {
            return send(method, path, body, headers);
        } finally {
            port = saved;
        }
    }

    /** A second instance of the service on the same database, as behind a balancer. */
    private ConfigurableApplicationContext secondInstance() throws Exception {
        Files.createDirectories(Path.of("target/test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target/test-data"), "stream-second-");
        return new SpringApplicationBuilder(ClickToCallApplication.class).run(
                "--server.port=0", "--spring.autoconfigure.exclude=" + NO_WEB_SECURITY,
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--app.data-dir=" + dataDir,
                "--calls.api-keys=" + CRM_KEY,
                "--calls.admin-api-keys=" + ADMIN_KEY,
                "--tokens.encryption-key=" + ENCRYPTION_KEY,
                "--dialpad.base-url=" + DIALPAD.baseUrl(),
                "--dialpad.webhook.secret=" + WEBHOOK_SECRET,
                "--calls.streams.poll-interval=200ms");
    }
}
