package org.clicktocall.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.util.ObjectHelper;
import org.clicktocall.calls.CallAnswerBuilder;
import org.clicktocall.calls.CallAttempt;
import org.clicktocall.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one shape of every error answer: {@code {"error": {"code", "message"}}}. Routes call it from the
 * {@code api-errors} route configuration; servlet filters and the error controller call it directly.
 */
@Component("errorBodies")
public class ErrorBodies {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorBodies.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    public static Map<String, Object> of(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        return body;
    }

    /** Writes an error straight to a servlet response (for answers given before Camel sees the request). */
    public static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(of(code, message));
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Turns the exception a route caught into the client's answer: status header and error body. */
    public Map<String, Object> fromCaughtException(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message message = exchange.getMessage();
        // Beans called from expressions arrive wrapped (e.g. RuntimeBeanExpressionException): look inside.
        ApiException api = ObjectHelper.getException(ApiException.class, caught);
        if (api != null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, api.status());
            return of(api.code(), api.getMessage());
        }
        // Anything else is our fault: log the type for operators, tell the client nothing internal.
        LOG.error("Unexpected failure in route {}: {}", exchange.getFromRouteId(),
                caught == null ? "unknown" : caught.getClass().getName());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
        return of("internal_error", "The request could not be processed; nothing was dialled.");
    }

    /**
     * The database is unreachable: answer 503 but still give the CRM the tel: link, so the rep can call.
     * No Dialpad call has been placed, because the calls row could not be written first.
     */
    public Map<String, Object> databaseUnavailable(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        exchange.getMessage().setHeader("Retry-After", "5");
        CallAttempt attempt = exchange.getVariable("attempt") instanceof CallAttempt a ? a : null;
        if (attempt != null && "blocked".equals(attempt.outcome().status())) {
            // The call policy refused the number before the failure: no link is offered for it.
            return of("database_unavailable", "The call log is unavailable. The call is not placed: "
                    + attempt.outcome().detail());
        }
        Map<String, Object> body = of("database_unavailable",
                "The call log is unavailable, so Dialpad was not asked to call. Use the phone link instead.");
        if (attempt != null) {
            body.put("tel_uri", "tel:" + attempt.toNumber());
            body.put("dialpad_uri", CallAnswerBuilder.dialpadUri("fallback", attempt.toNumber(),
                    attempt.id().toString(), attempt.outcome().callerId()));
        }
        LOG.warn("Database unavailable in route {}: {}", exchange.getFromRouteId(),
                describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
        return body;
    }

    /** Short, secret-free description of a failure for logs: exception types only, never messages. */
    private static String describe(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ")";
    }
}
