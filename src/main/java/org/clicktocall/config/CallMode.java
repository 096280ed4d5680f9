package org.clicktocall.config;

import java.util.Locale;

/**
 * Which Dialpad API a click uses. {@code ring}: {@code POST /api/v2/call} rings every device of the rep (or
 * device_id only) and returns call_id. {@code initiate}: {@code POST /api/v2/users/{id}/initiate_call} makes the
 * rep's Dialpad app dial at once; no call id comes back.
 */
public enum CallMode {
    RING("ring"),
    INITIATE("initiate");

    private final String value;

    CallMode(String value) {
        this.value = value;
    }

    /** The spelling used in configuration and in the routes ({@code ring} or {@code initiate}). */
    public String value() {
        return value;
    }

    /** Case and surrounding blanks do not matter; anything else is refused, naming the variable to fix. */
    public static CallMode parse(String text) {
        String normalised = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (CallMode mode : values()) {
            if (mode.value.equals(normalised)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("dialpad.call-mode (DIALPAD_CALL_MODE) must be 'ring' or 'initiate'; got '"
                + text + "'");
    }

    @Override
    public String toString() {
        return value;
    }
}
