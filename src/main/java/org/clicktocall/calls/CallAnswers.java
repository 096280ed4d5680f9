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

    /**
     * The 201 body for a finished attempt: Dialpad is ringing the rep ({@code dialpad}), Dialpad had the request
     * but gave no clear answer so the rep's phone may still ring ({@code unconfirmed}, with the tel: link in case it
     * does not), or here is a tel: link and why ({@code tel}).
     */
    public Map<String, Object> created(Map<String, Object> call) {
        String toNumber = (String) call.get("toNumber");
        Object reason = call.get("reason");
        String action = action(reason == null ? "initiated" : (String) call.get("status"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", call.get("id").toString());
        answer.put("action", action);
        answer.put("status", switch (action) {
            case "dialpad" -> "initiated";
            case "unconfirmed" -> "unconfirmed";
            default -> "fallback";
        });
        answer.put("to_number", toNumber);
        answer.put("tel_uri", "tel:" + toNumber);
        answer.put("dialpad_call_id", call.get("dialpadCallId"));
        answer.put("reason", reason);
        answer.put("message", switch (action) {
            case "dialpad" -> "Calling " + toNumber + " via Dialpad";
            case "unconfirmed" -> mayRing(toNumber);
            default -> Boolean.TRUE.equals(call.get("reconnect"))
                    ? "Opening phone: calling " + toNumber + ". Reconnect Dialpad in your settings to call through Dialpad again"
                    : "Opening phone: calling " + toNumber;
        });
        if (call.get("retryAfterSeconds") != null) {
            answer.put("retry_after_seconds", call.get("retryAfterSeconds"));
        }
        return answer;
    }

    /**
     * What the CRM should do for a call in this status: {@code tel} for a fallback (nothing rings),
     * {@code unconfirmed} while Dialpad may or may not ring, {@code dialpad} once Dialpad took it (or is taking it).
     */
    public static String action(String status) {
        if ("fallback".equals(status)) {
            return "tel";
        }
        return "unconfirmed".equals(status) ? "unconfirmed" : "dialpad";
    }

    static String mayRing(String toNumber) {
        return "Dialpad may still ring your phone for " + toNumber + "; if it does not, call from your phone";
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
        Map<String, Object> answer = fromRow(existing, toNumber);
        if ("dialpad".equals(answer.get("action"))) {
            answer.put("message", "Already calling " + toNumber + " via Dialpad");
        }
        answer.put("duplicate", true);
        return answer;
    }

    /**
     * The answer as the stored call tells it (a repeated click, or an Idempotency-Key whose answer was never
     * saved): {@code id}, {@code status}, {@code fallback_reason}, {@code external_call_id}. A call still pending
     * long after its request ended ({@code abandoned}) is told as unconfirmed: Dialpad may have had it.
     */
    public Map<String, Object> fromRow(Map<String, Object> existing, String toNumber) {
        String status = existing.get("status") == null ? "pending" : (String) existing.get("status");
        Object reason = existing.get("fallback_reason");
        String action = Boolean.TRUE.equals(existing.get("abandoned")) && "pending".equals(status)
                ? "unconfirmed" : action(status);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", existing.get("id").toString());
        answer.put("action", action);
        answer.put("status", status);
        answer.put("to_number", toNumber);
        answer.put("tel_uri", "tel:" + toNumber);
        answer.put("dialpad_call_id", existing.get("external_call_id"));
        answer.put("reason", reason);
        answer.put("message", switch (action) {
            case "dialpad" -> "Calling " + toNumber + " via Dialpad";
            case "unconfirmed" -> mayRing(toNumber);
            default -> "Opening phone: calling " + toNumber;
        });
        return answer;
    }

    /** GET /calls/{id}: the stored row, with the same field names as the POST answer where they overlap. */
    public Map<String, Object> stored(Map<String, Object> row) {
        String toNumber = (String) row.get("to_number");
        Object reason = row.get("fallback_reason");
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", row.get("id").toString());
        call.put("direction", row.get("direction"));
        call.put("action", "pending".equals(row.get("status")) ? null : action((String) row.get("status")));
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
