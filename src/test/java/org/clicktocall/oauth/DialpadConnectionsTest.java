package org.clicktocall.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.clicktocall.config.DialpadOAuthProperties;
import org.clicktocall.config.TokenRefreshProperties;
import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;

/** Without DIALPAD_RETURN_URL the callback answers with a page: it must say plainly why nothing was connected. */
class DialpadConnectionsTest {

    @Test
    void aUniqueViolationHoweverWrappedIsDialpadUserInUse() {
        assertThat(DialpadConnections.reasonOf(new RuntimeException(new DuplicateKeyException("x")))).isEqualTo("dialpad_user_in_use");
        assertThat(DialpadConnections.reasonOf(new DataIntegrityViolationException("x", new SQLException("dup", "23505"))))
                .isEqualTo("dialpad_user_in_use");
        assertThat(DialpadConnections.reasonOf(new DataIntegrityViolationException("x", new SQLException("null", "23502"))))
                .isEqualTo("connect_failed");
    }

    @Test
    void thePageExplainsARefusedAccount() {
        assertThat(DialpadConnections.explanation("dialpad_user_in_use"))
                .contains("already connected to another CRM user").contains("dialpad_user_in_use");
        assertThat(DialpadConnections.explanation("dialpad_email_mismatch"))
                .contains("not yours").contains("Nothing was connected");
        assertThat(DialpadConnections.explanation("token_exchange_failed")).contains("could not be connected");
    }

    private static final Instant NOW = Instant.parse("2026-03-04T10:00:00Z");
    private static final String CRM = "https://crm.example.com/settings/dialpad";

