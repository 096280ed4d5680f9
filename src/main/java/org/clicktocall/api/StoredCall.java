package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "StoredCall", description = "A call as logged in the calls table")
public class StoredCall {
    public String id;
    @Schema(example = "outbound")
    public String direction;
    @Schema(nullable = true, allowableValues = {"dialpad", "unconfirmed", "tel", "cti", "blocked"},
            description = "null while pending")
    public String action;
    @Schema(example = "initiated", description = "pending, initiated, unconfirmed, fallback, blocked (the call policy refused the number); then calling, ringing, connected, ended, missed, voicemail, rejected from Dialpad's events; unknown when the sweep gave up")
    public String status;
    @Schema(nullable = true)
    public String reason;
    @JsonProperty("to_number")
    public String toNumber;
    @JsonProperty("tel_uri")
    @Schema(nullable = true, description = "null for a blocked call: no link is offered for it")
    public String telUri;
    @Schema(allowableValues = {"api", "cti"}, description = "api: this service asked Dialpad to call; cti: Dialpad's"
            + " embedded dialer in the rep's browser placed the call")
    public String channel;
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
    @JsonProperty("answered_at")
    @Schema(format = "date-time", nullable = true)
    public String answeredAt;
    @JsonProperty("ended_at")
    @Schema(format = "date-time", nullable = true)
    public String endedAt;
    @JsonProperty("duration_ms")
    @Schema(nullable = true)
    public Long durationMs;
    @JsonProperty("recording_url")
    @Schema(nullable = true)
    public String recordingUrl;
    @Schema(description = "Dialpad's call events, oldest first (GET /calls/{id} only)")
    public java.util.List<TimelineEntry> events;
    @JsonProperty("updated_at")
    @Schema(format = "date-time")
    public String updatedAt;

    @Schema(name = "TimelineEntry")
    public static class TimelineEntry {
        @Schema(example = "connected")
        public String state;
        @Schema(format = "date-time")
        public String at;
    }
}
