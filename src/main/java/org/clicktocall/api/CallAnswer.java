package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "CallAnswer", description = "Dialpad is ringing the rep (action dialpad); Dialpad had the request but"
        + " gave no clear answer, so the rep's phone may still ring (action unconfirmed: show the message, offer tel_uri"
        + " if it does not ring); or open tel_uri (action tel)")
public class CallAnswer {
    @Schema(description = "This service's call id (UUID)", example = "6534fbeb-1053-4503-974f-7c9c03ebaf63")
    public String id;
    @Schema(allowableValues = {"dialpad", "unconfirmed", "tel"})
    public String action;
    @Schema(description = "initiated (Dialpad took the call), unconfirmed (Dialpad timed out or answered 5xx after"
            + " receiving the request; its call events may still move the call), fallback (nothing was dialled);"
            + " a repeated click sees its first call's status: pending or a later call state (ringing, ended...)",
            example = "initiated")
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
            "user_busy", "dialpad_rejected", "dialpad_unavailable", "dialpad_timeout", "dialpad_error"},
            description = "Why the rep got a tel: link (action tel), or why Dialpad's outcome is unknown (action"
                    + " unconfirmed: dialpad_timeout = no answer within the response timeout, dialpad_error = 5xx or"
                    + " a dropped connection after the request was sent)")
    public String reason;
    @Schema(description = "Toast text, e.g. \"Dialpad may still ring your phone for +15551234567; if it does not,"
            + " call from your phone\" for an unconfirmed call", example = "Calling +15551234567 via Dialpad")
    public String message;
}
