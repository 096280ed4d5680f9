package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A click that was logged and then failed on the database before Dialpad was asked: the rep's retry within the
 * double-click window is a new attempt that dials, never "Already calling" for a call nothing rings.
 */
@TestPropertySource(properties = {"calls.duplicate-window-ms=10000"})
class DatabaseFailedClickTest extends ServiceTest {

    @Test
    void aRetryAfterADatabaseFailureBeforeDialpadIsANewAttempt() throws Exception {
        connectRep("rep-db-blip");
        jdbc.update("UPDATE dialpad_tokens SET expires_at = now() - interval '1 minute' WHERE rep_id = 'rep-db-blip'");
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-FRESH-BLIP", "token_type": "bearer", "expires_in": 3600}""")));
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"6100000000000077\"}")));
        String click = "{\"rep_id\": \"rep-db-blip\", \"to_number\": \"5551234567\"}";

        Answer failed;
        // The click is logged, then its on-the-spot token refresh waits on a lock this test holds: lock_timeout.
        try (Connection holder = jdbc.getDataSource().getConnection(); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.execute("SELECT * FROM dialpad_tokens WHERE rep_id = 'rep-db-blip' FOR UPDATE");
            failed = postCall(click);
            holder.rollback();
        }
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.json().get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).isEmpty();
        assertThat(jdbc.queryForObject("SELECT status FROM calls WHERE rep_id = 'rep-db-blip'", String.class))
                .isEqualTo("fallback");

        Answer retry = postCall(click);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json().get("action").asText()).isEqualTo("dialpad");
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).hasSize(1);
    }
}
