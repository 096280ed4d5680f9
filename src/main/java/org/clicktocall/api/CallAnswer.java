package org.clicktocall.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of every POST /calls answer (201 created or replayed, 200 for a double click): built by
 * {@code CallAnswerBuilder}, marshalled by the {@code answer-call} route. An Idempotency-Key replay sends the stored
 * text of this record again.
 */
@Schema(name = "CallAnswer", description = "Dialpad is ringing the rep (action dialpad); Dialpad had the request but"
        + " gave no clear answer, so the rep's phone may still ring (action unconfirmed: show the message, offer tel_uri"
        + " if it does not ring); open tel_uri or dialpad_uri (action tel); dial in Dialpad's embedded dialer now"
        + " (action cti, for channel cti); or do not call: the call policy refused the number (action blocked, with"
        + " the reason and no link)")
@JsonPropertyOrder({"id", "action", "status", "to_number", "tel_uri", "dialpad_uri", "dialpad_call_id", "reason",
        "message", "retry_after_seconds", "recipient_local_times", "next_allowed_at", "duplicate"})
public record CallAnswer(
        @Schema(description = "This service's call id (UUID)", example = "6534fbeb-1053-4503-974f-7c9c03ebaf63")
        String id,
        @Schema(allowableValues = {"dialpad", "unconfirmed", "tel", "cti", "blocked"})
        String action,
        @Schema(description = "initiated (Dialpad took the call, or channel cti: the embedded dialer is to place it),"
                + " unconfirmed (Dialpad timed out or answered 5xx after receiving the request; its call events may"
                + " still move the call), fallback (nothing was dialled), blocked (the call policy refused the"
                + " number); a repeated click sees its first call's status: pending or a later call state (ringing,"
                + " ended...)", example = "initiated")
        String status,
        @JsonProperty("to_number")
        @Schema(description = "E.164", example = "+15551234567")
        String toNumber,
        @JsonProperty("tel_uri")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The phone link; absent when the call is blocked", example = "tel:+15551234567")
        String telUri,
        @JsonProperty("dialpad_uri")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Dialpad's app launch link for the same number: our call id as customData (Dialpad's"
                + " call events then find this call), crmLogging=0 (Dialpad's own CRM apps do not log the call a second"
                + " time) and fromNumber when a caller id is chosen; absent when the call is blocked",
                example = "dialpad://+15551234567?customData=6534fbeb-1053-4503-974f-7c9c03ebaf63&crmLogging=0")
        String dialpadUri,
        @JsonProperty("dialpad_call_id")
        @Schema(nullable = true, description = "Dialpad's call id (ring mode)", example = "6342343299702784")
        String dialpadCallId,
        @Schema(nullable = true, allowableValues = {"not_connected", "unauthorized", "forbidden", "rate_limited",
                "user_busy", "dialpad_rejected", "dialpad_unavailable", "dialpad_timeout", "dialpad_error",
                "do_not_call", "outside_calling_hours", "destination_not_allowed"},
                description = "Why the rep got a tel: link (action tel), why Dialpad's outcome is unknown (action"
                        + " unconfirmed: dialpad_timeout = no answer within the response timeout, dialpad_error = 5xx or"
                        + " a dropped connection after the request was sent), or why the call policy refused the number"
                        + " (action blocked)")
        String reason,
        @Schema(description = "Toast text, e.g. \"Dialpad may still ring your phone for +15551234567; if it does not,"
                + " call from your phone\" for an unconfirmed call, or why a blocked call is not placed",
                example = "Calling +15551234567 via Dialpad")
        String message,
        @JsonProperty("retry_after_seconds")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "reason rate_limited: seconds until the rep may start a call again",
                example = "42")
        Integer retryAfterSeconds,
        @JsonProperty("recipient_local_times")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @ArraySchema(arraySchema = @Schema(nullable = true, description = "reason outside_calling_hours: the"
                + " recipient's wall-clock time in each time zone of the number (all must be inside the window)"))
        List<LocalTime> recipientLocalTimes,
        @JsonProperty("next_allowed_at")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, format = "date-time", description = "reason outside_calling_hours: the first moment"
                + " every zone of the number is inside the calling hours (absent when none within 8 days)",
                example = "2026-01-14T16:00:00Z")
        String nextAllowedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "true: a double click; this is the call its first click made (200)")
        Boolean duplicate) {

    /** The recipient's local time in one of the number's time zones. */
    @Schema(name = "RecipientLocalTime")
    public record LocalTime(
            @JsonProperty("time_zone") @Schema(example = "America/Boise") String timeZone,
            @JsonProperty("local_time") @Schema(example = "2026-01-14T08:30:00") String localTime) {
    }

    /** The same answer, told as a double click's. */
    public CallAnswer asDuplicate(String message) {
        return new CallAnswer(id, action, status, toNumber, telUri, dialpadUri, dialpadCallId, reason, message,
                retryAfterSeconds, recipientLocalTimes, nextAllowedAt, Boolean.TRUE);
    }
}
