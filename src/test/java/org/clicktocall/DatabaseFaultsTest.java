package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.awaitility.Awaitility;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.support.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database fails under the service: the network path goes silent (a real TCP proxy that stops forwarding
 * without closing anything), or PostgreSQL restarts while clicks are arriving. Every click is answered within its
 * bound, readiness says so, the service recovers by itself, and every call Dialpad received has exactly one row.
 */
class DatabaseFaultsTest extends ServiceTest {

    private static final Path PG_DIR;
    private static final int PG_PORT;
    private static final TcpProxy PROXY;
    private static EmbeddedPostgres postgres;

    static {
        try {
            Files.createDirectories(Path.of("target/test-data"));
            PG_DIR = Files.createTempDirectory(Path.of("target/test-data"), "faults-pg-");
            postgres = EmbeddedPostgres.builder().setDataDirectory(PG_DIR).setCleanDataDirectory(false).start();
            PG_PORT = postgres.getPort();
            PROXY = new TcpProxy(PG_PORT);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void databaseBehindTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + PROXY.port() + "/postgres");
        registry.add("spring.datasource.username", () -> "postgres");
    }

    @AfterAll
    static void stop() throws IOException {
        PROXY.close();
        postgres.close();
    }

    private static final String CLICK = "{\"rep_id\": \"rep-faults\", \"to_number\": \"5551234567\"}";

    @Test
    void aSilentNetworkDropIsAnsweredWithinFiveSecondsAndTheServiceRecoversByItself() {
        givenDialpadAndAConnectedRep();
        assertThat(postCall(CLICK).status()).isEqualTo(201);

        PROXY.dropSilently();
        try {
            long start = System.nanoTime();
            Answer click = postCall(CLICK);
            long clickMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(click.status()).isEqualTo(503);
            assertThat(click.json().get("tel_uri").asText()).isEqualTo("tel:+15551234567");
            assertThat(clickMs).as("ms to answer a click during a silent drop").isLessThan(5000);
            System.out.printf("silent drop: click answered 503 in %d ms%n", clickMs);

            start = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> send("GET", "/actuator/health/readiness", null).status() == 503);
            System.out.printf("silent drop: readiness DOWN after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(send("GET", "/actuator/health/liveness", null).status()).isEqualTo(200);
        } finally {
            PROXY.heal();
        }
        long healed = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> postCall(CLICK).status() == 201);
        System.out.printf("silent drop: clicks through again %d ms after the network came back%n",
                (System.nanoTime() - healed) / 1_000_000);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> send("GET", "/actuator/health/readiness", null).status() == 200);
    }

    @Test
    void postgresRestartedUnderLoadLosesNothingAndDoublesNothing() throws Exception {
        givenDialpadAndAConnectedRep();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> postCall(CLICK).status() == 201);

        List<long[]> answers = Collections.synchronizedList(new ArrayList<>());   // {startedAtMs, status, ms, action dialpad?}
        List<String> badAnswers = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        long t0 = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(12);
        for (int i = 0; i < 12; i++) {
            clients.submit(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    Answer answer = postCall(CLICK);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    boolean dialled = answer.status() == 201 && "dialpad".equals(answer.json().path("action").asText());
                    answers.add(new long[] {(start - t0) / 1_000_000, answer.status(), ms, dialled ? 1 : 0});
                    boolean telInHand = answer.status() == 503 && answer.json().path("tel_uri").asText().startsWith("tel:");
                    if (!(answer.status() == 201 || telInHand)) {
                        badAnswers.add(answer.status() + " " + answer.body());
                    }
                }
            });
        }
        Thread.sleep(3000);
        long stopAt = (System.nanoTime() - t0) / 1_000_000;
        postgres.close();
        Thread.sleep(1000);
        postgres = EmbeddedPostgres.builder().setPort(PG_PORT).setDataDirectory(PG_DIR).setCleanDataDirectory(false).start();
        long backAt = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(15_000);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        long slowest = answers.stream().mapToLong(a -> a[2]).max().orElse(0);
        long unavailable = answers.stream().filter(a -> a[1] == 503).count();
        long firstDialledAfterRestart = answers.stream().filter(a -> a[0] >= backAt && a[3] == 1)
                .mapToLong(a -> a[0] + a[2]).min().orElse(Long.MAX_VALUE);
        System.out.printf("restart: %d answers, %d x 503 with tel_uri, slowest %d ms; stopped at %d ms, back at %d ms,"
                + " first click through Dialpad %d ms after it was back%n", answers.size(), unavailable, slowest, stopAt,
                backAt, firstDialledAfterRestart - backAt);

        assertThat(badAnswers).isEmpty();
        assertThat(slowest).as("slowest answer, ms").isLessThan(3000);
        assertThat(unavailable).as("the restart was felt").isPositive();
        assertThat(firstDialledAfterRestart - backAt).as("ms until clicks reach Dialpad again").isLessThan(15_000);

        // every call Dialpad was asked to place is logged exactly once
        List<LoggedRequest> placed = DIALPAD.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/api/v2/call")));
        assertThat(placed).isNotEmpty();
        for (LoggedRequest request : placed) {
            String callId = json(request.getBodyAsString()).get("custom_data").asText();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM calls WHERE id = ?::uuid", Integer.class, callId))
                    .as("rows for call " + callId).isEqualTo(1);
        }
    }

    @Test
    void backgroundWorkCannotTakeTheConnectionsClicksNeed() throws Exception {
        givenDialpadAndAConnectedRep();
        List<java.sql.Connection> held = new ArrayList<>();
        try {
            // every connection background work may use is busy (a stuck sweep, a slow purge)...
            for (int i = 0; i < jobs.getMaximumPoolSize(); i++) {
                held.add(jobs.getConnection());
            }
            // ...so the scheduled work waits or fails on its own pool,
            Throwable sweep = org.assertj.core.api.Assertions.catchThrowable(() -> camel.createProducerTemplate()
                    .sendBody("direct:sweep-calls", null));
            assertThat(sweep).as("the sweep runs on the jobs pool").isNotNull();
            // ...while clicks go through at once on theirs.
            long start = System.nanoTime();
            Answer click = postCall(CLICK);
            assertThat(click.status()).isEqualTo(201);
            assertThat(click.json().get("action").asText()).isEqualTo("dialpad");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(1000);
        } finally {
            for (java.sql.Connection connection : held) {
                connection.close();
            }
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    @org.springframework.beans.factory.annotation.Qualifier("jobsDataSource")
    com.zaxxer.hikari.HikariDataSource jobs;

    private void givenDialpadAndAConnectedRep() {
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"6100000000000001\"}").withFixedDelay(20)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> connectRep("rep-faults"));
    }
}
