package org.clicktocall.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The click path's Dialpad settings, read and checked once at start: YAML (through {@code DialpadCallApi}) and
 * Java use this value, never the raw property. A value that is not a call mode stops the start with a message
 * naming DIALPAD_CALL_MODE. (Only the keys the click path reads are bound here; the rest of {@code dialpad.*}
 * belongs to other features.)
 *
 * @param callMode                 ring or initiate, any case
 * @param defaultRetryAfterSeconds how long a rep waits after Dialpad's 429 when Dialpad sends no Retry-After
 */
@ConfigurationProperties("dialpad")
public record DialpadCallProperties(CallMode callMode, int defaultRetryAfterSeconds) {

    public DialpadCallProperties {
        if (callMode == null) {
            throw new IllegalArgumentException("dialpad.call-mode (DIALPAD_CALL_MODE) is required");
        }
        if (defaultRetryAfterSeconds <= 0) {
            throw new IllegalArgumentException("dialpad.default-retry-after-seconds must be > 0; got "
                    + defaultRetryAfterSeconds);
        }
    }

    /** Spring binds the text and this constructor parses it, so "Initiate" and " ring " are accepted. */
    @ConstructorBinding
    public DialpadCallProperties(@DefaultValue("ring") String callMode,
                                 @DefaultValue("60") Integer defaultRetryAfterSeconds) {
        this(CallMode.parse(callMode), defaultRetryAfterSeconds);
    }
}
