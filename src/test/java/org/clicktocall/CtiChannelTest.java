package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.support.SqlSteps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code "channel": "cti"}: Dialpad's embedded dialer in the rep's browser places the call once the answer allows
 * it; this service applies the call policy, logs the call and never asks Dialpad's API.
 */
class CtiChannelTest extends ServiceTest {

    @AfterEach
    void forgetListedNumbers() {
        jdbc.update("DELETE FROM do_not_call WHERE number LIKE '+1208555%'");
    }

    @Test
    void aCtiClickIsLoggedAsInitiatedWithoutAskingDialpadsApi() {
        connectRep("rep-cti");
        int before = callCount();

        Answer answer = postCall("{\"rep_id\": \"rep-cti\", \"to_number\": \"(555) 731-0001\", \"channel\": \"cti\","
                + " \"contact_id\": \"contact_7\"}");

        assertThat(answer.status()).isEqualTo(201);
        System.out.println("README cti: " + answer.body());
        JsonNode body = answer.json();
        assertThat(body.get("action").asText()).isEqualTo("cti");
        assertThat(body.get("status").asText()).isEqualTo("initiated");
        assertThat(body.get("reason").isNull()).isTrue();
        assertThat(body.get("message").asText()).isEqualTo("Calling +15557310001 via Dialpad");
        assertThat(dialpadRequests()).as("the embedded dialer places the call, not Dialpad's API").isEmpty();
        assertThat(callCount()).isEqualTo(before + 1);
        assertThat(callRow(body.get("id").asText())).containsEntry("status", "initiated").containsEntry("channel", "cti")
                .containsEntry("related_contact_id", "contact_7").containsEntry("dialpad_user_id", DIALPAD_USER_ID);
        Answer stored = send("GET", "/calls/" + body.get("id").asText(), null, "X-API-Key", CRM_KEY);
        assertThat(stored.json().get("channel").asText()).isEqualTo("cti");
        assertThat(stored.json().get("action").asText()).isEqualTo("cti");
    }

    @Test
    void aCtiClickNeedsNoDialpadTokenButThePolicyStillApplies() {
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+12085550110')");

        Answer allowed = postCall("{\"rep_id\": \"rep-cti-no-token\", \"to_number\": \"5557310002\", \"channel\": \"cti\"}");
        Answer blocked = postCall("{\"rep_id\": \"rep-cti-no-token\", \"to_number\": \"+12085550110\", \"channel\": \"cti\"}");

        assertThat(allowed.json().get("action").asText()).isEqualTo("cti");
        assertThat(callRow(allowed.json().get("id").asText())).containsEntry("status", "initiated")
                .containsEntry("channel", "cti");
        assertThat(blocked.status()).isEqualTo(201);
        assertThat(blocked.json().get("action").asText()).isEqualTo("blocked");
        assertThat(blocked.json().get("reason").asText()).isEqualTo("do_not_call");
        assertThat(callRow(blocked.json().get("id").asText())).containsEntry("status", "blocked")
                .containsEntry("channel", "cti");
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void aCtiClickCostsTwoStatements() {
        SqlSteps steps = SqlSteps.of(camel);
        assertThat(steps.runBy(() -> postCall("{\"rep_id\": \"rep-cti-sql\", \"to_number\": \"5557310003\", \"channel\": \"cti\"}")))
                .containsExactly("finish-call.sql", "start-click.sql");
    }

    @Test
    void anUnknownChannelIsRefused() {
        int before = callCount();
        Answer answer = postCall("{\"rep_id\": \"rep-cti\", \"to_number\": \"5557310004\", \"channel\": \"sms\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(answer.json().at("/error/message").asText()).contains("channel");
        assertThat(callCount()).isEqualTo(before);
    }

}
