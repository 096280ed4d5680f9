package org.clicktocall.security;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.clicktocall.web.ErrorBodies;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The gate in front of every route: API key (401, or 403 for admin endpoints), JSON content type (415) and a
 * 16 KiB body limit (413), each answered with the usual JSON error before any route runs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiRequestFilter extends OncePerRequestFilter {

    public static final String API_KEY_HEADER = "X-API-Key";
    static final int MAX_BODY_BYTES = 16 * 1024;
    /** Dialpad's call objects can carry transcripts and link lists. */
    static final int MAX_EVENT_BYTES = 256 * 1024;
    private static final String EVENTS_PATH = "/dialpad/events";

    /** Reachable without a key: health probes, and callers that prove themselves otherwise (browser redirect, signed events). */
    private static final List<String> OPEN_PATHS = List.of("/actuator/health", "/actuator/health/**",
            "/actuator/prometheus", "/openapi.json", "/oauth/dialpad/callback", EVENTS_PATH, "/error");
    private static final List<String> ADMIN_PATHS = List.of("/reps/*/dialpad-token", "/admin/**");

    private final AntPathMatcher paths = new AntPathMatcher();
    private final ApiKeys apiKeys;

    public ApiRequestFilter(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!matches(OPEN_PATHS, path)) {
            ApiKeys.Role role = apiKeys.roleOf(request.getHeader(API_KEY_HEADER));
            if (role == ApiKeys.Role.NONE) {
                ErrorBodies.write(response, 401, "unauthorized", "Missing or invalid " + API_KEY_HEADER + " header");
                return;
            }
            if (role != ApiKeys.Role.ADMIN && matches(ADMIN_PATHS, path)) {
                ErrorBodies.write(response, 403, "forbidden", "This endpoint needs an admin API key");
                return;
            }
        }
        if (!hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        boolean event = path.equals(EVENTS_PATH);
        if (!event && !isJson(request.getContentType())) {
            ErrorBodies.write(response, 415, "unsupported_media_type", "Send the body as application/json");
            return;
        }
        int limit = event ? MAX_EVENT_BYTES : MAX_BODY_BYTES;
        byte[] body = request.getContentLengthLong() > limit ? null : readAtMost(request.getInputStream(), limit);
        if (body == null) {
            ErrorBodies.write(response, 413, "payload_too_large", "The body must be at most " + limit / 1024 + " KiB");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private boolean matches(List<String> patterns, String path) {
        for (String pattern : patterns) {
            if (paths.match(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    /** A POST without a body (e.g. connect) needs no content type; anything sent must be JSON and small. */
    private static boolean hasBody(HttpServletRequest request) {
        String method = request.getMethod();
        boolean mayHaveBody = "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
        return mayHaveBody && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null
                || request.getContentType() != null);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** The body, or null when it is longer than {@code limit} (chunked uploads carry no Content-Length). */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[4096];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Replays the already-read body to the route. */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(getCharacterEncoding());
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous body only");
                }
            };
        }
    }
}
