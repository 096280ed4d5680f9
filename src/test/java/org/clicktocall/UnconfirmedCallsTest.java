package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.apache.camel.ProducerTemplate;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A response timeout or a 5xx after Dialpad had the request may mean the rep's phone is ringing: the answer says
 * so (unconfirmed, with the tel: link in case it does not), and the call stays open so that Dialpad's events (matched
 * by our id in custom_data) and the sweep still move it. Before, these were final tel: fallbacks that events ignored.
 */
class UnconfirmedCallsTest extends ServiceTest {

    private static long nextDialpadId = 7_100_000_000_000_000L;

    @Autowired
    ProducerTemplate producer;

    private Answer deliver(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8)));
        return send("POST", "/dialpad/events", jwt.serialize(), "Content-Type", "application/jwt");
    }

    /** A call event as Dialpad sends it for a call it started: its own call id, our id in custom_data. */
    private static JWTClaimsSet event(String dialpadId, String state, String ourId) {
        return new JWTClaimsSet.Builder().claim("call_id", Long.parseLong(dialpadId)).claim("state", state)
                .claim("custom_data", ourId).claim("direction", "outbound")
                .claim("event_timestamp", System.currentTimeMillis()).issueTime(new Date()).build();
    }

    private void assertUnconfirmed(Answer answer, String reason) {
        assertThat(answer.status()).isEqualTo(201);
        JsonNode body = answer.json();
        assertThat(body.get("action").asText()).isEqualTo("unconfirmed");
        assertThat(body.get("status").asText()).isEqualTo("unconfirmed");
        assertThat(body.get("reason").asText()).isEqualTo(reason);
        assertThat(body.get("tel_uri").asText()).isEqualTo("tel:+15557000001");
        assertThat(body.get("message").asText())
                .isEqualTo("Dialpad may still ring your phone for +15557000001; if it does not, call from your phone");
        Map<String, Object> row = callRow(body.get("id").asText());
        assertThat(row).containsEntry("status", "unconfirmed").containsEntry("fallback_reason", reason);
        assertThat(((Number) row.get("status_rank")).intValue()).as("open, not a final fallback").isEqualTo(1);
        // Dialpad had exactly this request, with our id to match its events by
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.custom_data", equalTo(body.get("id").asText()))))).hasSize(1);
    }

    @Test
    void aResponseTimeoutIsUnconfirmedAndDialpadsEventsStillMoveTheCall() throws Exception {
        connectRep("rep-unconfirmed-timeout");
        // past the 1 s response timeout of the tests
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"1\"}").withFixedDelay(2500)));

        Answer answer = postCall("{\"rep_id\": \"rep-unconfirmed-timeout\", \"to_number\": \"5557000001\"}");

        assertUnconfirmed(answer, "dialpad_timeout");
        String id = answer.json().get("id").asText();
        String dialpadId = String.valueOf(++nextDialpadId);

        Answer ringing = deliver(event(dialpadId, "ringing", id));
        assertThat(ringing.json().get("outcome").asText()).isEqualTo("applied");
        assertThat(callRow(id)).containsEntry("status", "ringing").containsEntry("external_call_id", dialpadId);

        deliver(event(dialpadId, "hangup", id));
        JsonNode stored = send("GET", "/calls/" + id, null, "X-API-Key", CRM_KEY).json();
        assertThat(stored.get("status").asText()).isEqualTo("ended");
        assertThat(stored.get("action").asText()).as("Dialpad did place it").isEqualTo("dialpad");
    }

    @Test
    void a503AfterTheRequestIsUnconfirmedAndAnEventMovesTheCall() throws Exception {
        connectRep("rep-unconfirmed-503");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(503).withBody("upstream busy")));

        Answer answer = postCall("{\"rep_id\": \"rep-unconfirmed-503\", \"to_number\": \"5557000001\"}");

        assertUnconfirmed(answer, "dialpad_error");
        String id = answer.json().get("id").asText();
        assertThat(send("GET", "/calls/" + id, null, "X-API-Key", CRM_KEY).json().get("action").asText())
                .isEqualTo("unconfirmed");

        Answer connected = deliver(event(String.valueOf(++nextDialpadId), "connected", id));

        assertThat(connected.json().get("outcome").asText()).isEqualTo("applied");
        assertThat(callRow(id)).containsEntry("status", "connected");
        String metrics = send("GET", "/actuator/prometheus", null).body();
        assertThat(metrics).containsPattern("clicktocall_calls_total\\{[^}]*action=\"unconfirmed\"[^}]*reason=\"dialpad_error\"");
    }

    @Test
    void theSweepClosesAnUnconfirmedCallItNeverHearsAbout() {
        connectRep("rep-unconfirmed-sweep");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(502)));
        String id = postCall("{\"rep_id\": \"rep-unconfirmed-sweep\", \"to_number\": \"5557000001\"}").json().get("id").asText();
        jdbc.update("UPDATE calls SET started_at = now() - interval '3 hours' WHERE id = ?::uuid", id);

        producer.sendBody("direct:sweep-calls", null);

        assertThat(callRow(id)).containsEntry("status", "unknown");
    }
}