    /** Where the browser goes: the CRM's page with the outcome in its query, or (no return URL) a page of ours. */
    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "https://crm.example.com/settings/dialpad | connected | null                   | 302 | https://crm.example.com/settings/dialpad?dialpad=connected",
            "https://crm.example.com/settings/dialpad | error     | access_denied          | 302 | https://crm.example.com/settings/dialpad?dialpad=error&reason=access_denied",
            "https://crm.example.com/s?tab=dialpad    | error     | dialpad_user_in_use    | 302 | https://crm.example.com/s?tab=dialpad&dialpad=error&reason=dialpad_user_in_use",
            "''                                       | connected | null                   | 200 | null",
            "''                                       | error     | dialpad_email_mismatch | 400 | null",
    })
    void backToTheCrm(String returnUrl, String outcome, String reason, int status, String location) {
        BrowserAnswer answer = DialpadConnections.backToCrm(returnUrl, outcome, reason);
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.location()).isEqualTo(location);
        if (location != null) {
            assertThat(answer.contentType()).isNull();
            assertThat(answer.body()).isEmpty();
        } else {
            assertThat(answer.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(answer.body()).startsWith("<!doctype html>")
                    .contains(reason == null ? "Dialpad is connected" : reason);
        }
    }

    @Test
    void aFailureGoesBackWithItsReason() {
        DialpadConnections connections = connections(CRM, "client");
        assertThat(connections.failed(new DialpadConnections.ConnectFailed("users_me_failed")).location())
                .endsWith("dialpad=error&reason=users_me_failed");
        assertThat(connections.failed(new IllegalStateException("x")).location()).endsWith("reason=connect_failed");
        assertThat(connections.connected().location()).isEqualTo(CRM + "?dialpad=connected");
        assertThat(connections.invalidState().status()).isEqualTo(400);
        assertThat(connections.invalidState().body()).contains("already used or has expired");
    }

    /** The connection as the CRM sees it; an active token past its expiry reads "expired". */
    @ParameterizedTest(name = "{0}, expires {1}s from now: {2}, connected {3}")
    @CsvSource(nullValues = "null", value = {
            "active, 60, active, true", "active, -1, expired, false", "active, null, active, true",
            "disconnected, 60, disconnected, false", "disconnected, -60, disconnected, false",
    })
    void theConnectionsStatus(String stored, Long expiresIn, String status, boolean connected) {
        Map<String, Object> row = new HashMap<>();
        row.put("status", stored);
        row.put("expires_at", expiresIn == null ? null : Timestamp.from(NOW.plusSeconds(expiresIn)));
        row.put("dialpad_user_id", "123");
        row.put("scope", "offline_access");
        row.put("access_token", "ENCRYPTED");
        Map<String, Object> answer = DialpadConnections.status("rep-1", row, NOW);
        assertThat(answer).containsEntry("status", status).containsEntry("connected", connected)
                .containsEntry("scopes", "offline_access").doesNotContainKey("access_token");
        assertThat(answer.values()).doesNotContain("ENCRYPTED");
    }

    @Test
    void withoutARowTheRepIsDisconnected() {
        assertThat(DialpadConnections.status("rep-1", null, NOW)).containsEntry("rep_id", "rep-1")
                .containsEntry("connected", false).containsEntry("status", "disconnected")
                .containsKeys("dialpad_user_id", "scopes", "expires_at", "last_refreshed_at", "last_error");
    }

    /** users/me's answer decides whose account it is; with an expected e-mail it must be the rep's own. */
    @ParameterizedTest(name = "{0} {1}, expected {2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "200 | {\"id\": 123, \"emails\": [\"Rep@Example.com\"]} | null            | 123",
            "200 | {\"id\": 123, \"emails\": [\" Rep@Example.com\"]}| rep@example.com | 123",
            "200 | {\"id\": 123, \"emails\": [\"other@example.com\"]}| rep@example.com | dialpad_email_mismatch",
            "200 | {\"id\": 123}                                        | rep@example.com | dialpad_email_mismatch",
            "200 | {\"id\": \"abc\"}                                  | null            | users_me_failed",
            "200 | {\"id\": 0}                                          | null            | users_me_failed",
            "200 | not json                                              | null            | users_me_failed",
            "401 | {\"id\": 123}                                        | null            | users_me_failed",
            "null| null                                                  | null            | users_me_failed",
    })
    void whoseAccountItIs(Integer status, String body, String expectedEmail, String result) {
        ConnectedToken tokens = new ConnectedToken("rep-1", null, "A", "R", null, "offline_access");
        ConnectState state = new ConnectState("rep-1", "V", expectedEmail);
        DialpadConnections connections = connections(CRM, "client");
        if (result.matches("[0-9]+")) {
            assertThat(connections.dialpadUser(status, body, tokens, state).dialpadUserId()).isEqualTo(result);
        } else {
            assertThatThrownBy(() -> connections.dialpadUser(status, body, tokens, state))
                    .isInstanceOf(DialpadConnections.ConnectFailed.class).hasMessage(result);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null                                | null",
            "''                                  | null",
            "{}                                  | null",
            "{\"expected_email\": null}          | null",
            "{\"expected_email\": \"Rep@Example.COM\"} | rep@example.com",
            "{\"expected_email\": \"not an email\"}   | 400",
            "{\"expected_email\": 42}            | 400",
            "{\"other\": 1}                      | 400",
    })
    void theExpectedEmail(String body, String result) {
        DialpadConnections connections = connections(CRM, "client");
        if ("400".equals(result)) {
            assertThatThrownBy(() -> connections.expectedEmail(body))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        } else {
            assertThat(connections.expectedEmail(body)).isEqualTo(result);
        }
    }

    @Test
    void withoutAnOAuthClientNothingIsClaimedForRefresh() {
        assertThat(connections(CRM, "client").refreshPlan()).isEqualTo(new RefreshPlan(600, 100, 60));
        assertThat(connections(CRM, "").refreshPlan()).isEqualTo(new RefreshPlan(600, 0, 60));
        assertThat(connections(CRM, "").refreshPlan().sqlParameters())
                .containsEntry("windowSeconds", 600).containsEntry("batch", 0).containsEntry("leaseSeconds", 60);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(nullValues = "null", value = {"null, null", "access_denied, access_denied",
            "Access-Denied, authorization_failed", "'<script>', authorization_failed"})
    void dialpadsErrorOnTheCallback(String error, String reason) {
        assertThat(DialpadOAuth.dialpadError(error)).isEqualTo(reason);
    }

    @Test
    void noSecretInToString() {
        DialpadOAuthProperties.OAuth oauth = new DialpadOAuthProperties.OAuth("client", "FAKE-CLIENT-SECRET",
                "https://ctc.example.com/cb", CRM, "offline_access", "basic", 600);
        assertThat(oauth.toString()).doesNotContain("FAKE-CLIENT-SECRET");
        assertThat(new Callback("FAKE-CODE", "hash", null).toString()).doesNotContain("FAKE-CODE");
        assertThat(new ConnectedToken("rep-1", "1", "FAKE-ACCESS", "FAKE-REFRESH", null, "s").toString())
                .doesNotContain("FAKE-ACCESS").doesNotContain("FAKE-REFRESH");
        assertThat(new RefreshOutcome(RefreshOutcome.Kind.REFRESHED, "rep-1", 1L, 0, null, "FAKE-ACCESS",
                "FAKE-REFRESH", null, "s").toString()).doesNotContain("FAKE-ACCESS").doesNotContain("FAKE-REFRESH");
        assertThatThrownBy(() -> new DialpadOAuthProperties.OAuth("c", "s", "r", "", "offline_access", "digest", 600))
                .hasMessageContaining("client-authentication");
    }

    private static DialpadConnections connections(String returnUrl, String clientId) {
        DialpadOAuthProperties.OAuth oauth = new DialpadOAuthProperties.OAuth(clientId, "secret",
                "https://ctc.example.com/oauth/dialpad/callback", returnUrl, "offline_access", "basic", 600);
        return new DialpadConnections(new DialpadOAuthProperties("https://dialpad.example", 2000, 5000, oauth),
                new TokenRefreshProperties(600, 100, 60), new SimpleMeterRegistry());
    }
}
