package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of every POST /calls answer (201 created or replayed, 200 for a double click): built by
 * {@code CallAnswerBuilder}, marshalled by the {@code answer-call} route. An Idempotency-Key replay sends the stored
 * text of this record again.
 */
@Schema(name = "CallAnswer", description = "Dialpad is ringing the rep (action dialpad); Dialpad had the request but"
        + " gave no clear answer, so the rep's phone may still ring (action unconfirmed: show the message, offer tel_uri"
        + " if it does not ring); or open tel_uri (action tel)")
@JsonPropertyOrder({"id", "action", "status", "to_number", "tel_uri", "dialpad_call_id", "reason", "message",
        "retry_after_seconds", "duplicate"})
public record CallAnswer(
        @Schema(description = "This service's call id (UUID)", example = "6534fbeb-1053-4503-974f-7c9c03ebaf63")
        String id,
        @Schema(allowableValues = {"dialpad", "unconfirmed", "tel"})
        String action,
        @Schema(description = "initiated (Dialpad took the call), unconfirmed (Dialpad timed out or answered 5xx after"
                + " receiving the request; its call events may still move the call), fallback (nothing was dialled);"
                + " a repeated click sees its first call's status: pending or a later call state (ringing, ended...)",
                example = "initiated")
        String status,
        @JsonProperty("to_number")
        @Schema(description = "E.164", example = "+15551234567")
        String toNumber,
        @JsonProperty("tel_uri")
        @Schema(example = "tel:+15551234567")
        String telUri,
        @JsonProperty("dialpad_call_id")
        @Schema(nullable = true, description = "Dialpad's call id (ring mode)", example = "6342343299702784")
        String dialpadCallId,
        @Schema(nullable = true, allowableValues = {"not_connected", "unauthorized", "forbidden", "rate_limited",
                "user_busy", "dialpad_rejected", "dialpad_unavailable", "dialpad_timeout", "dialpad_error"},
                description = "Why the rep got a tel: link (action tel), or why Dialpad's outcome is unknown (action"
                        + " unconfirmed: dialpad_timeout = no answer within the response timeout, dialpad_error = 5xx or"
                        + " a dropped connection after the request was sent)")
        String reason,
        @Schema(description = "Toast text, e.g. \"Dialpad may still ring your phone for +15551234567; if it does not,"
                + " call from your phone\" for an unconfirmed call", example = "Calling +15551234567 via Dialpad")
        String message,
        @JsonProperty("retry_after_seconds")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "reason rate_limited: seconds until the rep may start a call again",
                example = "42")
        Integer retryAfterSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "true: a double click; this is the call its first click made (200)")
        Boolean duplicate) {

    /** The same answer, told as a double click's. */
    public CallAnswer asDuplicate(String message) {
        return new CallAnswer(id, action, status, toNumber, telUri, dialpadCallId, reason, message, retryAfterSeconds,
                Boolean.TRUE);
    }
}
