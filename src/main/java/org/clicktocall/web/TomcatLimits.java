package org.clicktocall.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Lets the gate refuse a request without Tomcat reading the rest of its body afterwards.
 *
 * <p>After a response Tomcat normally drains ("swallows") what the client has not sent yet, so the connection can
 * be reused; for a body trickled one byte a second that drain holds the request thread. A refused request's
 * connection is closed instead, at once: the same thing Tomcat does for an upload it refuses itself.
 *
 * <p>Also: what Tomcat refuses before any application code runs (an encoded '/' or '\' in the path, a malformed
 * request line) is answered in the API's JSON error shape instead of Tomcat's HTML page.
 */
@Component
public class TomcatLimits implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final String DROP_BODY = TomcatLimits.class.getName() + ".dropBody";

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        // While a body is read, each read waits at most 2 s (instead of the 5 s connection timeout), so a body
        // that stalls gives its thread back within calls.http.body-timeout + 2 s.
        factory.addConnectorCustomizers(connector -> {
            connector.setProperty("disableUploadTimeout", "false");
            connector.setProperty("connectionUploadTimeout", "2000");
        });
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
        factory.addContextValves(new ValveBase(true) {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
                request.setAttribute(DROP_BODY,
                        (Runnable) () -> request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null));
                getNext().invoke(request, response);
            }
        });
    }

    /** Tomcat's own refusals, in the API's error shape, saying nothing about the server. */
    public static class JsonErrorReportValve extends ErrorReportValve {
        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            String code = status == 400 ? "invalid_path" : status < 500 ? "invalid_request" : "internal_error";
            String message = status == 400 ? "The request line or path was refused (an encoded slash or backslash, or malformed)"
                    : "The request could not be processed";
            try {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.getReporter().write("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
                response.finishResponse();
            } catch (IOException | IllegalStateException ignored) {
                // the client is gone
            }
        }
    }

    /** Close the connection after this answer without draining the unread body (no-op outside Tomcat). */
    public static void dropUnreadBody(HttpServletRequest request) {
        if (request.getAttribute(DROP_BODY) instanceof Runnable drop) {
            drop.run();
        }
    }
}
