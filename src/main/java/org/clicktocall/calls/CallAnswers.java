package org.clicktocall.calls;


import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

/** What the CRM reads back about a stored call (GET), and the action rule POST /calls shares (CallAnswerBuilder). */
@Component("callAnswers")
public class CallAnswers {

    /**
     * What the CRM should do for a call in this status: {@code tel} for a fallback (nothing rings), {@code blocked}
     * when the call policy refused the number (do not call), {@code unconfirmed} while Dialpad may or may not ring,
     * {@code cti} for a call Dialpad's embedded dialer places (channel cti), {@code dialpad} once Dialpad took it
     * (or is taking it).
     */
    public static String action(String status, String channel) {
        if ("fallback".equals(status)) {
            return "tel";
        }
        if ("blocked".equals(status)) {
            return "blocked";
        }
        if ("unconfirmed".equals(status)) {
            return "unconfirmed";
        }
        return "cti".equals(channel) ? "cti" : "dialpad";
    }

    /** The phone link, except for a call the policy refused: no link is offered for it. */
    static String telUri(String status, String toNumber) {
        return "blocked".equals(status) ? null : "tel:" + toNumber;
    }

    /** GET /calls/{id}: the stored row, with the same field names as the POST answer where they overlap. */
    public Map<String, Object> stored(Map<String, Object> row) {
        String toNumber = (String) row.get("to_number");
        Object reason = row.get("fallback_reason");
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", row.get("id").toString());
        call.put("direction", row.get("direction"));
        call.put("action", "pending".equals(row.get("status")) ? null
                : action((String) row.get("status"), (String) row.get("channel")));
        call.put("status", row.get("status"));
        call.put("reason", reason);
        call.put("to_number", toNumber);
        call.put("tel_uri", telUri((String) row.get("status"), toNumber));
        call.put("channel", row.get("channel"));
        call.put("rep_id", row.get("rep_id"));
        call.put("dialpad_user_id", row.get("dialpad_user_id"));
        call.put("dialpad_call_id", row.get("external_call_id"));
        call.put("contact_id", row.get("related_contact_id"));
        call.put("deal_id", row.get("related_deal_id"));
        call.put("external_id", row.get("external_id"));
        call.put("started_at", timestamp(row.get("started_at")));
        call.put("answered_at", timestamp(row.get("answered_at")));
        call.put("ended_at", timestamp(row.get("ended_at")));
        call.put("duration_ms", row.get("duration_ms"));
        call.put("recording_url", row.get("recording_url"));
        call.put("updated_at", timestamp(row.get("updated_at")));
        return call;
    }

    static String timestamp(Object value) {
        if (value instanceof java.sql.Timestamp ts) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ts.toInstant().atOffset(ZoneOffset.UTC));
        }
        if (value instanceof OffsetDateTime odt) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(odt.withOffsetSameInstant(ZoneOffset.UTC));
        }
        return value == null ? null : value.toString();
    }
}
