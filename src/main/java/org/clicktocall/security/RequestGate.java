package org.clicktocall.security;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Metrics;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.clicktocall.security.Operations.Access;
import org.clicktocall.security.Operations.Operation;
import org.clicktocall.web.ErrorBodies;
import org.clicktocall.web.TomcatLimits;
import org.clicktocall.widget.WidgetTokens;
import org.clicktocall.widget.WidgetTokens.WidgetRep;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Admits a request to the operation the router matched, or answers it: the key that operation needs (401/403), a
 * body only where the operation takes one (400), of its content type (415) and size (413), arriving within a time
 * bound (408). Nothing is read before the key is checked, and a body is never buffered beyond its cap.
 *
 * <p>Bodies for the keyless operation (Dialpad's events) are read by at most {@code keyless-body-readers} threads at
 * once, and at most {@code keyless-body-readers-per-client} from one address, so clients that trickle a body cannot
 * take the threads that clicks and probes need, nor all the readers Dialpad's events need; beyond that the answer
 * is an immediate 503.
 *
 * <p>An operation whose {@code security} lists {@code widgetToken} also takes a browser widget's token
 * ({@code Authorization: Bearer}, see {@link WidgetTokens}) in place of the key. Such a request acts for the token's
 * rep only: a {@code rep_id} in the path or the JSON body that names another rep is a 403, a body without one gets
 * the token's, and the route learns the rep from the {@value #WIDGET_REP_HEADER} header, which only this gate sets.
 */
@Component
public class RequestGate {

    /** Set by the gate (never by a client) to the verified rep of a widget token. */
    public static final String WIDGET_REP_HEADER = "X-Widget-Rep";
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final ApiKeys apiKeys;
    private final WidgetTokens widgetTokens;
    private final long bodyTimeoutNanos;
    private final Semaphore keylessReaders;
    private final int keylessReadersPerClient;
    private final Map<String, Integer> keylessReadsByClient = new ConcurrentHashMap<>();

    public RequestGate(ApiKeys apiKeys, WidgetTokens widgetTokens,
                       @Value("${calls.http.body-timeout:5s}") Duration bodyTimeout,
                       @Value("${calls.http.keyless-body-readers:16}") int keylessBodyReaders,
                       @Value("${calls.http.keyless-body-readers-per-client:4}") int keylessBodyReadersPerClient) {
        this.apiKeys = apiKeys;
        this.widgetTokens = widgetTokens;
        this.bodyTimeoutNanos = bodyTimeout.toNanos();
        this.keylessReaders = new Semaphore(keylessBodyReaders);
        this.keylessReadersPerClient = keylessBodyReadersPerClient;
    }

    /** The request to hand to the route (its body read and capped), or null when the gate has answered it. */
    public HttpServletRequest admit(Operation operation, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (operation.access() == Access.REFUSED) {
            return refuse(request, response, 403, "forbidden", "This endpoint is not open to any key");
        }
        WidgetRep widgetRep = null;
        String presentedKey = request.getHeader(ApiRequestFilter.API_KEY_HEADER);
        String bearer = bearer(request.getHeader("Authorization"));
        if (operation.widget() && (presentedKey == null || presentedKey.isEmpty()) && bearer != null) {
            widgetRep = widgetTokens.verify(bearer);
            if (widgetRep == null) {
                return refuse(request, response, 401, "unauthorized", "Missing, invalid or expired widget token");
            }
            // Browsers always send Origin across origins: a token used from another page than its own is refused.
            String origin = request.getHeader("Origin");
            if (origin != null && !origin.equalsIgnoreCase(widgetRep.origin())) {
                return refuse(request, response, 403, "forbidden", "This widget token was issued for another origin");
            }
            String pathRep = pathVariable(operation.path(), request.getRequestURI(), "{rep_id}");
            if (pathRep != null && !pathRep.equals(widgetRep.repId())) {
                return refuse(request, response, 403, "forbidden", "A widget token acts for its own rep only");
            }
        } else if (operation.access() != Access.OPEN) {
            ApiKeys.Role role = apiKeys.roleOf(presentedKey);
            if (role == ApiKeys.Role.NONE) {
                return refuse(request, response, 401, "unauthorized",
                        "Missing or invalid " + ApiRequestFilter.API_KEY_HEADER + " header");
            }
            if (operation.access() == Access.ADMIN && role != ApiKeys.Role.ADMIN) {
                return refuse(request, response, 403, "forbidden", "This endpoint needs an admin API key");
            }
        }
        if (!ApiRequestFilter.declaresBody(request)) {
            return withWidgetRep(new DecodedPathRequest(request), widgetRep);
        }
        if (!operation.takesBody()) {
            return refuse(request, response, 400, "body_not_allowed", "This endpoint takes no request body");
        }
        if (operation.jsonOnly() && !isJson(request.getContentType())) {
            return refuse(request, response, 415, "unsupported_media_type", "Send the body as application/json");
        }
        int limit = operation.maxBodyBytes();
        if (request.getContentLengthLong() > limit) {
            return tooLarge(request, response, limit);
        }
        boolean keyless = operation.access() == Access.OPEN;
        String client = request.getRemoteAddr();
        if (keyless && !startKeylessRead(client)) {
            response.setHeader("Retry-After", "1");
            return refuse(request, response, 503, "busy", "Too many requests are sending a body; try again");
        }
        try {
            byte[] body = readWithin(request.getInputStream(), limit, System.nanoTime() + bodyTimeoutNanos);
            if (body == null) {
                return tooLarge(request, response, limit);
            }
            if (widgetRep != null) {
                body = ownRepBody(body, widgetRep);
                if (body == null) {
                    return refuse(request, response, 403, "forbidden", "A widget token acts for its own rep only");
                }
            }
            return withWidgetRep(new BufferedBodyRequest(new DecodedPathRequest(request), body), widgetRep);
        } catch (SlowBodyException | IOException e) {
            return refuse(request, response, 408, "request_timeout",
                    "The request body did not arrive within " + bodyTimeoutNanos / 1_000_000_000 + " s");
        } finally {
            if (keyless) {
                endKeylessRead(client);
            }
        }
    }

    /** A keyless body read may start: fewer than the limit in all, and fewer than the per-client limit from this address. */
    private boolean startKeylessRead(String client) {
        if (!keylessReaders.tryAcquire()) {
            return false;
        }
        boolean[] admitted = {false};
        keylessReadsByClient.compute(client, (address, reading) -> {
            int now = reading == null ? 0 : reading;
            admitted[0] = now < keylessReadersPerClient;
            return admitted[0] ? now + 1 : reading;
        });
        if (!admitted[0]) {
            keylessReaders.release();
        }
        return admitted[0];
    }

    private void endKeylessRead(String client) {
        keylessReadsByClient.computeIfPresent(client, (address, reading) -> reading <= 1 ? null : reading - 1);
        keylessReaders.release();
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** The value of {@code variable} (e.g. {rep_id}) in {@code uri}, matched segment by segment to the template. */
    static String pathVariable(String template, String uri, String variable) {
        if (template == null || !template.contains(variable)) {
            return null;
        }
        String[] names = template.split("/", -1);
        String[] values = uri.split("/", -1);
        if (names.length != values.length) {
            return null;
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(variable)) {
                return URLDecoder.decode(values[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * The body with the token's rep as its rep_id (added when absent), or null when it names another rep. A body
     * that is not a JSON object is passed on as it is: the route refuses it with its own 400.
     */
    private static byte[] ownRepBody(byte[] body, WidgetRep rep) {
        JsonNode json;
        try {
            json = STRICT.readTree(body);
        } catch (IOException notJson) {
            return body;
        }
        if (!(json instanceof ObjectNode object)) {
            return body;
        }
        JsonNode given = object.get("rep_id");
        if (given == null || given.isNull()) {
            object.put("rep_id", rep.repId());
            try {
                return STRICT.writeValueAsBytes(object);
            } catch (IOException e) {
                return body;
            }
        }
        return given.isTextual() && given.asText().equals(rep.repId()) ? body : null;
    }

    /** Hands the verified rep to the route; a client's own {@value #WIDGET_REP_HEADER} never gets through. */
    private static HttpServletRequest withWidgetRep(HttpServletRequest request, WidgetRep rep) {
        if (rep == null && request.getHeader(WIDGET_REP_HEADER) == null) {
            return request;
        }
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return WIDGET_REP_HEADER.equalsIgnoreCase(name) ? (rep == null ? null : rep.repId()) : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                if (WIDGET_REP_HEADER.equalsIgnoreCase(name)) {
                    return Collections.enumeration(rep == null ? List.of() : List.of(rep.repId()));
                }
                return super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                List<String> names = new java.util.ArrayList<>();
                for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                    String name = e.nextElement();
                    if (!WIDGET_REP_HEADER.equalsIgnoreCase(name)) {
                        names.add(name);
                    }
                }
                if (rep != null) {
                    names.add(WIDGET_REP_HEADER);
                }
                return Collections.enumeration(names);
            }
        };
    }

    private static HttpServletRequest tooLarge(HttpServletRequest request, HttpServletResponse response, int limit)
            throws IOException {
        return refuse(request, response, 413, "payload_too_large", "The body must be at most " + limit / 1024 + " KiB");
    }

    /** Answers and closes the connection without reading what is left of the body. */
    static HttpServletRequest refuse(HttpServletRequest request, HttpServletResponse response, int status, String code,
                                     String message) throws IOException {
        // Refusals happen before any route runs, so Camel's route timers never see them: counted here (codes are
        // this class's and ApiRequestFilter's constants, so the series are few)
        Metrics.counter("clicktocall.requests.refused", "status", Integer.toString(status), "code", code).increment();
        boolean unreadBody = ApiRequestFilter.declaresBody(request);
        if (unreadBody) {
            response.setHeader("Connection", "close");
        }
        ErrorBodies.write(response, status, code, message);
        if (unreadBody) {
            response.flushBuffer();   // the answer is out before Tomcat is told to give up on the body
            TomcatLimits.dropUnreadBody(request);
        }
        return null;
    }

    /** A charset label a body may carry: none, or one this JVM can decode (a made-up one would fail deep in a route). */
    static boolean knownCharset(String contentType) {
        if (contentType == null) {
            return true;
        }
        for (String parameter : contentType.split(";")) {
            String[] kv = parameter.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset")) {
                try {
                    return java.nio.charset.Charset.isSupported(kv[1].trim().replace("\"", ""));
                } catch (IllegalArgumentException illegalName) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** The body, or null when it is longer than {@code limit}; gives up once the deadline has passed. */
    private static byte[] readWithin(InputStream in, int limit, long deadlineNanos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[4096];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buffer, 0, n);
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new SlowBodyException();
            }
        }
        return out.toByteArray();
    }

    private static final class SlowBodyException extends RuntimeException {
        SlowBodyException() {
            super(null, null, false, false);
        }
    }

    /**
     * The path as the router read it (percent-decoded once): Camel fills {@code {rep_id}} from the request URI as
     * sent, so without this {@code /reps/%61lice} would be routed like {@code /reps/alice} but act on a rep named
     * {@code %61lice}. Safe because the filter already refused encoded '/', '\', '%' and control characters.
     */
    private static final class DecodedPathRequest extends HttpServletRequestWrapper {
        private final String decoded;

        DecodedPathRequest(HttpServletRequest request) {
            super(request);
            this.decoded = UriUtils.decode(request.getRequestURI(), StandardCharsets.UTF_8);
        }

        @Override
        public String getRequestURI() {
            return decoded;
        }
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
            Charset charset = StandardCharsets.UTF_8;
            try {
                if (getCharacterEncoding() != null) {
                    charset = Charset.forName(getCharacterEncoding());
                }
            } catch (IllegalArgumentException unknownCharset) {
                // a label the client made up: read as UTF-8, the parser refuses what does not decode
            }
            // Decoded at once, into a buffer of the body's size: the platform-http binding reads the whole body
            // through this reader, and the default 8 K-char buffer plus a stream decoder came to 24 KiB per request.
            String text = new String(body, charset);
            return new BufferedReader(new StringReader(text), Math.max(1, text.length()));
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
