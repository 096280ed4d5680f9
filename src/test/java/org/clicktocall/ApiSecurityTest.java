package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** Every endpoint needs its key; the gate answers in the same JSON shape and leaks nothing. */
class ApiSecurityTest extends ServiceTest {

    private static final String CLICK = "{\"rep_id\": \"rep-sec\", \"to_number\": \"5551234567\"}";

    @Test
    void callsWithoutOrWithAWrongKeyAre401AndLogNothing() {
        int before = callCount();
        Answer missing = send("POST", "/calls", CLICK, "Content-Type", "application/json");
        Answer wrong = send("POST", "/calls", CLICK, "Content-Type", "application/json", "X-API-Key", CRM_KEY + "x");
        Answer read = send("GET", "/calls/00000000-0000-4000-8000-000000000000", null);

        for (Answer answer : new Answer[] {missing, wrong, read}) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("unauthorized");
        }
        assertThat(callCount()).isEqualTo(before);
    }

    @Test
    void everyConfiguredCrmKeyIsAccepted() {
        Answer answer = send("POST", "/calls", CLICK, "Content-Type", "application/json",
                "X-API-Key", "second-crm-key-0123456789");
        assertThat(answer.status()).isEqualTo(201);
    }

    @Test
    void tokenImportNeedsAnAdminKey() {
        String body = "{\"access_token\": \"%s\", \"dialpad_user_id\": \"1\"}".formatted(ACCESS_TOKEN);
        Answer crm = send("PUT", "/reps/rep-x/dialpad-token", body, "X-API-Key", CRM_KEY, "Content-Type", "application/json");
        Answer none = send("PUT", "/reps/rep-x/dialpad-token", body, "Content-Type", "application/json");

        assertThat(crm.status()).isEqualTo(403);
        assertThat(crm.json().at("/error/code").asText()).isEqualTo("forbidden");
        assertThat(none.status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id = 'rep-x'", Integer.class)).isZero();
    }

    @Test
    void importedTokensAreEncryptedAtRestAndNeverEchoed() {
        Answer answer = importToken("rep-import", """
                {"access_token": "%s", "refresh_token": "%s", "expires_at": "2030-01-01T00:00:00Z",
                 "dialpad_user_id": 5105429914877952, "scope": "offline_access"}""".formatted(ACCESS_TOKEN, REFRESH_TOKEN));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(ACCESS_TOKEN).doesNotContain(REFRESH_TOKEN);
        assertThat(answer.json().get("dialpad_user_id").asText()).isEqualTo(DIALPAD_USER_ID);
        assertThat(answer.json().get("expires_at").asText()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(answer.json().get("status").asText()).isEqualTo("active");

        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM dialpad_tokens WHERE rep_id = 'rep-import'");
        assertThat(row.get("access_token").toString()).doesNotContain(ACCESS_TOKEN).matches("k[0-9a-f]{8}:.+");
        assertThat(row.get("refresh_token").toString()).doesNotContain(REFRESH_TOKEN).matches("k[0-9a-f]{8}:.+");
        assertThat(row).containsEntry("status", "active").containsEntry("scope", "offline_access")
                .containsEntry("dialpad_user_id", DIALPAD_USER_ID);
    }

    @Test
    void invalidTokenImportsAreRefusedWithoutQuotingTheToken() {
        Answer noUser = importToken("rep-bad", "{\"access_token\": \"%s\"}".formatted(ACCESS_TOKEN));
        Answer badUser = importToken("rep-bad", "{\"access_token\": \"%s\", \"dialpad_user_id\": \"me\"}".formatted(ACCESS_TOKEN));
        Answer both = importToken("rep-bad", """
                {"access_token": "%s", "dialpad_user_id": "1", "expires_in": 60, "expires_at": "2030-01-01T00:00:00Z"}"""
                .formatted(ACCESS_TOKEN));
        Answer spaced = importToken("rep-bad", "{\"access_token\": \"has space %s\", \"dialpad_user_id\": \"1\"}".formatted(ACCESS_TOKEN));

        for (Answer answer : new Answer[] {noUser, badUser, both, spaced}) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).doesNotContain(ACCESS_TOKEN);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id = 'rep-bad'", Integer.class)).isZero();
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        Answer answer = send("POST", "/calls", "rep_id=r1&to_number=5551234567",
                "X-API-Key", CRM_KEY, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void aBodyOver16KiBIs413() {
        int before = callCount();
        String big = "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"external_id\": \"" + "x".repeat(17 * 1024) + "\"}";
        Answer answer = postCall(big);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("payload_too_large");
        assertThat(callCount()).isEqualTo(before);
    }

    @Test
    void unknownPathsAndMethodsAnswerInTheSameJsonShape() {
        Answer unknown = send("GET", "/nothing-here", null, "X-API-Key", CRM_KEY);
        Answer method = send("DELETE", "/calls/00000000-0000-4000-8000-000000000000", null, "X-API-Key", CRM_KEY);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("not_found");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.json().at("/error/code").asText()).isEqualTo("method_not_allowed");
    }
}
