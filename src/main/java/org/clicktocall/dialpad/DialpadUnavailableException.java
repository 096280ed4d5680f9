package org.clicktocall.dialpad;

/** Dialpad answered with a server error: counts as a failure for the circuit breaker. */
public class DialpadUnavailableException extends RuntimeException {

    private final int status;

    public DialpadUnavailableException(int status) {
        super("Dialpad answered HTTP " + status, null, false, false);
        this.status = status;
    }

    /** Dialpad's HTTP status. */
    public int status() {
        return status;
    }
}
