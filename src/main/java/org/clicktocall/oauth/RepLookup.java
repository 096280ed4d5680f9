package org.clicktocall.oauth;

import java.util.Map;

import org.clicktocall.support.SqlParameters;

/** A checked rep id from the path, as find-rep-connection.sql and forget-rep-token.sql take it ({@code :#repId}). */
public record RepLookup(String repId) implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("repId", repId);
    }
}
