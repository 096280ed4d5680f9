package org.clicktocall.calls;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One line per call attempt, in key=value form, so operations can see why calls fall back: call id, rep,
 * outcome, reason, Dialpad's HTTP status and the time taken. Never a token; the number shows its last 4 digits
 * only unless {@code calls.log-full-numbers} is set.
 */
@Component("callLog")
public class CallLog {

    private static final Logger LOG = LoggerFactory.getLogger("clicktocall.calls");

    private final boolean fullNumbers;

    public CallLog(@Value("${calls.log-full-numbers:false}") boolean fullNumbers) {
        this.fullNumbers = fullNumbers;
    }

    public void attempt(Map<String, Object> call) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Object reason = call.get("reason");
        long started = (Long) call.getOrDefault("startedNanos", System.nanoTime());
        LOG.info("call_attempt id={} rep_id={} action={} status={} reason={} dialpad_status={} to={} latency_ms={}",
                call.get("id"), quoted(call.get("repId")), reason == null ? "dialpad" : "tel", call.get("status"),
                reason == null ? "-" : reason, call.get("dialpadStatus") == null ? "-" : call.get("dialpadStatus"),
                number((String) call.get("toNumber")), (System.nanoTime() - started) / 1_000_000);
    }

    String number(String e164) {
        if (fullNumbers || e164 == null || e164.length() <= 4) {
            return e164;
        }
        return "*".repeat(e164.length() - 4) + e164.substring(e164.length() - 4);
    }

    private static String quoted(Object value) {
        String text = String.valueOf(value);
        return text.matches("[A-Za-z0-9_.@:-]+") ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
