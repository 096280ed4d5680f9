package org.clicktocall.events;

import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;

import org.clicktocall.support.SqlParameters;

/**
 * One Dialpad call event (delivered, or what the sweep polled), held in the variable {@code event}: the
 * {@code :#name} parameters of record-call-event.sql. {@link #toString()} leaves out the payload and custom data.
 *
 * @param state   Dialpad's state, lower-cased
 * @param status  where the state puts our call (null for a state we do not follow)
 * @param rank    the status's rank; a call never moves to a lower one
 * @param callRef our call's id when custom_data carries it
 * @param payload Dialpad's call object as JSON, stored as it came
 */
public record CallEvent(String callId, String state, String status, int rank, String customData, UUID callRef,
                        Timestamp eventAt, Timestamp answeredAt, Timestamp endedAt, Long durationMs,
                        String recordingUrl, String payload) implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("callId", callId, "state", state, "status", status, "rank", rank,
                "customData", customData, "callRef", callRef, "eventAt", eventAt, "answeredAt", answeredAt,
                "endedAt", endedAt, "durationMs", durationMs, "recordingUrl", recordingUrl, "payload", payload);
    }

    @Override
    public String toString() {
        return "CallEvent[callId=" + callId + ", state=" + state + ", status=" + status + ", rank=" + rank
                + ", callRef=" + callRef + "]";
    }
}
