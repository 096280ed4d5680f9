package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "StoredCall", description = "A call as logged in the calls table")
public class StoredCall {
    public String id;
    @Schema(example = "outbound")
    public String direction;
    @Schema(nullable = true, allowableValues = {"dialpad", "tel"}, description = "null while pending")
    public String action;
    @Schema(example = "initiated", description = "pending, initiated or fallback")
    public String status;
    @Schema(nullable = true)
    public String reason;
    @JsonProperty("to_number")
    public String toNumber;
    @JsonProperty("tel_uri")
    public String telUri;
    @JsonProperty("rep_id")
    public String repId;
    @JsonProperty("dialpad_user_id")
    @Schema(nullable = true)
    public String dialpadUserId;
    @JsonProperty("dialpad_call_id")
    @Schema(nullable = true)
    public String dialpadCallId;
    @JsonProperty("contact_id")
    @Schema(nullable = true)
    public String contactId;
    @JsonProperty("deal_id")
    @Schema(nullable = true)
    public String dealId;
    @JsonProperty("external_id")
    @Schema(nullable = true)
    public String externalId;
    @JsonProperty("started_at")
    @Schema(format = "date-time")
    public String startedAt;
    @JsonProperty("updated_at")
    @Schema(format = "date-time")
    public String updatedAt;
}
