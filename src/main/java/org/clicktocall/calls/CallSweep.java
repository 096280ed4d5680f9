package org.clicktocall.calls;

import org.clicktocall.config.CallSweepProperties;
import org.clicktocall.tokens.TokenCipher;
import org.springframework.stereotype.Component;

/**
 * The call sweep's beans (routes/call-sweep.yaml), which asks Dialpad about calls whose events stopped and closes
 * those it never hears about: its settings, and the rep's Bearer token for one lookup.
 */
@Component("callSweep")
public class CallSweep {

    private final TokenCipher cipher;
    private final CallSweepProperties settings;

    public CallSweep(TokenCipher cipher, CallSweepProperties settings) {
        this.cipher = cipher;
        this.settings = settings;
    }

    /** The sweep's settings, which are also its statements' parameters. */
    public CallSweepProperties settings() {
        return settings;
    }

    /** Bearer value for asking Dialpad about one of the rep's calls (fails when the token does not decrypt). */
    public String authorization(StaleCall call) {
        return "Bearer " + cipher.decrypt(call.repId(), "access_token", call.encryptedAccessToken());
    }
}
