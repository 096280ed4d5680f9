package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.DialpadSpec;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** dialpad.call-mode=initiate: the rep's Dialpad app dials at once; Dialpad returns the device, no call id. */
@TestPropertySource(properties = "dialpad.call-mode=initiate")
class InitiateModeTest extends ServiceTest {

    @Test
    void theRepsAppIsAskedToDialAndTheCallIsCorrelatedByOurId() {
        connectRep("rep-initiate");
        String path = "/api/v2/users/" + DIALPAD_USER_ID + "/initiate_call";
        DIALPAD.stubFor(post(path).willReturn(okJson("""
                {"device": {"id": "+14155551001-user-2-client-native", "type": "native", "user_id": "%s"}}"""
                .formatted(DIALPAD_USER_ID))));

        Answer answer = postCall("{\"rep_id\": \"rep-initiate\", \"to_number\": \"(555) 123-4567\"}");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("action").asText()).as(answer.body() + dialpadRequests()).isEqualTo("dialpad");
        assertThat(answer.json().get("dialpad_call_id").isNull()).isTrue();
        String id = answer.json().get("id").asText();

        LoggedRequest request = dialpadRequests().get(0);
        assertThat(request.getUrl()).isEqualTo(path);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(json(request.getBodyAsString())).isEqualTo(json("""
                {"phone_number": "+15551234567", "custom_data": "%s"}""".formatted(id)));
        DialpadSpec.assertConforms(request);
        assertThat(callRow(id)).containsEntry("status", "initiated");
        assertThat(callRow(id).get("external_call_id")).isNull();
    }
}
