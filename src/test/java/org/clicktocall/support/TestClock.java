package org.clicktocall.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in the tests (replaces {@code ClockConfiguration}'s): a fixed moment a test may move, so a
 * click's calling hours do not depend on when the tests run. Every test starts at {@link #DEFAULT}.
 */
public final class TestClock extends Clock {

    /** A Wednesday, 18:00 UTC: midday across the United States (Honolulu 08:00, New York 13:00) and London 18:00. */
    public static final Instant DEFAULT = Instant.parse("2026-01-14T18:00:00Z");

    private volatile Instant now = DEFAULT;

    public void set(Instant instant) {
        now = instant;
    }

    public void reset() {
        now = DEFAULT;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(now, zone);
    }
}
