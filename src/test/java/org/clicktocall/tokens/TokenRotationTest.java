package org.clicktocall.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.clicktocall.LocalDataFolder;
import org.clicktocall.api.ReEncryptionReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rotation's steps are functions of the row, the counts and the keys: a table each. */
class TokenRotationTest {

    static final String NEW_KEY = TokenCipher.newKey();
    static final String OLD_KEY = TokenCipher.newKey();

    @TempDir
    Path dataDir;

    private TokenCipher cipher(String key, String previous) {
        return new TokenCipher(key, previous, new LocalDataFolder(dataDir.toString()));
    }

    private static Map<String, Object> row(String repId, String access, String refresh) {
        Map<String, Object> row = new HashMap<>();
        row.put("rep_id", repId);
        row.put("version", 3L);
        row.put("access_token", access);
        row.put("refresh_token", refresh);
        return row;
    }

    @ParameterizedTest(name = "encrypted under {0}, refresh token {1} -> undecryptable {2}")
    @CsvSource({"old, true, false", "old, false, false", "current, true, false", "unknown, true, true",
            "unknown, false, true"})
    void aRowIsRewrittenUnderTheCurrentKeyOrFoundUndecryptable(String under, boolean withRefresh, boolean undecryptable) {
        TokenCipher current = cipher(NEW_KEY, OLD_KEY);
        TokenCipher writer = switch (under) {
            case "old" -> cipher(OLD_KEY, "");
            case "current" -> current;
            default -> cipher(TokenCipher.newKey(), "");
        };
        String access = writer.encrypt("rep-1", "access_token", "FAKE-ACCESS");
        String refresh = withRefresh ? writer.encrypt("rep-1", "refresh_token", "FAKE-REFRESH") : null;

        ReEncryption rewrite = new TokenRotation(current).reencrypt(row("rep-1", access, refresh));

        assertThat(rewrite.repId()).isEqualTo("rep-1");
        assertThat(rewrite.version()).isEqualTo(3L);
        assertThat(rewrite.undecryptable()).isEqualTo(undecryptable);
        if (undecryptable) {
            assertThat(rewrite.accessToken()).isNull();
            assertThat(rewrite.refreshToken()).isNull();
        } else {
            assertThat(current.isCurrent(rewrite.accessToken())).isTrue();
            assertThat(current.decrypt("rep-1", "access_token", rewrite.accessToken())).isEqualTo("FAKE-ACCESS");
            assertThat(rewrite.refreshToken() == null).isEqualTo(!withRefresh);
        }
        assertThat(rewrite.sqlParameters()).containsOnlyKeys("repId", "version", "accessToken", "refreshToken");
        assertThat(rewrite).asString().doesNotContain(access);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(delimiter = '|', value = {"0 | '' | 0", "0 | 1,1,1 | 3", "5 | 1,0,1 | 7", "2 | 0,0 | 2"})
    void eachSaveThatChangedARowCounts(int total, String counts, int expected) {
        List<Object> updateCounts = counts.isEmpty() ? List.of()
                : Arrays.stream(counts.split(",")).map(c -> (Object) Integer.valueOf(c)).toList();
        assertThat(new TokenRotation(cipher(NEW_KEY, "")).add(total, updateCounts)).isEqualTo(expected);
    }

    @Test
    void theReportNamesTheKeyAndWhatWasLeft() {
        TokenRotation rotation = new TokenRotation(cipher(NEW_KEY, ""));
        TokenRotation.Keys keys = rotation.keys();

        assertThat(rotation.report(4, Map.of("in_refresh", 1L, "undecryptable", 2L), keys))
                .isEqualTo(new ReEncryptionReport(4, keys.currentKeyId(), 1, 2));
        assertThat(rotation.report(null, null, keys)).isEqualTo(new ReEncryptionReport(0, keys.currentKeyId(), 0, 0));
        assertThat(keys.currentKeyPattern()).isEqualTo(keys.currentKeyId() + ":%");
        assertThat(keys.sqlParameters()).isEqualTo(Map.of("currentKeyPattern", keys.currentKeyPattern()));
    }
}
