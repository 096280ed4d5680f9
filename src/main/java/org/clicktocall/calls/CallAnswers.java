package org.clicktocall.calls;


import org.apache.camel.ExchangeProperty;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/** What the CRM reads back: the answer to POST /calls (with a toast message) and the stored call for GET. */
@Component("callAnswers")
public class CallAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The 201 body for a finished attempt: Dialpad is ringing the rep, or here is a tel: link and why. */
    public Map<String, Object> created(Map<String, Object> call) {
        String toNumber = (String) call.get("toNumber");
        Object reason = call.get("reason");
        boolean viaDialpad = reason == null;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", call.get("id").toString());
        answer.put("action", viaDialpad ? "dialpad" : "tel");
        answer.put("status", viaDialpad ? "initiated" : "fallback");
        answer.put("to_number", toNumber);
        answer.put("tel_uri", "tel:" + toNumber);
        answer.put("dialpad_call_id", call.get("dialpadCallId"));
        answer.put("reason", reason);
        answer.put("message", viaDialpad ? "Calling " + toNumber + " via Dialpad"
                : Boolean.TRUE.equals(call.get("reconnect"))
                ? "Opening phone: calling " + toNumber + ". Reconnect Dialpad in your settings to call through Dialpad again"
                : "Opening phone: calling " + toNumber);
        if (call.get("retryAfterSeconds") != null) {
            answer.put("retry_after_seconds", call.get("retryAfterSeconds"));
        }
        return answer;
    }

    /** The 201 body as JSON text, kept in the attempt too so an Idempotency-Key can replay exactly it. */
    public String createdJson(@ExchangeProperty("call") Map<String, Object> call) throws JsonProcessingException {
        String json = JSON.writeValueAsString(created(call));
        call.put("answerStatus", 201);
        call.put("answerBody", json);
        return json;
    }

    /** The answer for a repeated click: the earlier call (still pending when it has not finished yet). */
    public Map<String, Object> duplicate(Map<String, Object> existing, String toNumber) {
        Object status = existing.get("status");
        Object reason = existing.get("fallback_reason");
        boolean viaDialpad = reason == null && !"fallback".equals(status);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", existing.get("id").toString());
        answer.put("action", viaDialpad ? "dialpad" : "tel");
        answer.put("status", status == null ? "pending" : status);
        answer.put("to_number", toNumber);
        answer.put("tel_uri", "tel:" + toNumber);
        answer.put("dialpad_call_id", existing.get("external_call_id"));
        answer.put("reason", reason);
        answer.put("message", viaDialpad ? "Already calling " + toNumber + " via Dialpad" : "Opening phone: calling " + toNumber);
        answer.put("duplicate", true);
        return answer;
    }

    /** GET /calls/{id}: the stored row, with the same field names as the POST answer where they overlap. */
    public Map<String, Object> stored(Map<String, Object> row) {
        String toNumber = (String) row.get("to_number");
        Object reason = row.get("fallback_reason");
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", row.get("id").toString());
        call.put("direction", row.get("direction"));
        call.put("action", "pending".equals(row.get("status")) ? null : reason == null ? "dialpad" : "tel");
        call.put("status", row.get("status"));
        call.put("reason", reason);
        call.put("to_number", toNumber);
        call.put("tel_uri", "tel:" + toNumber);
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
