package org.clicktocall.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;

import org.clicktocall.api.RepConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The import's answer is a function of what was stored: never a token, whatever was given. */
class TokenImportsTest {

    @ParameterizedTest(name = "expires {0}, refresh token {1}")
    @CsvSource(nullValues = "-", value = {"2026-12-01T10:00:00Z, k1:FAKE-ENCRYPTED-REFRESH", "-, -"})
    void theAnswerDescribesTheStoredConnection(String expiresAt, String refreshToken) {
        ImportedToken token = new ImportedToken("rep-1", "5105429914877952", "k1:FAKE-ENCRYPTED-ACCESS", refreshToken,
                expiresAt == null ? null : Timestamp.from(Instant.parse(expiresAt)), "offline_access", null, null);

        RepConnection answer = new TokenImports(null, null).stored(token);

        assertThat(answer).isEqualTo(new RepConnection("rep-1", true, "active", "5105429914877952", "offline_access",
                expiresAt, refreshToken != null));
        assertThat(token).asString().doesNotContain("FAKE-ENCRYPTED");
        assertThat(token.sqlParameters()).containsOnlyKeys("repId", "dialpadUserId", "accessToken", "refreshToken",
                "expiresAt", "scope", "outboundCallerId", "deviceId");
    }
}
