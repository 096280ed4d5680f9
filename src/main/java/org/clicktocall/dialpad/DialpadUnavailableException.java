package org.clicktocall.dialpad;

/** Dialpad answered with a server error: counts as a failure for the circuit breaker. */
public class DialpadUnavailableException extends RuntimeException {

    public DialpadUnavailableException(String message) {
        super(message, null, false, false);
    }
}
