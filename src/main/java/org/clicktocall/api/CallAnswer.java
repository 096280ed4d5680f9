package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "CallAnswer", description = "Dialpad is ringing the rep (action dialpad), or open tel_uri (action tel)")
public class CallAnswer {
    @Schema(description = "This service's call id (UUID)", example = "6534fbeb-1053-4503-974f-7c9c03ebaf63")
    public String id;
    @Schema(allowableValues = {"dialpad", "tel"})
    public String action;
    @Schema(allowableValues = {"initiated", "fallback"})
    public String status;
    @JsonProperty("to_number")
    @Schema(description = "E.164", example = "+15551234567")
    public String toNumber;
    @JsonProperty("tel_uri")
    @Schema(example = "tel:+15551234567")
    public String telUri;
    @JsonProperty("dialpad_call_id")
    @Schema(nullable = true, description = "Dialpad's call id (ring mode)", example = "6342343299702784")
    public String dialpadCallId;
    @Schema(nullable = true, allowableValues = {"not_connected", "unauthorized", "forbidden", "rate_limited",
            "user_busy", "dialpad_rejected", "dialpad_unavailable"})
    public String reason;
    @Schema(description = "Toast text", example = "Calling +15551234567 via Dialpad")
    public String message;
}
