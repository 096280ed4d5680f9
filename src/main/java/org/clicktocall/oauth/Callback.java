package org.clicktocall.oauth;

import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * What Dialpad sent the rep's browser back with, held in finish-dialpad-connect's variable {@code callback}: the
 * code, the state's hash (use-oauth-state.sql's {@code :#stateHash}) and Dialpad's own error, if any.
 * {@link #toString()} never shows the code.
 *
 * @param dialpadError Dialpad's error (access_denied when the rep declined), checked; null when there is none
 */
public record Callback(String code, String stateHash, String dialpadError) implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("stateHash", stateHash);
    }

    @Override
    public String toString() {
        return "Callback[code=" + (code == null ? "none" : "***") + ", dialpadError=" + dialpadError + "]";
    }
}
