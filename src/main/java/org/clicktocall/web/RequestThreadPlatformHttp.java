package org.clicktocall.web;

import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.clicktocall.security.Operations;
import org.clicktocall.security.RequestGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcRegistrations;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.method.MethodValidator;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod;

/**
 * Runs each platform-http route on the web server's request thread.
 *
 * <p>Camel's Spring Boot engine hands every request to a task executor and returns a CompletableFuture, so
 * Spring MVC starts servlet async processing and dispatches the request a second time through the filters
 * and the DispatcherServlet once the route is done. The routes here block anyway (JDBC, the Dialpad call), so
 * that hop buys nothing and costs a thread hand-off and a second dispatch per request (measured in
 * bench/RESULTS.md). Returning {@code null} instead tells Spring MVC the response is complete. Concurrency is
 * then bounded by the web server's threads ({@code server.tomcat.threads.max}).
 *
 * <p>This is also where a request meets the operation the router matched: before the route runs, the
 * {@link RequestGate} checks the key that operation needs and reads its body, so authorization is decided on
 * exactly what was routed, never on how the client spelled the path.
 */
@Configuration(proxyBeanMethods = false)
public class RequestThreadPlatformHttp {

    /** Replaces the auto-configured engine (it is {@code @ConditionalOnMissingBean}). */
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port,
                                          ObjectProvider<Operations> operations, ObjectProvider<RequestGate> gate) {
        return new SpringBootPlatformHttpEngine(port) {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new RequestThreadConsumer(endpoint, processor, operations, gate);
            }
        };
    }

    /**
     * Spring MVC asks its method validator, on every request, which validation groups the handler method declares
     * (an annotation scan, ~2.5 % of a click's CPU). The routes' consumer method has no parameters to validate:
     * each route checks its own input, so for these handlers the question is skipped.
     */
    @Bean
    WebMvcRegistrations platformHttpHandlerAdapter() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
                return new RequestMappingHandlerAdapter() {
                    @Override
                    protected ServletInvocableHandlerMethod createInvocableHandlerMethod(HandlerMethod handler) {
                        if (!(handler.getBean() instanceof PlatformHttpConsumer)) {
                            return super.createInvocableHandlerMethod(handler);
                        }
                        return new ServletInvocableHandlerMethod(handler) {
                            @Override
                            public void setMethodValidator(MethodValidator validator) {
                                // nothing to validate: see above
                            }
                        };
                    }
                };
            }
        };
    }

    static final class RequestThreadConsumer extends SpringBootPlatformHttpConsumer {

        private static final Logger LOG = LoggerFactory.getLogger(RequestThreadConsumer.class);

        private final ObjectProvider<Operations> operations;
        private final ObjectProvider<RequestGate> gates;
        private volatile Operations.Operation operation;
        private volatile RequestGate gate;
        /** The OpenAPI description as first rendered (only on the consumer of the "openapi" operation). */
        private volatile Described described;

        RequestThreadConsumer(PlatformHttpEndpoint endpoint, Processor processor,
                              ObjectProvider<Operations> operations, ObjectProvider<RequestGate> gate) {
            // The executor is never used: service() below runs the route on the calling thread.
            super(endpoint, processor, Runnable::run);
            this.operations = operations;
            this.gates = gate;
        }

        /** Spring MVC invokes this for every mapped request; a null future means "handled, no async dispatch". */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                HttpServletRequest admitted = gate().admit(operation(), request, response);
                if (admitted == null) {
                    return null;
                }
                if ("openapi".equals(operation().id())) {
                    serveDescription(admitted, response);
                    return null;
                }
                handleService(admitted, response);
            } catch (Exception e) {
                // The routes answer their own errors; this is the last resort, with no detail for the caller.
                LOG.warn("Error handling request: {}", e.getClass().getSimpleName(), e);
                try {
                    if (!response.isCommitted()) {
                        response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                    }
                } catch (Exception ignored) {
                    // the connection is gone
                }
            }
            return null;
        }

        private record Described(String contentType, byte[] body) {
        }

        /**
         * /openapi.json: camel-openapi renders the document on each request when it is not rendered at start
         * ({@code camel.rest.use-x-forward-headers}, which keeps ~0.4 s out of the start); it is rendered here
         * once, from a GET, without any of the caller's headers (WithoutHeaders: no caller can choose what every later
         * caller is shown), and served from memory afterwards.
         */
        private void serveDescription(HttpServletRequest request, HttpServletResponse response) throws Exception {
            Described known = described;
            if (known != null) {
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType(known.contentType());
                response.setContentLength(known.body().length);
                response.getOutputStream().write(known.body());
                return;
            }
            ContentCachingResponseWrapper capture = new ContentCachingResponseWrapper(response);
            handleService(new WithoutHeaders(request), capture);
            if ("GET".equals(request.getMethod()) && capture.getStatus() == HttpServletResponse.SC_OK
                    && capture.getContentType() != null && capture.getContentSize() > 0) {
                described = new Described(capture.getContentType(), capture.getContentAsByteArray());
            }
            capture.copyBodyToResponse();
        }

        /** The gate, looked up once (a bean lookup per request cost ~2 % of a click's CPU). */
        private RequestGate gate() {
            RequestGate known = gate;
            if (known == null) {
                known = gates.getObject();
                gate = known;
            }
            return known;
        }

        /** This consumer's operation in the REST definitions: its method and path template, as routed. */
        private Operations.Operation operation() {
            Operations.Operation known = operation;
            if (known == null) {
                PlatformHttpEndpoint endpoint = (PlatformHttpEndpoint) getEndpoint();
                String methods = endpoint.getHttpMethodRestrict();
                String method = methods == null ? "ANY" : methods.split(",")[0].trim();
                known = operations.getObject().find(method, endpoint.getPath(),
                        endpoint.getCamelContext().getRestConfiguration().getApiContextPath());
                operation = known;
            }
            return known;
        }
    }

    /**
     * A request as the OpenAPI renderer should see it: without any header. The document must not depend on the caller
     * (proxy headers would pick its server URL, an Accept header its format), and Camel's API route copies the headers
     * it sees into its answer (an Authorization sent to /openapi.json came back in the response).
     */
    static final class WithoutHeaders extends HttpServletRequestWrapper {

        WithoutHeaders(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return null;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return Collections.emptyEnumeration();
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public long getDateHeader(String name) {
            return -1;
        }

        @Override
        public int getIntHeader(String name) {
            return -1;
        }

        @Override
        public String getContentType() {
            return null;
        }
    }
}
