package org.clicktocall.dialpad;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whether a failed Dialpad request may have reached Dialpad decides between a tel: fallback and "unconfirmed". */
class DialpadOutcomeTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("breaker open (no exception)", null, "dialpad_unavailable"),
                Arguments.of("breaker open", CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x")), "dialpad_unavailable"),
                Arguments.of("connection refused", new HttpHostConnectException("refused"), "dialpad_unavailable"),
                Arguments.of("connection refused, wrapped", new IOException(new ConnectException("refused")), "dialpad_unavailable"),
                Arguments.of("connect timeout", new ConnectTimeoutException("connect timed out"), "dialpad_unavailable"),
                Arguments.of("no pooled connection free", new ConnectionRequestTimeoutException("lease"), "dialpad_unavailable"),
                Arguments.of("unknown host", new UnknownHostException("dialpad.com"), "dialpad_unavailable"),
                Arguments.of("a bug before sending", new NumberFormatException("x"), "dialpad_unavailable"),
                Arguments.of("response timeout", new SocketTimeoutException("Read timed out"), "dialpad_timeout"),
                Arguments.of("5xx", new DialpadUnavailableException(503), "dialpad_error"),
                Arguments.of("closed without answering", new NoHttpResponseException("no response"), "dialpad_error"),
                Arguments.of("reset after sending", new SocketException("Connection reset"), "dialpad_error"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("failures")
    void onlyFailuresBeforeSendingAreTelFallbacks(String what, Throwable cause, String reason) {
        assertThat(DialpadCallApi.reasonFor(cause)).isEqualTo(reason);
    }
}
