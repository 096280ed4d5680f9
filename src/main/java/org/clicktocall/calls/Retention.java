package org.clicktocall.calls;

import java.util.HashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * How long calls and Dialpad's events are kept, read and checked once at start. The retention route deletes at
 * most {@code batch} rows per table and run (one statement each), so a run's work and locks are bounded however
 * much has piled up; a backlog is worked off a batch a minute. Zero days means keep forever for that kind.
 */
@Component("retention")
public class Retention {

    private final Map<String, Object> parameters = new HashMap<>();

    public Retention(@Value("${calls.retention.calls-days:400}") int callsDays,
                     @Value("${calls.retention.events-days:90}") int eventsDays,
                     @Value("${calls.retention.unmatched-events-days:7}") int unmatchedDays,
                     @Value("${calls.retention.batch:5000}") int batch) {
        if (callsDays < 0 || eventsDays < 0 || unmatchedDays < 0) {
            throw new IllegalStateException("calls.retention.*-days must be 0 (keep forever) or more days");
        }
        if (batch < 1 || batch > 50_000) {
            throw new IllegalStateException("calls.retention.batch must be 1 to 50000 rows per statement");
        }
        parameters.put("callsDays", callsDays);
        parameters.put("callsBatch", callsDays == 0 ? 0 : batch);
        parameters.put("eventsDays", eventsDays);
        parameters.put("eventsBatch", eventsDays == 0 ? 0 : batch);
        parameters.put("unmatchedDays", unmatchedDays);
        parameters.put("unmatchedBatch", unmatchedDays == 0 ? 0 : batch);
        parameters.put("statesBatch", batch);
    }

    /** The SQL parameters of the purge statements (a batch of 0 deletes nothing: that kind is kept forever). */
    public Map<String, Object> parameters() {
        return new HashMap<>(parameters);
    }
}
