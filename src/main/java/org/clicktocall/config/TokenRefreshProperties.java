package org.clicktocall.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The token refresh's settings ({@code tokens.refresh.*} in config/application.yaml, which says why each value is
 * what it is), read and checked once at start. The schedule itself ({@code tokens.refresh.cron}) is read by
 * routes/schedules/clustered-schedules.yaml.
 *
 * @param windowSeconds tokens expiring within this many seconds are refreshed
 * @param batch         rows claimed per statement
 * @param leaseSeconds  how long a claimed token is this instance's
 */
@ConfigurationProperties("tokens.refresh")
public record TokenRefreshProperties(@DefaultValue("600") int windowSeconds,
                                     @DefaultValue("100") int batch,
                                     @DefaultValue("60") int leaseSeconds) {

    public TokenRefreshProperties {
        if (windowSeconds <= 0 || leaseSeconds <= 0) {
            throw new IllegalStateException("tokens.refresh.window-seconds and tokens.refresh.lease-seconds must be > 0");
        }
        if (batch < 0) {
            throw new IllegalStateException("tokens.refresh.batch must be >= 0 (0 refreshes nothing)");
        }
    }
}
