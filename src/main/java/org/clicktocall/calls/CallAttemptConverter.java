package org.clicktocall.calls;

import java.util.Map;

import org.apache.camel.Converter;
import org.apache.camel.TypeConverters;
import org.springframework.stereotype.Component;

/**
 * Lets a click route hand its {@code attempt} variable straight to camel-sql ({@code variableSend: attempt}):
 * camel-sql reads {@code :#name} parameters from a Map body, and this turns the attempt into its read-only view.
 * (Camel registers TypeConverters beans at start.)
 */
@Component
public class CallAttemptConverter implements TypeConverters {

    @Converter
    public static Map<String, Object> toSqlParameters(CallAttempt attempt) {
        return attempt.sqlParameters();
    }
}
