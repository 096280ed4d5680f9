package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A rep reconnects Dialpad (perhaps as another Dialpad user): the saved caller id and device survive only if
 * Dialpad lists them for the account now connected.
 */
class PreferencesOnReconnectTest extends ServiceTest {

    private static final String NEW_ACCESS = "FAKE-RECONNECTED-ACCESS-41c2";

    /** The rep connected once, chose a caller id and a device, then reconnects as Dialpad user {@code userId}. */
    private Answer reconnect(String repId, String userId, String callerId, String deviceId) {
        connectRep(repId);
        jdbc.update("UPDATE dialpad_tokens SET outbound_caller_id = ?, device_id = ? WHERE rep_id = ?",
                callerId, deviceId, repId);
        Answer start = send("POST", "/reps/" + repId + "/dialpad/connect", null, "X-API-Key", CRM_KEY);
        String state = URLDecoder.decode(UriComponentsBuilder.fromUriString(start.json().get("authorize_url").asText())
                .build().getQueryParams().getFirst("state"), StandardCharsets.UTF_8);
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "%s", "token_type": "bearer", "expires_in": 3600, "refresh_token": "FAKE-R-1"}"""
                .formatted(NEW_ACCESS))));
        DIALPAD.stubFor(get("/api/v2/users/me").willReturn(okJson("""
                {"id": "%s", "emails": ["rep@example.com"], "display_name": "Rep"}""".formatted(userId))));
        return send("GET", "/oauth/dialpad/callback?code=c1&state=" + state, null);
    }

    private void dialpadLists(String userId, String callerIds, String devices) {
        DIALPAD.stubFor(get(urlEqualTo("/api/v2/users/" + userId + "/caller_id")).willReturn(okJson("""
                {"id": %s, "primary_phone": "+14155550100", "phone_numbers": %s}""".formatted(userId, callerIds))));
        DIALPAD.stubFor(get(urlPathEqualTo("/api/v2/userdevices")).willReturn(okJson("""
                {"items": %s}""".formatted(devices))));
    }

    private Map<String, Object> preferences(String repId) {
        return jdbc.queryForMap("SELECT outbound_caller_id, device_id, status, dialpad_user_id FROM dialpad_tokens"
                + " WHERE rep_id = ?", repId);
    }

    @Test
    void choicesDialpadStillListsSurvive() {
        dialpadLists("5105429914877801", "[\"+14155550101\"]", "[{\"id\": \"dev-desk-1\", \"type\": \"yealink\"}]");

        Answer answer = reconnect("rep-reconnect-same", "5105429914877801", "+14155550101", "dev-desk-1");

        assertThat(answer.header("Location")).endsWith("?dialpad=connected");
        assertThat(preferences("rep-reconnect-same")).containsEntry("outbound_caller_id", "+14155550101")
                .containsEntry("device_id", "dev-desk-1").containsEntry("dialpad_user_id", "5105429914877801");
        // asked as the account now connected
        assertThat(DIALPAD.findAll(getRequestedFor(urlEqualTo("/api/v2/users/5105429914877801/caller_id"))).get(0)
                .getHeader("Authorization")).isEqualTo("Bearer " + NEW_ACCESS);
    }

    @Test
    void choicesDialpadNoLongerListsAreDropped() {
        // another Dialpad account: other numbers; the device is still there
        dialpadLists("5105429914877802", "[\"+14155550222\"]", "[{\"id\": \"dev-desk-1\", \"type\": \"yealink\"}]");

        Answer answer = reconnect("rep-reconnect-other", "5105429914877802", "+14155550101", "dev-desk-1");

        assertThat(answer.header("Location")).endsWith("?dialpad=connected");
        assertThat(preferences("rep-reconnect-other")).containsEntry("outbound_caller_id", null)
                .containsEntry("device_id", "dev-desk-1");
    }

    @Test
    void whenDialpadCannotListThemBothAreDroppedAndTheRepIsStillConnected() {
        DIALPAD.stubFor(get(urlEqualTo("/api/v2/users/5105429914877803/caller_id")).willReturn(aResponse().withStatus(500)));

        Answer answer = reconnect("rep-reconnect-down", "5105429914877803", "+14155550101", "dev-desk-1");

        assertThat(answer.header("Location")).endsWith("?dialpad=connected");
        assertThat(preferences("rep-reconnect-down")).containsEntry("status", "active")
                .containsEntry("outbound_caller_id", null).containsEntry("device_id", null);
    }

    @Test
    void withNothingSavedDialpadIsNotAskedForLists() {
        Answer answer = reconnect("rep-reconnect-plain", "5105429914877804", null, null);

        assertThat(answer.header("Location")).endsWith("?dialpad=connected");
        assertThat(DIALPAD.findAll(getRequestedFor(urlPathEqualTo("/api/v2/userdevices")))).isEmpty();
        assertThat(dialpadRequests()).noneMatch(request -> request.getUrl().endsWith("/caller_id"));
    }
}
