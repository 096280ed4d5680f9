package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs that used to reach the database or Dialpad and fail there (500, 503) are a 400 with the usual error body,
 * and change nothing. A value stored for one rep must never break the Dialpad request (and the breaker) for all.
 */
class BoundedInputTest extends ServiceTest {

    private void assertBadRequest(Answer answer, String what) {
        assertThat(answer.status()).as(what + " → " + answer.body()).isEqualTo(400);
        assertThat(answer.json().at("/error/code").asText()).as(what).isEqualTo("invalid_request");
        assertThat(answer.json().at("/error/message").asText()).as(what).isNotBlank();
    }

    private Answer listCalls(String query) {
        return send("GET", "/calls?" + query, null, "X-API-Key", CRM_KEY);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "since={0} → 400")
    @ValueSource(strings = {"99999-01-01T00:00:00Z", "+99999-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "-4714-01-01T00:00:00Z", "+294277-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-01-01", "yesterday", ""})
    void outOfRangeOrMalformedDatesAre400(String since) {
        assertBadRequest(listCalls("since=" + enc(since)), "since=" + since);
    }

    @ParameterizedTest(name = "before={0} → 400")
    @ValueSource(strings = {"garbage", "12345", "6534fbeb-1053-4503-974f-7c9c03ebaf6", "6534fbeb10534503974f7c9c03ebaf6300000",
            "00000000-0000-0000-0000-000000000000", "6534fbeb-1053-4503-974f-7c9c03ebaf63", "1-1-1-1-1", ""})
    void aCursorThatIsNoCallOfOursIs400(String before) {
        assertBadRequest(listCalls("before=" + enc(before)), "before=" + before);
    }

    @ParameterizedTest(name = "{0} → 400")
    @ValueSource(strings = {"limit=abc", "limit=1e9", "limit=99999999999", "limit=-1", "limit=0", "limit=", "limit=%2B5",
            "limit=1&limit=2", "rep_id=a&rep_id=b", "since=2026-01-01T00:00:00Z&since=2025-01-01T00:00:00Z",
            "before=6534fbeb-1053-4503-974f-7c9c03ebaf63&before=6534fbeb-1053-4503-974f-7c9c03ebaf64",
            "contact_id=c&contact_id=d", "deal_id=", "rep_id=%00"})
    void badOrRepeatedQueryParametersAre400(String query) {
        assertBadRequest(listCalls(query), query);
    }

    @ParameterizedTest(name = "very long {0} → 400")
    @ValueSource(strings = {"rep_id", "contact_id", "deal_id", "since", "before", "limit"})
    void veryLongQueryValuesAre400(String parameter) {
        assertBadRequest(listCalls(parameter + "=" + "1".repeat(4000)), parameter);
    }

    @ParameterizedTest(name = "dialpad_user_id {0} → 400")
    @ValueSource(strings = {"\"99999999999999999999\"", "\"9223372036854775808\"", "\"-1\"", "\"0x10\"", "\" 12\"",
            "\"12 \"", "\"0\"", "\"\"", "99999999999999999999", "-1", "1.5", "true", "\"１２\""})
    void aDialpadUserIdThatIsNoDialpadInt64Is400AndStoresNothing(String id) {
        Answer answer = importToken("rep-bad-user-id", "{\"access_token\": \"%s\", \"dialpad_user_id\": %s}"
                .formatted(ACCESS_TOKEN, id));

        assertBadRequest(answer, id);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id = 'rep-bad-user-id'", Integer.class)).isZero();
    }

    @ParameterizedTest(name = "{0} → 400")
    @ValueSource(strings = {"\"outbound_caller_id\": \"abc\"", "\"outbound_caller_id\": \"12\"",
            "\"outbound_caller_id\": \"Blocked\"", "\"outbound_caller_id\": \"+1 555 12\"", "\"outbound_caller_id\": 5551234567",
            "\"device_id\": \"desk-1\"", "\"device_id\": \"-1\"", "\"device_id\": \"99999999999999999999\"",
            "\"device_id\": \"\"", "\"device_id\": \" 12\"", "\"device_id\": 12"})
    void aCallerIdOrDeviceThatWouldBreakTheDialpadRequestIs400(String field) {
        Answer answer = importToken("rep-bad-device", "{\"access_token\": \"%s\", \"dialpad_user_id\": \"5105429914877001\", %s}"
                .formatted(ACCESS_TOKEN, field));

        assertBadRequest(answer, field);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id = 'rep-bad-device'", Integer.class)).isZero();
    }

    @ParameterizedTest(name = "hook_url {0} → 400")
    @ValueSource(strings = {"https://", "https:///dialpad/events", "https://exa mple.com/dialpad/events",
            "https://[::1/dialpad/events", "http://x/dialpad/events", "https://x:99999/dialpad/events",
            "https://user:pw@ctc.example.com/dialpad/events", "https://ctc.example.com/dialpad/events#frag",
            "https://ctc.example.com/dialpad/events?x=/dialpad/events", "https://%zz/dialpad/events",
            "https://ctc.example.com/a/../dialpad/events"})
    void aMalformedHookUrlIs400AndNeverReachesDialpad(String hookUrl) {
        Answer answer = send("POST", "/admin/dialpad/webhook-subscription", "{\"hook_url\": \"" + hookUrl + "\"}",
                "X-API-Key", ADMIN_KEY, "Content-Type", "application/json");

        assertBadRequest(answer, hookUrl);
        assertThat(dialpadRequests()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aCursorFromAPreviousPageStillWorks() {
        for (int i = 0; i < 3; i++) {
            postCall("{\"rep_id\": \"rep-cursor\", \"to_number\": \"555710000" + i + "\"}");
        }
        Answer first = listCalls("rep_id=rep-cursor&limit=2");
        Answer second = listCalls("rep_id=rep-cursor&limit=2&before=" + first.json().get("next").asText());

        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("calls")).hasSize(1);
        assertThat(UUID.fromString(second.json().at("/calls/0/id").asText())).isNotNull();
    }
}
