package org.clicktocall.calls;

import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.clicktocall.config.ClickGuardProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records each finished call attempt for operations: the {@code clicktocall.calls} counter by action and reason,
 * the {@code clicktocall.calls.blocked} counter by reason for clicks the call policy refused, and one log line in key=value form (call id, rep, outcome, reason, Dialpad's HTTP status, time taken). Never a
 * token; the number shows its last 4 digits only unless {@code calls.log-full-numbers} is set.
 */
@Component("callLog")
public class CallLog {

    private static final Logger LOG = LoggerFactory.getLogger("clicktocall.calls");

    private final boolean fullNumbers;
    private final MeterRegistry meters;

    public CallLog(ClickGuardProperties properties, MeterRegistry meters) {
        this.fullNumbers = properties.logFullNumbers();
        this.meters = meters;
    }

    public void attempt(CallAttempt attempt) {
        CallAttempt.Outcome outcome = attempt.outcome();
        String reason = outcome.reason();
        String action = CallAnswers.action(reason == null ? "initiated" : outcome.status(), attempt.request().channel());
        meters.counter("clicktocall.calls", "action", action, "reason", reason == null ? "none" : reason).increment();
        if ("blocked".equals(action)) {
            // by reason only: never the number or the rep (a tag per value would also grow without bound)
            Counter.builder("clicktocall.calls.blocked").description("Clicks the call policy refused, by reason")
                    .tag("reason", reason).register(meters).increment();
        }
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info("call_attempt id={} rep_id={} action={} status={} reason={} dialpad_status={} to={} latency_ms={}",
                attempt.id(), quoted(attempt.request().repId()), action, outcome.status(),
                reason == null ? "-" : reason, outcome.dialpadStatus() == null ? "-" : outcome.dialpadStatus(),
                number(attempt.toNumber()), (System.nanoTime() - attempt.request().startedNanos()) / 1_000_000);
    }

    String number(String e164) {
        if (fullNumbers || e164 == null || e164.length() <= 4) {
            return e164;
        }
        return "*".repeat(e164.length() - 4) + e164.substring(e164.length() - 4);
    }

    /** A value the log line shows as it is; anything else is quoted. */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.@:-]+");

    private static String quoted(Object value) {
        String text = String.valueOf(value);
        return BARE.matcher(text).matches() ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
