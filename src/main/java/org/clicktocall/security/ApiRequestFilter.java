package org.clicktocall.security;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * The first look at every request, before any routing: one spelling per path, and no body where the method takes
 * none or larger than any operation accepts. Each refusal is answered at once, without reading the body.
 *
 * <p>Which key an operation needs, its content type and its body are checked after routing, on the operation the
 * router matched ({@link RequestGate}); this filter only makes sure there is nothing ambiguous to route.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiRequestFilter extends OncePerRequestFilter {

    private final ApiKeys apiKeys;

    public ApiRequestFilter(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    public static final String API_KEY_HEADER = "X-API-Key";
    /** Methods whose requests carry no body in this API. */
    private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE");
    /** Percent-encodings that would let one path be spelled two ways: '/', '\', '%', ';', NUL and other controls. */
    private static final Pattern AMBIGUOUS_ESCAPE = Pattern.compile("%(2[fF5]|5[cC]|3[bB]|[01][0-9a-fA-F]|7[fF])");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String rawPath = request.getRequestURI();
        if (!isCanonical(rawPath)) {
            RequestGate.refuse(request, response, 400, "invalid_path",
                    "Spell the path plainly: no ';' parameters, encoded '/', '\\' or '%', empty or dot segments");
            return;
        }
        if (!actuatorAllows(rawPath, request, response)) {
            return;
        }
        if (declaresBody(request)) {
            if (BODYLESS.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
                RequestGate.refuse(request, response, 400, "body_not_allowed",
                        request.getMethod() + " requests take no body");
                return;
            }
            String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
            // (plain forms are bounded by Tomcat's 16 KB form limit and read only where asked for: the demo's token endpoint)
            if (type.startsWith("multipart/")) {
                RequestGate.refuse(request, response, 415, "unsupported_media_type", "Uploads are not accepted");
                return;
            }
            if (!RequestGate.knownCharset(request.getContentType())) {
                RequestGate.refuse(request, response, 415, "unsupported_media_type", "Unknown charset in Content-Type");
                return;
            }
            if (request.getContentLengthLong() > Operations.LARGEST_BODY_BYTES) {
                RequestGate.refuse(request, response, 413, "payload_too_large",
                        "The body must be at most " + Operations.LARGEST_BODY_BYTES / 1024 + " KiB");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * Actuator endpoints are not Camel operations, so the gate never sees them: health and metrics are open (probes
     * and scrapers carry no key); anything else exposed under /actuator (the dev profile's console) needs an admin key.
     */
    private boolean actuatorAllows(String rawPath, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String path = UriUtils.decode(rawPath, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (!path.startsWith("/actuator") || path.equals("/actuator/prometheus") || path.equals("/actuator/health")
                || path.startsWith("/actuator/health/")) {
            return true;
        }
        ApiKeys.Role role = apiKeys.roleOf(request.getHeader(API_KEY_HEADER));
        if (role == ApiKeys.Role.ADMIN) {
            return true;
        }
        RequestGate.refuse(request, response, role == ApiKeys.Role.NONE ? 401 : 403,
                role == ApiKeys.Role.NONE ? "unauthorized" : "forbidden", "This endpoint needs an admin API key");
        return false;
    }

    /** Error dispatches (/error) were checked when the request first came in. */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true;
    }

    /** A body is announced by a positive length or by chunked transfer. */
    static boolean declaresBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * One spelling per path: no path parameters, no empty segments, no segment that decodes to '.' or '..', and no
     * percent-encoding of a character that changes how the path splits or decodes.
     */
    static boolean isCanonical(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/' || rawPath.contains(";")
                || rawPath.contains("\\") || rawPath.contains("//") || AMBIGUOUS_ESCAPE.matcher(rawPath).find()) {
            return false;
        }
        for (String segment : rawPath.substring(1).split("/", -1)) {
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return false;
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
