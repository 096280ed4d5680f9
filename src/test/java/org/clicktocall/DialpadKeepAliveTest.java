package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server closing idle keep-alive connections is not Dialpad being down. This Dialpad stub closes a connection
 * after 1 s without traffic (as many load balancers do, only sooner); before, the pool reused such dead
 * connections (HttpClient validates only after 2 s idle), every click on one got NoHttpResponseException, and the
 * breaker opened on a healthy Dialpad.
 */
class DialpadKeepAliveTest extends ServiceTest {

    /** Closes idle connections after one second; enough threads that the stub itself never queues 256 clicks. */
    private static final WireMockServer STUB = new WireMockServer(options().dynamicPort()
            .jettyIdleTimeout(1000L).containerThreads(300));

    static {
        STUB.start();
    }

    @DynamicPropertySource
    static void pointAtTheStubThatClosesIdleConnections(DynamicPropertyRegistry registry) {
        registry.add("test.dialpad-base-url", STUB::baseUrl);
    }

    @AfterAll
    static void stopStub() {
        STUB.stop();
    }

    @BeforeEach
    void healthyStub() {
        STUB.resetAll();
        STUB.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"4242\"}")));
    }

    @Test
    void burstsSeparatedByPausesLongerThanTheServersIdleTimeoutNeverFallBack() throws Exception {
        connectRep("rep-keepalive");
        String click = "{\"rep_id\": \"rep-keepalive\", \"to_number\": \"5558000001\"}";
        List<Answer> answers = new ArrayList<>();

        for (int burst = 0; burst < 5; burst++) {
            if (burst > 0) {
                Thread.sleep(1500);   // the stub has closed every pooled connection by now
            }
            answers.addAll(concurrently(16, click));
        }

        Map<String, Integer> outcomes = outcomes(answers);
        System.out.printf("Keep-alive bursts (5 x 16 clicks, 1.5 s pauses, stub closes idle connections after 1 s): %s;"
                + " breaker %s, %d failed calls recorded%n", outcomes, breaker().getCircuitBreakerState(),
                breaker().getNumberOfFailedCalls());
        assertThat(outcomes).containsOnlyKeys("201 dialpad");
        assertThat(STUB.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).hasSize(80);
        assertThat(DIALPAD.getAllServeEvents()).as("the shared stub is not in play here").isEmpty();
        assertThat(breaker().getNumberOfFailedCalls()).isZero();
        assertThat(breaker().getCircuitBreakerState()).isEqualTo("CLOSED");
    }

    @Test
    void twoHundredFiftySixConcurrentClicksReachAHealthyDialpad() throws Exception {
        connectRep("rep-256");
        String click = "{\"rep_id\": \"rep-256\", \"to_number\": \"5558000002\"}";
        concurrently(8, click);
        Thread.sleep(1500);   // the warm connections go stale first, as after a quiet minute

        List<Answer> answers = concurrently(256, click);

        Map<String, Integer> outcomes = outcomes(answers);
        int reached = STUB.findAll(postRequestedFor(urlEqualTo("/api/v2/call"))).size() - 8;
        long viaDialpad = outcomes.getOrDefault("201 dialpad", 0);
        System.out.printf("256 concurrent clicks against a healthy stub: %s; %d reached Dialpad (%.1f%%);"
                + " breaker %s%n", outcomes, reached, 100.0 * viaDialpad / 256, breaker().getCircuitBreakerState());
        assertThat(viaDialpad).as("share of clicks Dialpad rang: %s", outcomes).isGreaterThanOrEqualTo(254);   // >= 99 %
        assertThat(reached).isEqualTo((int) viaDialpad);
        assertThat(breaker().getCircuitBreakerState()).isEqualTo("CLOSED");
    }

    /** "status action" (or "status error-code") → how many answers. */
    private static Map<String, Integer> outcomes(List<Answer> answers) {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Answer answer : answers) {
            var json = answer.json();
            String what = json.has("action") ? json.get("action").asText()
                    + (json.get("reason").isNull() ? "" : " " + json.get("reason").asText())
                    : json.at("/error/code").asText();
            outcomes.merge(answer.status() + " " + what, 1, Integer::sum);
        }
        return outcomes;
    }

    private List<Answer> concurrently(int count, String click) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Callable<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                calls.add(() -> postCall(click));
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
}
