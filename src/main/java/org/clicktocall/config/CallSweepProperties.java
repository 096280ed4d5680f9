package org.clicktocall.config;

import java.util.Map;

import org.clicktocall.support.SqlParameters;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The call sweep's settings ({@code calls.sweep.*} in config/application.yaml, which says why each value is what
 * it is), read and checked once at start. The sweep's statements read them as {@code :#name} parameters (the
 * {@code sweep} variable of routes/call-sweep.yaml). The schedule itself ({@code calls.sweep.cron}) is read by
 * routes/schedules/clustered-schedules.yaml.
 *
 * @param staleAfterSeconds  a call with no event for this long is looked up at Dialpad
 * @param giveUpAfterSeconds a call still open this long after it started is closed as 'unknown'
 * @param batch              lookups per run: Dialpad allows 10 GET /api/v2/call a minute
 */
@ConfigurationProperties("calls.sweep")
public record CallSweepProperties(@DefaultValue("600") int staleAfterSeconds,
                                  @DefaultValue("7200") int giveUpAfterSeconds,
                                  @DefaultValue("8") int batch) implements SqlParameters {

    public CallSweepProperties {
        if (batch < 0 || batch > 10) {
            throw new IllegalStateException("calls.sweep.batch must be 0 to 10: Dialpad allows 10 call lookups a minute");
        }
        if (staleAfterSeconds <= 0 || giveUpAfterSeconds <= 0) {
            throw new IllegalStateException("calls.sweep.stale-after-seconds and calls.sweep.give-up-after-seconds"
                    + " must be > 0");
        }
    }

    /** The names give-up-on-calls.sql and find-stale-calls.sql use. */
    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("staleAfterSeconds", staleAfterSeconds, "giveUpAfterSeconds", giveUpAfterSeconds,
                "sweepBatch", batch);
    }
}
