package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.DialpadSpec;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.support.SqlSteps;
import org.junit.jupiter.api.Test;

/**
 * A click's own {@code outbound_caller_id}: checked against the rep's caller ids at Dialpad (like the saved
 * preference) before anything is claimed or logged, and sent to Dialpad's call request under the name Dialpad's
 * OpenAPI gives it. A click without one costs nothing more.
 */
class ClickCallerIdTest extends ServiceTest {

    private static final String CALLER_IDS = "/api/v2/users/" + DIALPAD_USER_ID + "/caller_id";

    private void dialpadListsTheRepsCallerIds() {
        DIALPAD.stubFor(get(urlEqualTo(CALLER_IDS)).willReturn(okJson("""
                {"id": %s, "caller_id": "+14155550100", "primary_phone": "+14155550100",
                 "phone_numbers": ["+14155550100", "+14155550101"], "office_main_line": "+14155550199",
                 "groups": [{"caller_id": "+14155550150", "display_name": "Sales"}]}""".formatted(DIALPAD_USER_ID))));
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"7200000000000001\"}")));
    }

    @Test
    void aCallerIdDialpadListsForTheRepIsSentWithTheCall() {
        connectRep("rep-caller-id");
        dialpadListsTheRepsCallerIds();

        Answer answer = postCall("{\"rep_id\": \"rep-caller-id\", \"to_number\": \"5557310005\","
                + " \"outbound_caller_id\": \"(415) 555-0150\"}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.json().get("action").asText()).isEqualTo("dialpad");
        LoggedRequest list = DIALPAD.findAll(getRequestedFor(urlEqualTo(CALLER_IDS))).get(0);
        assertThat(list.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        DialpadSpec.assertConforms(list);
        LoggedRequest call = DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call"))).get(0);
        // Dialpad's field for it, as its OpenAPI names it (RingCallMessage.outbound_caller_id), in E.164
        assertThat(json(call.getBodyAsString()).get("outbound_caller_id").asText()).isEqualTo("+14155550150");
        DialpadSpec.assertConforms(call);
        assertThat(answer.json().get("dialpad_uri").asText()).endsWith("&crmLogging=0&fromNumber=%2B14155550150");
    }

    @Test
    void aCallerIdThatIsNotTheRepsIsA400AndChangesNothing() {
        connectRep("rep-caller-id-bad");
        dialpadListsTheRepsCallerIds();
        int before = callCount();

        Answer answer = send("POST", "/calls", "{\"rep_id\": \"rep-caller-id-bad\", \"to_number\": \"5557310006\","
                + " \"outbound_caller_id\": \"+14155559999\"}", "X-API-Key", CRM_KEY, "Content-Type", "application/json",
                "Idempotency-Key", "bad-caller-id-1");

        assertThat(answer.status()).isEqualTo(400);
        System.out.println("README invalid-caller-id: " + answer.body());
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("invalid_caller_id");
        assertThat(answer.json().at("/error/message").asText()).contains("not one of the rep's caller ids");
        assertThat(callCount()).isEqualTo(before);
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).as("nothing dialled").isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE idem_key = 'bad-caller-id-1'",
                Integer.class)).as("not even the Idempotency-Key is claimed").isZero();
        Answer malformed = postCall("{\"rep_id\": \"rep-caller-id-bad\", \"to_number\": \"5557310006\","
                + " \"outbound_caller_id\": \"call me\"}");
        assertThat(malformed.json().at("/error/code").asText()).isEqualTo("invalid_caller_id");
        Answer withCti = postCall("{\"rep_id\": \"rep-caller-id-bad\", \"to_number\": \"5557310006\","
                + " \"outbound_caller_id\": \"+14155550100\", \"channel\": \"cti\"}");
        assertThat(withCti.status()).isEqualTo(400);
        assertThat(callCount()).isEqualTo(before);
    }

    @Test
    void theRepsSavedCallerIdNeedsNoDialpadRequestAndAClickWithoutOneNoneAtAll() {
        connectRep("rep-caller-id-saved");
        jdbc.update("UPDATE dialpad_tokens SET outbound_caller_id = '+14155550101' WHERE rep_id = 'rep-caller-id-saved'");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"7200000000000002\"}")));
        SqlSteps steps = SqlSteps.of(camel);

        // the saved one was checked against Dialpad when it was saved (and again on reconnect): one token read
        assertThat(steps.runBy(() -> postCall("{\"rep_id\": \"rep-caller-id-saved\", \"to_number\": \"5557310007\","
                + " \"outbound_caller_id\": \"+1 415 555 0101\"}")))
                .containsExactly("find-rep-token.sql", "finish-call.sql", "start-click.sql");
        assertThat(DIALPAD.findAll(getRequestedFor(urlEqualTo(CALLER_IDS)))).isEmpty();
        // without the field: the two statements of every click, the saved caller id sent
        assertThat(steps.runBy(() -> postCall("{\"rep_id\": \"rep-caller-id-saved\", \"to_number\": \"5557310008\"}")))
                .containsExactly("finish-call.sql", "start-click.sql");
        assertThat(DIALPAD.findAll(getRequestedFor(urlEqualTo(CALLER_IDS)))).isEmpty();
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).hasSize(2)
                .allSatisfy(call -> assertThat(json(call.getBodyAsString()).get("outbound_caller_id").asText())
                        .isEqualTo("+14155550101"));
    }

    @Test
    void whenDialpadCannotListTheCallerIdsTheClickGoesOnAndDialpadDecides() {
        connectRep("rep-caller-id-down");
        DIALPAD.stubFor(get(urlEqualTo(CALLER_IDS)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(403)
                .withBody("{\"error\": {\"message\": \"Invalid outbound caller id\"}}")));

        Answer answer = postCall("{\"rep_id\": \"rep-caller-id-down\", \"to_number\": \"5557310009\","
                + " \"outbound_caller_id\": \"+14155550177\"}");

        // not turned away for a list that could not be read: Dialpad's own check of the call refused it
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("action").asText()).isEqualTo("tel");
        assertThat(answer.json().get("reason").asText()).isEqualTo("forbidden");
        assertThat(json(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call"))).get(0).getBodyAsString())
                .get("outbound_caller_id").asText()).isEqualTo("+14155550177");
    }

    @Test
    void aRepWithoutDialpadGetsThePhoneLinkWhateverCallerIdTheClickNames() {
        Answer answer = postCall("{\"rep_id\": \"rep-caller-id-none\", \"to_number\": \"5557310010\","
                + " \"outbound_caller_id\": \"+14155550100\"}");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("reason").asText()).isEqualTo("not_connected");
        // it could not be checked, so it is not offered as the Dialpad app's caller id either
        assertThat(answer.json().get("dialpad_uri").asText()).doesNotContain("fromNumber");
        assertThat(dialpadRequests()).isEmpty();
    }
}
