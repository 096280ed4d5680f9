package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The 200 body of PUT /reps/{rep_id}/dialpad-token: built by {@code TokenImports.stored}, marshalled by the
 * {@code import-dialpad-token} route.
 */
@Schema(name = "RepConnection", description = "What is stored for a rep's Dialpad connection; never a token")
@JsonPropertyOrder({"rep_id", "connected", "status", "dialpad_user_id", "scope", "expires_at", "has_refresh_token"})
public record RepConnection(
        @JsonProperty("rep_id")
        String repId,
        Boolean connected,
        @Schema(allowableValues = {"active", "expired", "disconnected"})
        String status,
        @JsonProperty("dialpad_user_id")
        String dialpadUserId,
        String scope,
        @JsonProperty("expires_at")
        @Schema(format = "date-time", nullable = true)
        String expiresAt,
        @JsonProperty("has_refresh_token")
        Boolean hasRefreshToken) {
}
