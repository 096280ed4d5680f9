package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.DialpadSpec;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rep's caller ids and devices from Dialpad, and the choice among them stored on the rep's token row. */
class DialpadOptionsTest extends ServiceTest {

    private static final String REP = "rep-options";

    @BeforeEach
    void dialpadListsTheRepsOptions() {
        connectRep(REP);
        DIALPAD.stubFor(get(urlEqualTo("/api/v2/users/" + DIALPAD_USER_ID + "/caller_id")).willReturn(okJson("""
                {"id": %s, "caller_id": "+14155550100", "primary_phone": "+14155550100",
                 "phone_numbers": ["+14155550100", "+14155550101"], "office_main_line": "+14155550199",
                 "groups": [{"caller_id": "+14155550150", "display_name": "Sales"}]}""".formatted(DIALPAD_USER_ID))));
        DIALPAD.stubFor(get(urlPathEqualTo("/api/v2/userdevices")).willReturn(okJson("""
                {"items": [{"id": "dev-desk-1", "type": "yealink", "display_name": "Desk phone", "phone_number": "+14155550100"},
                           {"id": "dev-app-2", "type": "native", "display_name": "Laptop"}]}""")));
    }

    @Test
    void listsTheCallerIdsAndDevicesDialpadHasForTheRep() {
        Answer answer = send("GET", "/reps/" + REP + "/dialpad/options", null, "X-API-Key", CRM_KEY);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        System.out.println("README options: " + answer.body());
        assertThat(answer.json().get("caller_ids").findValuesAsText("number"))
                .containsExactly("+14155550100", "+14155550101", "+14155550199", "+14155550150");
        assertThat(answer.json().get("caller_ids").get(3).get("group").asText()).isEqualTo("Sales");
        assertThat(answer.json().get("devices").findValuesAsText("id")).containsExactly("dev-desk-1", "dev-app-2");
        assertThat(answer.body()).doesNotContain(ACCESS_TOKEN);
        assertThat(dialpadRequests()).hasSize(2).allSatisfy(request -> {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
            DialpadSpec.assertConforms(request);
        });
        assertThat(dialpadRequests()).extracting(LoggedRequest::getUrl).contains("/api/v2/userdevices?user_id=" + DIALPAD_USER_ID);
    }

    @Test
    void storesAChoiceDialpadListsAndRefusesOthers() {
        Answer saved = preferences("{\"outbound_caller_id\": \"+14155550150\", \"device_id\": \"dev-desk-1\"}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        System.out.println("README preferences: " + saved.body());
        assertThat(saved.json().get("outbound_caller_id").asText()).isEqualTo("+14155550150");
        assertThat(stored()).containsEntry("outbound_caller_id", "+14155550150").containsEntry("device_id", "dev-desk-1");

        Answer wrongNumber = preferences("{\"outbound_caller_id\": \"+14155559999\"}");
        assertThat(wrongNumber.status()).isEqualTo(400);
        System.out.println("README preferences-invalid: " + wrongNumber.body());
        assertThat(wrongNumber.json().at("/error/code").asText()).isEqualTo("invalid_caller_id");
        Answer wrongDevice = preferences("{\"device_id\": \"someone-elses\"}");
        assertThat(wrongDevice.status()).isEqualTo(400);
        assertThat(wrongDevice.json().at("/error/code").asText()).isEqualTo("invalid_device_id");
        DIALPAD.resetRequests();
        Answer unknownField = preferences("{\"caller\": \"+14155550100\"}");
        assertThat(unknownField.json().at("/error/code").asText()).isEqualTo("unknown_field");
        assertThat(dialpadRequests()).isEmpty();
        assertThat(stored()).containsEntry("outbound_caller_id", "+14155550150").containsEntry("device_id", "dev-desk-1");

        // A field left out is kept; null clears one.
        Answer cleared = preferences("{\"device_id\": null}");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(stored()).containsEntry("outbound_caller_id", "+14155550150").containsEntry("device_id", null);
    }

    @Test
    void aRepWithoutDialpadIsAConflict() {
        Answer answer = send("GET", "/reps/rep-never-connected/dialpad/options", null, "X-API-Key", CRM_KEY);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("dialpad_not_connected");
    }

    private Answer preferences(String json) {
        return send("PUT", "/reps/" + REP + "/dialpad/preferences", json, "X-API-Key", CRM_KEY,
                "Content-Type", "application/json");
    }

    private Map<String, Object> stored() {
        return jdbc.queryForMap("SELECT outbound_caller_id, device_id FROM dialpad_tokens WHERE rep_id = ?", REP);
    }
}
