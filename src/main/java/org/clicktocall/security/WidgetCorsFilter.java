package org.clicktocall.security;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.clicktocall.widget.WidgetTokens;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * CORS for the browser widget: only origins in {@code WIDGET_ALLOWED_ORIGINS} get an answer they may read, and never
 * with credentials (the widget sends its token in {@code Authorization}, no cookies). A preflight is answered here
 * (204 for an allowed origin, 403 otherwise) and never reaches an operation. Requests from other origins are not
 * refused here — they get no CORS headers, so a browser hides the answer; the widget token is bound to its origin
 * besides (RequestGate).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class WidgetCorsFilter extends OncePerRequestFilter {

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");
    static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key";
    static final String EXPOSED_HEADERS = "Location, Retry-After";

    private final WidgetTokens widgetTokens;

    public WidgetCorsFilter(WidgetTokens widgetTokens) {
        this.widgetTokens = widgetTokens;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        boolean preflight = origin != null && "OPTIONS".equalsIgnoreCase(request.getMethod())
                && request.getHeader("Access-Control-Request-Method") != null;
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        response.addHeader("Vary", "Origin");
        boolean allowed = widgetTokens.originAllowed(origin);
        if (preflight) {
            if (!allowed || !METHODS.contains(request.getHeader("Access-Control-Request-Method")
                    .toUpperCase(Locale.ROOT))) {
                RequestGate.refuse(request, response, 403, "origin_not_allowed", "This origin may not call this API");
                return;
            }
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
            response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.setHeader("Access-Control-Max-Age", "600");
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (allowed) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
        chain.doFilter(request, response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true;
    }
}
