package org.clicktocall.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A typed value a route hands to camel-sql as it is ({@code variableSend: name}): camel-sql binds {@code :#name}
 * parameters from a Map body, and {@link SqlParametersConverter} turns the value into this read-only map.
 */
public interface SqlParameters {

    /** The {@code :#name} parameters this value supplies, read-only. */
    Map<String, Object> sqlParameters();

    /** A read-only map of names and values (values may be null, which {@code Map.of} refuses). */
    static Map<String, Object> of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(parameters);
    }
}
