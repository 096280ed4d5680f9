package org.clicktocall.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The click path's guard rails ({@code calls.*} in config/application.yaml, which says why each value is what it
 * is), read and checked once at start. Only the keys the click path reads are bound here.
 *
 * @param idempotencyTtlSeconds      how long an Idempotency-Key's answer is kept for replays
 * @param idempotencyTakeoverSeconds a claim in flight this long was abandoned
 * @param duplicateWindowMs          same rep + same number within this window is a double click (0 = off)
 * @param budget                     call starts per rep per period (Dialpad's own limit)
 * @param logFullNumbers             the call log shows whole numbers instead of the last 4 digits
 */
@ConfigurationProperties("calls")
public record ClickGuardProperties(@DefaultValue("86400") long idempotencyTtlSeconds,
                                   @DefaultValue("60") long idempotencyTakeoverSeconds,
                                   @DefaultValue("10000") long duplicateWindowMs,
                                   @DefaultValue Budget budget,
                                   @DefaultValue("false") boolean logFullNumbers) {

    public ClickGuardProperties {
        if (idempotencyTakeoverSeconds <= 0) {
            throw new IllegalArgumentException("calls.idempotency-takeover-seconds must be > 0");
        }
        if (duplicateWindowMs < 0) {
            throw new IllegalArgumentException("calls.duplicate-window-ms must be >= 0 (0 = off)");
        }
    }

    /** @param calls starts per period (0 = off) @param periodSeconds the period */
    public record Budget(@DefaultValue("5") int calls, @DefaultValue("60") int periodSeconds) {
        public Budget {
            if (calls < 0 || periodSeconds <= 0) {
                throw new IllegalArgumentException(
                        "calls.budget.calls must be >= 0 (0 = off) and calls.budget.period-seconds > 0");
            }
        }
    }
}
