package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "RepConnection", description = "What is stored for a rep's Dialpad connection; never a token")
public class RepConnection {
    @JsonProperty("rep_id")
    public String repId;
    public Boolean connected;
    @Schema(allowableValues = {"active", "expired", "disconnected"})
    public String status;
    @JsonProperty("dialpad_user_id")
    public String dialpadUserId;
    public String scope;
    @JsonProperty("expires_at")
    @Schema(format = "date-time", nullable = true)
    public String expiresAt;
    @JsonProperty("has_refresh_token")
    public Boolean hasRefreshToken;
}
