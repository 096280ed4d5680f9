package org.clicktocall.calls;

import java.util.HashMap;
import java.util.Map;

import org.clicktocall.tokens.TokenCipher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Settings and the token for the call sweep, which asks Dialpad about calls whose events stopped and closes
 * those it never hears about.
 */
@Component("callSweep")
public class CallSweep {

    private final TokenCipher cipher;
    private final Map<String, Object> parameters = new HashMap<>();

    public CallSweep(TokenCipher cipher,
                     @Value("${calls.sweep.stale-after-seconds:600}") int staleAfterSeconds,
                     @Value("${calls.sweep.give-up-after-seconds:7200}") int giveUpAfterSeconds,
                     @Value("${calls.sweep.batch:8}") int batch) {
        if (batch < 0 || batch > 10) {
            throw new IllegalStateException("calls.sweep.batch must be 0 to 10: Dialpad allows 10 call lookups a minute");
        }
        this.cipher = cipher;
        parameters.put("staleAfterSeconds", staleAfterSeconds);
        parameters.put("giveUpAfterSeconds", giveUpAfterSeconds);
        parameters.put("sweepBatch", batch);
    }

    /** The SQL parameters of the sweep's statements. */
    public Map<String, Object> parameters() {
        return new HashMap<>(parameters);
    }

    /** Bearer header for asking Dialpad about one of the rep's calls. */
    public String authorization(Map<String, Object> staleCall) {
        return "Bearer " + cipher.decrypt((String) staleCall.get("rep_id"), "access_token", (String) staleCall.get("access_token"));
    }
}
