package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.DialpadSpec;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POST /calls in ring mode: each outcome as the CRM, Dialpad and the calls table see it. */
class PlaceCallTest extends ServiceTest {

    @org.springframework.beans.factory.annotation.Autowired
    org.clicktocall.routes.ParsedBeanCalls parsedBeanCalls;

    private static final String CLICK = """
            {"rep_id": "rep-ring", "to_number": "(555) 123-4567", "contact_id": "contact_123",
             "deal_id": "deal_456", "external_id": "crm-ref-1"}""";

    @Test
    void dialpadRingsTheRepAndTheCallIsLoggedAsInitiated() {
        connectRep("rep-ring");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"6342343299702784\"}")));

        Answer answer = postCall(CLICK);

        assertThat(answer.status()).isEqualTo(201);
        JsonNode body = answer.json();
        String id = body.get("id").asText();
        assertThat(answer.header("Location")).isEqualTo("/calls/" + id);
        assertThat(body.get("action").asText()).isEqualTo("dialpad");
        assertThat(body.get("status").asText()).isEqualTo("initiated");
        assertThat(body.get("to_number").asText()).isEqualTo("+15551234567");
        assertThat(body.get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        assertThat(body.get("dialpad_call_id").asText()).isEqualTo("6342343299702784");
        assertThat(body.get("reason").isNull()).isTrue();
        assertThat(body.get("message").asText()).isEqualTo("Calling +15551234567 via Dialpad");
        // Dialpad's app link, for a rep who runs the desktop app: our call id comes back in Dialpad's events
        assertThat(body.get("dialpad_uri").asText()).isEqualTo("dialpad://+15551234567?customData=" + id + "&crmLogging=0");

        List<LoggedRequest> sent = dialpadRequests();
        assertThat(sent).hasSize(1);
        LoggedRequest request = sent.get(0);
        assertThat(request.getUrl()).isEqualTo("/api/v2/call");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(json(request.getBodyAsString())).isEqualTo(json("""
                {"phone_number": "+15551234567", "user_id": %s, "custom_data": "%s"}""".formatted(DIALPAD_USER_ID, id)));
        DialpadSpec.assertConforms(request);

        Map<String, Object> row = callRow(id);
        assertThat(row).containsEntry("status", "initiated").containsEntry("external_call_id", "6342343299702784")
                .containsEntry("rep_id", "rep-ring").containsEntry("to_number", "+15551234567")
                .containsEntry("direction", "outbound").containsEntry("related_contact_id", "contact_123")
                .containsEntry("related_deal_id", "deal_456").containsEntry("external_id", "crm-ref-1")
                .containsEntry("dialpad_user_id", DIALPAD_USER_ID).containsEntry("dialpad_status", 200);
        assertThat(row.get("fallback_reason")).isNull();
    }

    @Test
    void aNumericCallIdFromDialpadIsKeptAsText() {
        connectRep("rep-numeric-id");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": 6342343299702785}")));

        Answer answer = postCall("{\"rep_id\": \"rep-numeric-id\", \"to_number\": \"+44 20 7946 0018\"}");

        assertThat(answer.json().get("dialpad_call_id").asText()).isEqualTo("6342343299702785");
        assertThat(answer.json().get("to_number").asText()).isEqualTo("+442079460018");
        assertThat(callRow(answer.json().get("id").asText())).containsEntry("external_call_id", "6342343299702785");
    }

    @Test
    void aCallIdDialpadRepeatsStillLogsEveryCall() {
        connectRep("rep-repeat");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"1000000000000001\"}")));

        String first = postCall("{\"rep_id\": \"rep-repeat\", \"to_number\": \"5551234567\"}").json().get("id").asText();
        String second = postCall("{\"rep_id\": \"rep-repeat\", \"to_number\": \"5551234568\"}").json().get("id").asText();

        assertThat(callRow(first)).containsEntry("status", "initiated").containsEntry("external_call_id", "1000000000000001");
        assertThat(callRow(second)).containsEntry("status", "initiated").containsEntry("external_call_id", "1000000000000001");
    }

    @Test
    void aRepWithoutDialpadGetsATelLinkAndDialpadIsNotAsked() {
        Answer answer = postCall("{\"rep_id\": \"rep-never-connected\", \"to_number\": \"555-123-4567\"}");

        assertThat(answer.status()).isEqualTo(201);
        JsonNode body = answer.json();
        assertThat(body.get("action").asText()).isEqualTo("tel");
        assertThat(body.get("status").asText()).isEqualTo("fallback");
        assertThat(body.get("reason").asText()).isEqualTo("not_connected");
        assertThat(body.get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        assertThat(body.get("message").asText()).isEqualTo("Opening phone: calling +15551234567");
        assertThat(body.get("dialpad_uri").asText())
                .isEqualTo("dialpad://+15551234567?customData=" + body.get("id").asText() + "&crmLogging=0");
        assertThat(body.get("dialpad_call_id").isNull()).isTrue();
        assertThat(dialpadRequests()).isEmpty();
        assertThat(callRow(body.get("id").asText())).containsEntry("status", "fallback")
                .containsEntry("fallback_reason", "not_connected").containsEntry("rep_id", "rep-never-connected");
    }

    @ParameterizedTest(name = "Dialpad {0} → tel: link with reason {2}")
    @CsvSource(delimiter = '|', value = {
            "401 | {\"error\": {\"message\": \"invalid token\"}}              | unauthorized",
            "403 | {\"error\": {\"message\": \"Forbidden\"}}                  | forbidden",
            "429 | {\"error\": {\"message\": \"Rate limit exceeded\"}}        | rate_limited",
            "400 | {\"error\": {\"message\": \"User is currently on a call\"}} | user_busy",
            "409 | User is currently on a call                                | user_busy",
            "404 | {\"error\": {\"message\": \"User not found\"}}             | dialpad_rejected"})
    void dialpadRefusalsAndFailuresGiveATelLinkWithTheReason(int status, String dialpadBody, String reason) {
        connectRep("rep-refused");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(status).withBody(dialpadBody)));

        Answer answer = postCall("{\"rep_id\": \"rep-refused\", \"to_number\": \"+1 555 123 4567\"}");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("action").asText()).isEqualTo("tel");
        assertThat(answer.json().get("reason").asText()).isEqualTo(reason);
        assertThat(answer.json().get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        // a 401 earns one token refresh and one retry (here the refresh fails, so the retry meets the same 401)
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).hasSize(status == 401 ? 2 : 1);
        Map<String, Object> row = callRow(answer.json().get("id").asText());
        assertThat(row).containsEntry("status", "fallback").containsEntry("fallback_reason", reason);
        assertThat(row.get("external_call_id")).isNull();
    }

    @Test
    void aDialpadThatHangsGivesAnUnconfirmedAnswerWithinTheResponseTimeout() {
        connectRep("rep-slow");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"1\"}").withFixedDelay(4000)));

        long start = System.nanoTime();
        Answer answer = postCall("{\"rep_id\": \"rep-slow\", \"to_number\": \"5551234567\"}");
        long millis = (System.nanoTime() - start) / 1_000_000;

        // Dialpad had the request: the phone may ring, so the CRM must not open a second dialer as if nothing did.
        assertThat(answer.json().get("action").asText()).isEqualTo("unconfirmed");
        assertThat(answer.json().get("reason").asText()).isEqualTo("dialpad_timeout");
        assertThat(millis).as("answered after the 1 s response timeout, not after Dialpad's 4 s").isLessThan(3000);
        assertThat(callRow(answer.json().get("id").asText())).containsEntry("status", "unconfirmed")
                .containsEntry("fallback_reason", "dialpad_timeout");
    }

    @Test
    void aConnectionDialpadDropsAfterTheRequestIsUnconfirmed() {
        connectRep("rep-reset");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        Answer answer = postCall("{\"rep_id\": \"rep-reset\", \"to_number\": \"5551234567\"}");

        // WireMock resets the connection after reading the whole request: Dialpad may have acted on it.
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("action").asText()).isEqualTo("unconfirmed");
        assertThat(answer.json().get("reason").asText()).isEqualTo("dialpad_error");
        assertThat(answer.json().get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        assertThat(callRow(answer.json().get("id").asText())).containsEntry("status", "unconfirmed");
    }

    @Test
    void whatTheCrmSendsAsHeadersNeverReachesDialpad() {
        connectRep("rep-headers");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"42\"}")));

        Answer answer = send("POST", "/calls", "{\"rep_id\": \"rep-headers\", \"to_number\": \"5551234567\"}",
                "X-API-Key", CRM_KEY, "Content-Type", "application/json",
                "Authorization", "Bearer crm-session-token", "X-Forwarded-For", "10.1.2.3",
                "X-Custom-Tenant", "acme", "Cookie", "session=abc");

        assertThat(answer.status()).isEqualTo(201);
        LoggedRequest request = dialpadRequests().get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(request.containsHeader("X-API-Key")).isFalse();
        assertThat(request.containsHeader("X-Forwarded-For")).isFalse();
        assertThat(request.containsHeader("X-Custom-Tenant")).isFalse();
        assertThat(request.containsHeader("Cookie")).isFalse();
        // and nothing of Dialpad's or the CRM's comes back as a header of our answer
        assertThat(answer.header("Authorization")).isNull();
        assertThat(answer.header("X-Custom-Tenant")).isNull();
    }

    @Test
    void theRepsCallerIdAndDeviceAreSentWhenConfigured() {
        Answer imported = importToken("rep-device", """
                {"access_token": "%s", "expires_in": 600, "dialpad_user_id": %s,
                 "outbound_caller_id": "(415) 555-0100", "device_id": "5730122111705088"}""".formatted(ACCESS_TOKEN, DIALPAD_USER_ID));
        assertThat(imported.status()).isEqualTo(200);
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"43\"}")));

        Answer answer = postCall("{\"rep_id\": \"rep-device\", \"to_number\": \"5551234567\"}");

        LoggedRequest request = dialpadRequests().get(0);
        assertThat(json(request.getBodyAsString())).isEqualTo(json("""
                {"phone_number": "+15551234567", "user_id": %s, "custom_data": "%s",
                 "outbound_caller_id": "+14155550100", "device_id": "5730122111705088"}"""
                .formatted(DIALPAD_USER_ID, answer.json().get("id").asText())));
        DialpadSpec.assertConforms(request);
    }

    @Test
    void getCallReturnsTheStoredRow() {
        connectRep("rep-get");
        DIALPAD.stubFor(post(urlEqualTo("/api/v2/call")).willReturn(okJson("{\"call_id\": \"777\"}")));
        String id = postCall(CLICK.replace("rep-ring", "rep-get")).json().get("id").asText();

        Answer answer = send("GET", "/calls/" + id, null, "X-API-Key", CRM_KEY);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode call = answer.json();
        assertThat(call.get("id").asText()).isEqualTo(id);
        assertThat(call.get("status").asText()).isEqualTo("initiated");
        assertThat(call.get("action").asText()).isEqualTo("dialpad");
        assertThat(call.get("dialpad_call_id").asText()).isEqualTo("777");
        assertThat(call.get("rep_id").asText()).isEqualTo("rep-get");
        assertThat(call.get("contact_id").asText()).isEqualTo("contact_123");
        assertThat(call.get("deal_id").asText()).isEqualTo("deal_456");
        assertThat(call.get("external_id").asText()).isEqualTo("crm-ref-1");
        assertThat(call.get("to_number").asText()).isEqualTo("+15551234567");
        assertThat(call.get("started_at").asText()).endsWith("Z");
    }

    @Test
    void getCallAnswers404ForUnknownAndMalformedIds() {
        for (String id : List.of("00000000-0000-4000-8000-000000000000", "not-a-uuid", "1-1-1-1-1")) {
            Answer answer = send("GET", "/calls/" + id, null, "X-API-Key", CRM_KEY);
            assertThat(answer.status()).as(id).isEqualTo(404);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("not_found");
        }
    }

    /** One HTTP client serves every rep: a cookie Dialpad sets on one rep's answer never reaches another's call. */
    @Test
    void aCookieFromDialpadIsNeverSentWithAnotherRepsCall() {
        connectRep("rep-cookie-a");
        connectRep("rep-cookie-b");
        DIALPAD.stubFor(post(urlEqualTo("/api/v2/call")).willReturn(okJson("{\"call_id\": \"778\"}")
                .withHeader("Set-Cookie", "dp_session=rep-a-secret; Path=/")));

        assertThat(postCall(CLICK.replace("rep-ring", "rep-cookie-a")).status()).isEqualTo(201);
        assertThat(postCall(CLICK.replace("rep-ring", "rep-cookie-b").replace("4567", "4568")).status()).isEqualTo(201);

        List<LoggedRequest> calls = DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")));
        assertThat(calls).hasSize(2);
        assertThat(calls).allSatisfy(call -> assertThat(call.containsHeader("Cookie")).isFalse());
    }

    /**
     * The routes' bean steps with arguments are read by accessors parsed at start (routes.ParsedBeanCalls), and their
     * simple expressions by the language that reads records directly (routes.ParsedSimpleExpressions).
     */
    @Test
    void everyBeanStepWithArgumentsInTheRoutesIsParsedOnce() {
        assertThat(camel.resolveLanguage("simple")).isInstanceOf(org.clicktocall.routes.ParsedSimpleExpressions.class);
        assertThat(parsedBeanCalls.argumentsLeftToCamel()).isEmpty();
        assertThat(parsedBeanCalls.parsedSteps()).isGreaterThanOrEqualTo(50);
    }
}
