package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The 200 body of POST /admin/tokens/re-encrypt: built by {@code TokenRotation.report}, marshalled by the
 * {@code re-encrypt-tokens} route. Never a token or a rep id.
 */
@Schema(name = "ReEncryptionReport", description = "What a re-encryption run did")
@JsonPropertyOrder({"re_encrypted", "key_pattern", "skipped_in_refresh", "undecryptable"})
public record ReEncryptionReport(
        @JsonProperty("re_encrypted")
        @Schema(description = "Rows rewritten under the current key by this run", example = "12")
        int reEncrypted,
        @JsonProperty("key_pattern")
        @Schema(description = "The current key's public id (stored tokens start with it)", example = "k1a2b3c4d")
        String keyPattern,
        @JsonProperty("skipped_in_refresh")
        @Schema(description = "Rows still under an old key because their refresh was in flight: the refresh saves"
                + " them under the current key; call again to confirm 0", example = "0")
        int skippedInRefresh,
        @Schema(description = "Rows no key decrypts: disconnected, waiting for the rep to reconnect", example = "0")
        int undecryptable) {
}
