package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.DialpadSpec;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/**
 * POST /calls/{id}/hangup: Dialpad is asked as the call's rep, the row notes it, and what cannot be hung up is a 4xx;
 * a widget token hangs up its own rep's calls only.
 */
class HangUpTest extends ServiceTest {

    @Test
    void hangsUpARingingCallAsItsRep() {
        String id = placedCall("rep-hangup", "7000000000000001");
        DIALPAD.resetRequests();
        DIALPAD.stubFor(put("/api/v2/call/7000000000000001/actions/hangup").willReturn(okJson("{}")));

        Answer answer = hangUp(id);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        System.out.println("README hang-up: " + answer.body());
        assertThat(answer.json().get("id").asText()).isEqualTo(id);
        assertThat(answer.json().get("hangup_requested_at").asText()).isNotBlank();
        List<LoggedRequest> requests = dialpadRequests();
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getMethod().getName()).isEqualTo("PUT");
        assertThat(request.getUrl()).isEqualTo("/api/v2/call/7000000000000001/actions/hangup");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        DialpadSpec.assertConforms(request);
        assertThat(callRow(id).get("hangup_requested_at")).isNotNull();
        assertThat(answer.body()).doesNotContain(ACCESS_TOKEN);
    }

    @Test
    void refusesWhatCannotBeHungUpWithoutAskingDialpad() {
        assertThat(hangUp("8f4c2a4e-0000-4000-8000-000000000000").status()).isEqualTo(404);
        assertThat(hangUp("not-a-call").status()).isEqualTo(404);

        String ended = placedCall("rep-hangup-ended", "7000000000000002");
        jdbc.update("UPDATE calls SET status = 'ended', status_rank = 5 WHERE id = ?::uuid", ended);
        String noDialpadId = placedCall("rep-hangup-none", "7000000000000003");
        jdbc.update("UPDATE calls SET external_call_id = NULL WHERE id = ?::uuid", noDialpadId);
        DIALPAD.resetRequests();

        Answer over = hangUp(ended);
        assertThat(over.status()).isEqualTo(409);
        System.out.println("README hang-up-over: " + over.body());
        assertThat(over.json().at("/error/code").asText()).isEqualTo("call_over");
        Answer none = hangUp(noDialpadId);
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.json().at("/error/code").asText()).isEqualTo("no_dialpad_call");
        assertThat(dialpadRequests()).isEmpty();
        assertThat(callRow(ended).get("hangup_requested_at")).isNull();
        assertThat(send("POST", "/calls/" + ended + "/hangup", null).status()).isEqualTo(401);
    }

    @Test
    void dialpadRefusingIsABadGatewayAndNothingIsNoted() {
        String id = placedCall("rep-hangup-refused", "7000000000000004");
        DIALPAD.stubFor(put("/api/v2/call/7000000000000004/actions/hangup").willReturn(aResponse().withStatus(500)));
        Answer answer = hangUp(id);
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("dialpad_error");
        assertThat(callRow(id).get("hangup_requested_at")).isNull();
    }

    @Test
    void aWidgetTokenHangsUpItsOwnRepsCallAsThatRep() {
        String id = placedCall("rep-hangup-widget", "7000000000000005");
        DIALPAD.resetRequests();
        DIALPAD.stubFor(put("/api/v2/call/7000000000000005/actions/hangup").willReturn(okJson("{}")));
        String token = widgetToken("rep-hangup-widget");

        Answer answer = send("POST", "/calls/" + id + "/hangup", null, "Authorization", "Bearer " + token,
                "Origin", WIDGET_ORIGIN);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(WIDGET_ORIGIN);
        assertThat(answer.json().get("id").asText()).isEqualTo(id);
        List<LoggedRequest> requests = dialpadRequests();
        assertThat(requests).hasSize(1);
        // Dialpad is asked with the rep's own Dialpad token, never with the widget's.
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        DialpadSpec.assertConforms(requests.get(0));
        assertThat(callRow(id).get("hangup_requested_at")).isNotNull();
        assertThat(answer.body()).doesNotContain(token);
    }

    @Test
    void aWidgetTokenCannotHangUpAnotherRepsCall() {
        String others = placedCall("rep-hangup-other", "7000000000000006");
        DIALPAD.resetRequests();
        String token = widgetToken("rep-hangup-mine");

        Answer answer = send("POST", "/calls/" + others + "/hangup", null, "Authorization", "Bearer " + token,
                "Origin", WIDGET_ORIGIN);

        // 404, not 403: to a widget another rep's call does not exist, so a guessed id reveals nothing.
        assertThat(answer.status()).isEqualTo(404);
        System.out.println("README hang-up-other-rep: " + answer.body());
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("not_found");
        assertThat(dialpadRequests()).isEmpty();
        assertThat(callRow(others).get("hangup_requested_at")).isNull();
        // ...and a token from another page's origin is refused before anything is looked up.
        Answer otherOrigin = send("POST", "/calls/" + others + "/hangup", null, "Authorization", "Bearer " + token,
                "Origin", "https://evil.example.net");
        assertThat(otherOrigin.status()).isEqualTo(403);
    }

    private String widgetToken(String repId) {
        return widgetToken(repId, WIDGET_ORIGIN);
    }

    private String placedCall(String repId, String dialpadCallId) {
        connectRep(repId);
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"" + dialpadCallId + "\"}")));
        Answer placed = postCall("{\"rep_id\": \"" + repId + "\", \"to_number\": \"+12125550199\"}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String id = placed.json().get("id").asText();
        assertThat(callRow(id)).containsEntry("external_call_id", dialpadCallId);
        return id;
    }

    private Answer hangUp(String id) {
        return send("POST", "/calls/" + id + "/hangup", null, "X-API-Key", CRM_KEY);
    }
}
