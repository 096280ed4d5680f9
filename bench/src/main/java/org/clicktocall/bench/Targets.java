package org.clicktocall.bench;

/**
 * The figures each scenario is checked against (the current performance targets where they set one; the earlier targets
 * elsewhere), and the service limits the scenarios are built around.
 */
final class Targets {

    private Targets() {
    }

    // ----- current targets: same machine, same run as the floor --------------------------------------------------------
    /** happy: the service's clicks/s ÷ the floor's clicks/s. */
    static final double HAPPY_MIN_RATIO_TO_FLOOR = 0.93;
    /** happy: p99 service − p99 floor. */
    static final double HAPPY_MAX_ADDED_P99_MS = 15;
    /** happy and capacity: the service JVM's CPU per click. */
    static final double MAX_SERVICE_CPU_MS_PER_CLICK = 0.7;
    /** capacity (256 clients): share of clicks answered action=dialpad. */
    static final double CAPACITY_MIN_DIALPAD_SHARE_PCT = 99;
    /** The harness measures the service, not itself: the load generator's CPU per request. */
    static final double GENERATOR_MAX_CPU_MS_PER_REQUEST = 0.1;
    static final double FOOTPRINT_MAX_START_S = 4;
    /** 300 MB (decimal, as the target is written) in MiB, the unit /proc reports. */
    static final double FOOTPRINT_MAX_RSS_MIB = 300e6 / (1024 * 1024);

    // ----- earlier targets, kept for the scenarios the current ones do not restate ----------------------------------
    static final double LIGHT_MAX_ADDED_P50_MS = 2;
    static final double LIGHT_MAX_ADDED_P99_MS = 5;
    static final double FAILURE_MAX_FALLBACK_P99_MS = 5;
    static final double FAILURE_MAX_PROBE_P99_MS = 50;
    static final double FAILURE_BOUND_SLACK_MS = 100;
    static final double EVENTS_MIN_PER_SEC = 2000;
    static final int REFRESH_TARGET_TOKENS = 10_000;
    static final double REFRESH_MAX_SECONDS = 60;

    // ----- the service's limits the scenarios work with ----------------------------------------------------------
    /** Dialpad's own limit, which the service's per-rep budget mirrors: 5 call starts per minute per rep. */
    static final int REP_CALLS_PER_MINUTE = 5;
    /** The events scenario GETs this many of its calls afterwards to see that they ended. */
    static final int EVENTS_VERIFY_SAMPLE = 100;
    /** The token-refresh cron the harness gives the service when refresh-sweep runs (Quartz, seconds first). */
    static final String REFRESH_CRON = "*/5 * * * * ?";
    static final long REFRESH_CRON_PERIOD_MS = 5000;
    /** Sample of refreshed reps read back with GET /reps/{id}/dialpad. */
    static final int REFRESH_VERIFY_SAMPLE = 20;
}
