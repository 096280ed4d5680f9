package org.clicktocall.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds of the live status streams ({@code GET /calls/{id}/events}; {@code calls.streams.*} in
 * config/application.yaml, which says why each value is what it is), read and checked once at start. Caps are per
 * instance: they bound what one instance holds open.
 *
 * @param maxStreams   streams open at once on this instance
 * @param maxPerRep    streams one widget rep may hold open at once
 * @param maxPerKey    streams one API key may hold open at once
 * @param maxLifetime  a stream ends after this, even if its call goes on (the widget opens a new one)
 * @param heartbeat    a comment line this often, so proxies do not close a quiet stream
 * @param pollInterval how often the followed calls' rows are read from PostgreSQL
 */
@ConfigurationProperties("calls.streams")
public record CallStreamProperties(@DefaultValue("500") int maxStreams,
                                   @DefaultValue("4") int maxPerRep,
                                   @DefaultValue("100") int maxPerKey,
                                   @DefaultValue("5m") Duration maxLifetime,
                                   @DefaultValue("15s") Duration heartbeat,
                                   @DefaultValue("1s") Duration pollInterval) {

    public CallStreamProperties {
        if (maxStreams <= 0 || maxPerRep <= 0 || maxPerKey <= 0) {
            throw new IllegalArgumentException("calls.streams.max-streams, max-per-rep and max-per-key must be > 0");
        }
        if (maxLifetime.compareTo(Duration.ofSeconds(1)) < 0 || maxLifetime.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("calls.streams.max-lifetime must be 1 s to 1 h; got " + maxLifetime);
        }
        if (heartbeat.compareTo(Duration.ofMillis(100)) < 0 || heartbeat.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("calls.streams.heartbeat must be 100 ms to 60 s (proxies cut idle"
                    + " connections after about a minute); got " + heartbeat);
        }
        if (pollInterval.compareTo(Duration.ofMillis(100)) < 0 || pollInterval.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("calls.streams.poll-interval must be 100 ms to 30 s; got " + pollInterval);
        }
    }
}
