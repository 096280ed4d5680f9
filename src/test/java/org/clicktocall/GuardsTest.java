package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;

/** Double clicks, retries and Dialpad's per-user limit never turn into extra calls, on one instance or two. */
// takeover after 2 s instead of 60 s, so a retry after an abandoned claim can be tested
@TestPropertySource(properties = {"calls.duplicate-window-ms=10000", "calls.budget.calls=5",
        "calls.idempotency-takeover-seconds=2"})
class GuardsTest extends ServiceTest {

    @Autowired
    EmbeddedPostgres postgres;

    private Answer postWithKey(String key, String body) {
        return postWithKey(port, CRM_KEY, key, body);
    }

    private Answer postWithKey(int toPort, String apiKey, String key, String body) {
        int saved = port;
        port = toPort;
        try {
            return send("POST", "/calls", body, "X-API-Key", apiKey, "Content-Type", "application/json", "Idempotency-Key", key);
        } finally {
            port = saved;
        }
    }

    private int rowsFor(String repId) {
        return jdbc.queryForObject("SELECT count(*) FROM calls WHERE rep_id = ?", Integer.class, repId);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndDialsOnce() {
        connectRep("rep-idem");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"301\"}")));
        String body = "{\"rep_id\": \"rep-idem\", \"to_number\": \"5552000001\"}";

        Answer first = postWithKey("key-1", body);
        Answer retry = postWithKey("key-1", body.replace("5552000001", "(555) 200-0001"));

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(dialpadRequests()).hasSize(1);
        assertThat(rowsFor("rep-idem")).isEqualTo(1);
    }

    @Test
    void theSameKeyWithADifferentRequestIs422AndChangesNothing() {
        connectRep("rep-idem-422");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"302\"}")));
        postWithKey("key-2", "{\"rep_id\": \"rep-idem-422\", \"to_number\": \"5552000002\"}");

        Answer other = postWithKey("key-2", "{\"rep_id\": \"rep-idem-422\", \"to_number\": \"5552000003\"}");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().at("/error/code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(dialpadRequests()).hasSize(1);
        assertThat(rowsFor("rep-idem-422")).isEqualTo(1);
    }

    @Test
    void keysAreScopedToTheApiKeyThatSentThem() {
        connectRep("rep-idem-scope");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"303\"}")));
        String body = "{\"rep_id\": \"rep-idem-scope\", \"to_number\": \"5552000004\"}";

        Answer one = postWithKey(port, CRM_KEY, "shared-key", body);
        Answer two = postWithKey(port, "second-crm-key-0123456789", "shared-key", body.replace("5552000004", "5552000005"));

        assertThat(one.json().get("id").asText()).isNotEqualTo(two.json().get("id").asText());
        assertThat(dialpadRequests()).hasSize(2);
    }

    @Test
    void manyConcurrentRequestsWithOneKeyDialOnce() throws Exception {
        connectRep("rep-idem-burst");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"304\"}").withFixedDelay(300)));
        String body = "{\"rep_id\": \"rep-idem-burst\", \"to_number\": \"5552000006\"}";

        List<Answer> answers = concurrently(24, i -> postWithKey("burst-key", body));

        assertThat(dialpadRequests()).hasSize(1);
        assertThat(rowsFor("rep-idem-burst")).isEqualTo(1);
        Set<String> ids = new HashSet<>();
        for (Answer answer : answers) {
            assertThat(answer.status()).isIn(201, 409);
            if (answer.status() == 201) {
                ids.add(answer.json().get("id").asText());
            } else {
                assertThat(answer.json().at("/error/code").asText()).isEqualTo("idempotency_in_flight");
            }
        }
        assertThat(ids).hasSize(1);
        System.out.printf("Concurrent Idempotency-Key burst: 24 requests, %d Dialpad request(s), %d answered 201, %d answered 409%n",
                dialpadRequests().size(), answers.stream().filter(a -> a.status() == 201).count(),
                answers.stream().filter(a -> a.status() == 409).count());
    }

    @Test
    void aDoubleClickWithoutAKeyAnswersWithTheFirstCall() throws Exception {
        connectRep("rep-double");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"305\"}").withFixedDelay(200)));
        String body = "{\"rep_id\": \"rep-double\", \"to_number\": \"5552000007\"}";

        List<Answer> answers = concurrently(12, i -> postCall(body));
        Answer later = postCall(body.replace("5552000007", "555-200-0007"));

        assertThat(dialpadRequests()).hasSize(1);
        assertThat(rowsFor("rep-double")).isEqualTo(1);
        String firstId = jdbc.queryForObject("SELECT id::text FROM calls WHERE rep_id = 'rep-double'", String.class);
        for (Answer answer : answers) {
            assertThat(answer.status()).isIn(200, 201);
            assertThat(answer.json().get("id").asText()).isEqualTo(firstId);
        }
        assertThat(answers.stream().filter(a -> a.status() == 201)).hasSize(1);
        assertThat(later.status()).isEqualTo(200);
        assertThat(later.header("Location")).isEqualTo("/calls/" + firstId);
        assertThat(later.json().get("duplicate").asBoolean()).isTrue();
        assertThat(later.json().get("status").asText()).isEqualTo("initiated");
        assertThat(later.json().get("dialpad_call_id").asText()).isEqualTo("305");
    }

    @Test
    void anIdempotencyKeyWhoseAnswerCouldNotBeSavedNeverDialsAgain() throws Exception {
        connectRep("rep-idem-blip");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"308\"}")));
        String body = "{\"rep_id\": \"rep-idem-blip\", \"to_number\": \"5552000008\"}";
        // a database blip at the moment the answer is saved, after Dialpad answered
        jdbc.execute("CREATE FUNCTION test_blip() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN RAISE EXCEPTION 'database blip'; END $$");
        jdbc.execute("CREATE TRIGGER test_blip BEFORE UPDATE ON idempotency_keys FOR EACH ROW"
                + " WHEN (NEW.state = 'done') EXECUTE FUNCTION test_blip()");
        try {
            Answer first = postWithKey("blip-key", body);

            assertThat(first.status()).as("the phone rings: no 503 for the click").isEqualTo(201);
            assertThat(first.json().get("action").asText()).isEqualTo("dialpad");
            assertThat(jdbc.queryForObject("SELECT state FROM idempotency_keys WHERE idem_key = 'blip-key'", String.class))
                    .isEqualTo("in_flight");

            Thread.sleep(2500);   // past the takeover period: the claim looks abandoned now
            Answer retry = postWithKey("blip-key", body);

            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
            assertThat(retry.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
            assertThat(retry.json().get("action").asText()).isEqualTo("dialpad");
            assertThat(retry.json().get("dialpad_call_id").asText()).isEqualTo("308");
            assertThat(dialpadRequests()).as("Dialpad was asked exactly once").hasSize(1);
            assertThat(rowsFor("rep-idem-blip")).isEqualTo(1);
        } finally {
            jdbc.execute("DROP TRIGGER test_blip ON idempotency_keys");
            jdbc.execute("DROP FUNCTION test_blip()");
        }
    }

    @Test
    void aClaimAbandonedBeforeItsCallWasLoggedIsTakenOverAndDials() throws Exception {
        connectRep("rep-idem-abandoned");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"309\"}")));
        String body = "{\"rep_id\": \"rep-idem-abandoned\", \"to_number\": \"5552000009\"}";
        postWithKey("abandoned-key", body);
        // as if that request's instance had died between claiming the key and logging its call
        jdbc.update("UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL,"
                + " call_id = gen_random_uuid(), claimed_at = now() - interval '3 seconds' WHERE idem_key = 'abandoned-key'");

        Answer retry = postWithKey("abandoned-key", body);

        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isNull();
        assertThat(retry.json().get("action").asText()).isEqualTo("dialpad");
        assertThat(dialpadRequests()).hasSize(2);
    }

    @Test
    void aRetryAfterAFallbackWhereNothingWasDialledIsANewAttempt() {
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"310\"}")));
        String body = "{\"rep_id\": \"rep-retry-after-fallback\", \"to_number\": \"5552000010\"}";
        Answer notConnected = postCall(body);
        assertThat(notConnected.json().get("reason").asText()).isEqualTo("not_connected");

        connectRep("rep-retry-after-fallback");
        Answer retry = postCall(body);

        assertThat(retry.status()).as("a new call, not the first click's answer").isEqualTo(201);
        assertThat(retry.json().has("duplicate")).isFalse();
        assertThat(retry.json().get("action").asText()).isEqualTo("dialpad");
        assertThat(retry.json().get("id").asText()).isNotEqualTo(notConnected.json().get("id").asText());
        assertThat(dialpadRequests()).hasSize(1);

        // Dialpad unreachable (the breaker is open): nothing rings, so the retry within the window dials
        String other = "{\"rep_id\": \"rep-retry-after-fallback\", \"to_number\": \"5552000011\"}";
        breaker().getCircuitBreaker().transitionToForcedOpenState();
        Answer unavailable = postCall(other);
        assertThat(unavailable.json().get("reason").asText()).isEqualTo("dialpad_unavailable");
        breaker().getCircuitBreaker().reset();

        Answer again = postCall(other);

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("action").asText()).isEqualTo("dialpad");
        assertThat(dialpadRequests()).hasSize(2);
    }

    @Test
    void aRetryAfterAnUnconfirmedCallIsNotDialledAgain() {
        connectRep("rep-retry-after-503");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(503)));
        String body = "{\"rep_id\": \"rep-retry-after-503\", \"to_number\": \"5552000012\"}";
        Answer first = postCall(body);
        assertThat(first.json().get("action").asText()).isEqualTo("unconfirmed");

        Answer retry = postCall(body);

        // Dialpad had the first request and may be ringing the rep: the retry is told so, and not dialled again
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().get("action").asText()).isEqualTo("unconfirmed");
        assertThat(retry.json().get("message").asText()).startsWith("Dialpad may still ring your phone");
        assertThat(dialpadRequests()).hasSize(1);
    }

    @Test
    void theSixthCallInAMinuteIsRateLimitedWithoutReachingDialpad() {
        connectRep("rep-budget");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"306\"}")));
        for (int i = 0; i < 5; i++) {
            Answer allowed = postCall("{\"rep_id\": \"rep-budget\", \"to_number\": \"555300000" + i + "\"}");
            assertThat(allowed.json().get("action").asText()).isEqualTo("dialpad");
        }

        Answer sixth = postCall("{\"rep_id\": \"rep-budget\", \"to_number\": \"5553000009\"}");

        assertThat(sixth.status()).isEqualTo(201);
        assertThat(sixth.json().get("action").asText()).isEqualTo("tel");
        assertThat(sixth.json().get("reason").asText()).isEqualTo("rate_limited");
        assertThat(sixth.json().get("retry_after_seconds").asInt()).isBetween(50, 60);
        assertThat(dialpadRequests()).hasSize(5);
        assertThat(callRow(sixth.json().get("id").asText())).containsEntry("status", "fallback")
                .containsEntry("fallback_reason", "rate_limited");
        assertThat(breaker().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void dialpads429BlocksTheRepForItsRetryAfter() {
        connectRep("rep-429");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));

        Answer limited = postCall("{\"rep_id\": \"rep-429\", \"to_number\": \"5554000001\"}");
        Answer next = postCall("{\"rep_id\": \"rep-429\", \"to_number\": \"5554000002\"}");

        assertThat(limited.json().get("reason").asText()).isEqualTo("rate_limited");
        assertThat(limited.json().get("retry_after_seconds").asInt()).isEqualTo(120);
        assertThat(next.json().get("reason").asText()).isEqualTo("rate_limited");
        assertThat(next.json().get("retry_after_seconds").asInt()).isBetween(110, 120);
        assertThat(dialpadRequests()).as("the blocked rep's next click never reached Dialpad").hasSize(1);
        assertThat(breaker().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void dialpads429WithoutRetryAfterBlocksForSixtySeconds() {
        connectRep("rep-429b");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(429)));

        Answer limited = postCall("{\"rep_id\": \"rep-429b\", \"to_number\": \"5554000003\"}");

        assertThat(limited.json().get("retry_after_seconds").asInt()).isEqualTo(60);
    }

    @Test
    void oneIdempotencyKeyAcrossTwoInstancesDialsOnce() throws Exception {
        connectRep("rep-two-instances");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"307\"}").withFixedDelay(300)));
        try (ConfigurableApplicationContext second = secondInstance()) {
            int secondPort = ((ServletWebServerApplicationContext) second).getWebServer().getPort();
            String body = "{\"rep_id\": \"rep-two-instances\", \"to_number\": \"5555000001\"}";

            List<Answer> answers = concurrently(16, i -> postWithKey(i % 2 == 0 ? port : secondPort, CRM_KEY, "two-key", body));

            assertThat(dialpadRequests()).hasSize(1);
            assertThat(rowsFor("rep-two-instances")).isEqualTo(1);
            assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(201, 409));
        }
    }

    @Test
    void aClickThePolicyRefusesGivesItsCallStartBack() {
        connectRep("rep-budget-blocked");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"308\"}")));
        // 07:30 in Los Angeles, 08:30 in Boise: +1 208 is in both zones, so outside calling hours
        clock.set(java.time.Instant.parse("2026-01-14T15:30:00Z"));

        Answer blocked = postCall("{\"rep_id\": \"rep-budget-blocked\", \"to_number\": \"+12085550120\"}");

        assertThat(blocked.json().get("reason").asText()).isEqualTo("outside_calling_hours");
        assertThat(jdbc.queryForObject("SELECT cardinality(starts) FROM rep_call_budget WHERE rep_id = ?",
                Integer.class, "rep-budget-blocked")).isZero();
        for (int i = 0; i < 5; i++) {
            Answer allowed = postCall("{\"rep_id\": \"rep-budget-blocked\", \"to_number\": \"555302000" + i + "\"}");
            assertThat(allowed.json().get("action").asText()).isEqualTo("dialpad");
        }
        assertThat(dialpadRequests()).hasSize(5);
    }

    @Test
    void aNumberListedThroughOneInstanceIsBlockedOnTheOtherAndReplaysTheSameOnBoth() throws Exception {
        connectRep("rep-dnc-two");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"309\"}")));
        assertThat(send("PUT", "/admin/do-not-call/%2B12085550121", null, "X-API-Key", ADMIN_KEY).status()).isEqualTo(200);
        try (ConfigurableApplicationContext second = secondInstance()) {
            int secondPort = ((ServletWebServerApplicationContext) second).getWebServer().getPort();
            String body = "{\"rep_id\": \"rep-dnc-two\", \"to_number\": \"+12085550121\"}";

            Answer there = postWithKey(secondPort, CRM_KEY, "dnc-two-key", body);
            Answer here = postWithKey(port, CRM_KEY, "dnc-two-key", body);

            assertThat(there.json().get("reason").asText()).isEqualTo("do_not_call");
            assertThat(here.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(here.body()).isEqualTo(there.body());
            assertThat(rowsFor("rep-dnc-two")).isEqualTo(1);
            assertThat(dialpadRequests()).isEmpty();
        } finally {
            jdbc.update("DELETE FROM do_not_call WHERE number = '+12085550121'");
        }
    }

    /** A second instance of the service on the same database (as operations run several behind a balancer). */
    private ConfigurableApplicationContext secondInstance() {
        // command-line arguments: they outrank config/application.yaml, as the test's own properties do
        return new SpringApplicationBuilder(ClickToCallApplication.class).run(
                "--server.port=0", "--spring.autoconfigure.exclude=" + org.clicktocall.support.ServiceTest.NO_WEB_SECURITY,
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--app.data-dir=target/test-data/second-instance",
                "--calls.api-keys=" + CRM_KEY,
                "--calls.admin-api-keys=" + ADMIN_KEY,
                "--tokens.encryption-key=" + ENCRYPTION_KEY,
                "--dialpad.base-url=" + DIALPAD.baseUrl(),
                "--calls.duplicate-window-ms=10000",
                "--calls.budget.calls=5");
    }

    private static List<Answer> concurrently(int count, IntFunction task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Callable<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                calls.add(() -> task.apply(n));
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface IntFunction {
        Answer apply(int i);
    }
}
