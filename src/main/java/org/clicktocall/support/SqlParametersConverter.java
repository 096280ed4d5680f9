package org.clicktocall.support;

import java.util.Map;

import org.apache.camel.Converter;
import org.apache.camel.TypeConverters;
import org.springframework.stereotype.Component;

/**
 * Lets a route send a {@link SqlParameters} variable straight to camel-sql ({@code variableSend}). Camel finds this
 * converter for every class implementing the interface. (Camel registers TypeConverters beans at start.)
 */
@Component
public class SqlParametersConverter implements TypeConverters {

    @Converter
    public static Map<String, Object> toSqlParameters(SqlParameters value) {
        return value.sqlParameters();
    }
}
