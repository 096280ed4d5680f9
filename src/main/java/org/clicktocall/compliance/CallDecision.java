package org.clicktocall.compliance;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@link CallPolicy} decided for one click: allowed, or blocked with a reason the CRM can show.
 *
 * @param reason             null when allowed; do_not_call, outside_calling_hours or destination_not_allowed
 * @param message            a sentence for the rep's toast
 * @param recipientLocalTimes outside_calling_hours only: the time in each of the number's zones
 * @param nextAllowedAt      outside_calling_hours only: the first moment every zone is inside the window
 *                           (null when the zones are never all inside within 8 days)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallDecision(
        boolean allowed,
        String reason,
        String message,
        @JsonProperty("recipient_local_times") List<LocalTimeIn> recipientLocalTimes,
        @JsonProperty("next_allowed_at") Instant nextAllowedAt) {

    public static final String DO_NOT_CALL = "do_not_call";
    public static final String OUTSIDE_CALLING_HOURS = "outside_calling_hours";
    public static final String DESTINATION_NOT_ALLOWED = "destination_not_allowed";

    /** The recipient's wall-clock time in one of the number's zones. */
    public record LocalTimeIn(@JsonProperty("time_zone") String timeZone, @JsonProperty("local_time") String localTime) {
    }

    static CallDecision allow() {
        return new CallDecision(true, null, null, null, null);
    }

    static CallDecision blocked(String reason, String message) {
        return new CallDecision(false, reason, message, null, null);
    }
}
