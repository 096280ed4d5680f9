package org.clicktocall.oauth;

import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * One refresh run's settings, held in refresh-expiring-tokens' variable {@code refreshPlan}: the {@code :#name}
 * parameters of count-expiring-tokens.sql and claim-expiring-tokens.sql.
 *
 * @param batch rows claimed per statement; 0 without an OAuth client (nothing to refresh with)
 */
public record RefreshPlan(int windowSeconds, int batch, int leaseSeconds) implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("windowSeconds", windowSeconds, "batch", batch, "leaseSeconds", leaseSeconds);
    }
}
