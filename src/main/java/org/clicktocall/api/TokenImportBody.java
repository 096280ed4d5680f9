package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "TokenImport", description = "A rep's Dialpad OAuth token obtained elsewhere; stored encrypted")
public class TokenImportBody {
    @JsonProperty("access_token")
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 8192)
    public String accessToken;
    @JsonProperty("refresh_token")
    @Schema(maxLength = 8192)
    public String refreshToken;
    @JsonProperty("expires_in")
    @Schema(description = "Seconds from now; or give expires_at")
    public Long expiresIn;
    @JsonProperty("expires_at")
    @Schema(format = "date-time")
    public String expiresAt;
    @JsonProperty("dialpad_user_id")
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "5105429914877952",
            description = "The rep's Dialpad user id (GET /api/v2/users/me → id)")
    public String dialpadUserId;
    @Schema(example = "offline_access")
    public String scope;
    @JsonProperty("outbound_caller_id")
    @Schema(description = "E.164 number the callee sees, or \"blocked\"")
    public String outboundCallerId;
    @JsonProperty("device_id")
    @Schema(description = "Ring only this Dialpad device: its id, digits of a positive int64", pattern = "^[1-9][0-9]{0,18}$")
    public String deviceId;
}
