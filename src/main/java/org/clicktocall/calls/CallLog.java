package org.clicktocall.calls;


import org.apache.camel.ExchangeProperty;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Records each finished call attempt for operations: the {@code clicktocall.calls} counter by action and reason,
 * and one log line in key=value form (call id, rep, outcome, reason, Dialpad's HTTP status, time taken). Never a
 * token; the number shows its last 4 digits only unless {@code calls.log-full-numbers} is set.
 */
@Component("callLog")
public class CallLog {

    private static final Logger LOG = LoggerFactory.getLogger("clicktocall.calls");

    private final boolean fullNumbers;
    private final MeterRegistry meters;

    public CallLog(@Value("${calls.log-full-numbers:false}") boolean fullNumbers, MeterRegistry meters) {
        this.fullNumbers = fullNumbers;
        this.meters = meters;
    }

    public void attempt(@ExchangeProperty("call") Map<String, Object> call) {
        Object reason = call.get("reason");
        String action = reason == null ? "dialpad" : CallAnswers.action((String) call.get("status"));
        meters.counter("clicktocall.calls", "action", action,
                "reason", reason == null ? "none" : reason.toString()).increment();
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long started = (Long) call.getOrDefault("startedNanos", System.nanoTime());
        LOG.info("call_attempt id={} rep_id={} action={} status={} reason={} dialpad_status={} to={} latency_ms={}",
                call.get("id"), quoted(call.get("repId")), action, call.get("status"),
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
