package org.clicktocall.calls;

import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.clicktocall.tokens.TokenCipher;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * POST /calls/{id}/hangup: which calls can be hung up, the rep's bearer to ask Dialpad with, and what Dialpad's
 * answer means. Only a call Dialpad knows (a numeric call id) and that has not ended can be hung up.
 */
@Component("callHangups")
public class CallHangups {

    /** Ranks from DialpadEvents: 5 and above are over (ended, missed, voicemail, rejected; 9 a tel: fallback). */
    private static final int OVER = 5;

    private final TokenCipher cipher;

    public CallHangups(TokenCipher cipher) {
        this.cipher = cipher;
    }

    /** The call to hang up (404 unknown; 409 when Dialpad has no call for it, it is over, or the rep disconnected). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> target(Object row) {
        if (!(row instanceof Map<?, ?> found)) {
            throw ApiException.notFound("No call with this id");
        }
        Map<String, Object> call = (Map<String, Object>) found;
        Object callId = call.get("external_call_id");
        if (callId == null || !String.valueOf(callId).matches("[0-9]{1,20}")) {
            throw new ApiException(409, "no_dialpad_call", "Dialpad has no call id for this call (a tel: link or not started)");
        }
        if (((Number) call.get("status_rank")).intValue() >= OVER) {
            throw new ApiException(409, "call_over", "The call is already over (" + call.get("status") + ")");
        }
        if (call.get("access_token") == null) {
            throw new ApiException(409, "dialpad_not_connected", "The call's rep is no longer connected to Dialpad");
        }
        return call;
    }

    /** Bearer header: Dialpad lets a user hang up the user's own calls. */
    public String authorization(Map<String, Object> call) {
        return "Bearer " + cipher.decrypt((String) call.get("rep_id"), "access_token", (String) call.get("access_token"));
    }

    /** Dialpad's answer: 2xx accepted; 404 the call is gone already (409); anything else a 502. */
    public void checkDialpadAnswer(Object status) {
        int code = status instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(status));
        if (code >= 200 && code < 300) {
            return;
        }
        if (code == 404) {
            throw new ApiException(409, "call_over", "Dialpad no longer has this call");
        }
        throw new ApiException(502, "dialpad_error", "Dialpad refused to hang up (HTTP " + code + ")");
    }

    public Map<String, Object> answer(Map<String, Object> call, Object requestedAt) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", String.valueOf(call.get("id")));
        answer.put("status", call.get("status"));
        answer.put("hangup_requested_at", requestedAt instanceof java.sql.Timestamp ts
                ? ts.toInstant().atOffset(ZoneOffset.UTC).toString() : String.valueOf(requestedAt));
        return answer;
    }
}
