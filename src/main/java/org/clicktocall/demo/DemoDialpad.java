package org.clicktocall.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.annotation.PreDestroy;
import org.clicktocall.support.Json;
import org.clicktocall.widget.WidgetTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The built-in Dialpad simulator of demo mode ({@link DemoMode}): a consent page, the token endpoint, users/me, both
 * call starts, call lookup, hang-up and deauthorize, and signed call events (ringing, connected, hangup a few seconds
 * later) sent to this service's own /dialpad/events. It exists only while demo mode is on, which it never is under
 * the prod profile or with any Dialpad setting. It also gives the try page its widget token (/demo/session), as a
 * CRM's backend would.
 */
@RestController("demo")
@ConditionalOnProperty(name = DemoMode.ACTIVE, havingValue = "true")
public class DemoDialpad implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(DemoDialpad.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    static final String DEMO_REP = "demo-rep";
    private static final String DEMO_USER_ID = "5000000000000001";

    private final byte[] webhookSecret;
    private final String eventsUrl;
    private final WidgetTokens widgetTokens;
    private final Duration step;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-dialpad");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong ids = new AtomicLong(6_000_000_000_000_000L);
    private final Map<String, Map<String, Object>> calls = new ConcurrentHashMap<>();

    public DemoDialpad(@Value("${dialpad.webhook.secret}") String webhookSecret,
                       @Value("${server.port:8080}") int port,
                       @Value("${demo.step:2s}") Duration step,
                       WidgetTokens widgetTokens) {
        this.webhookSecret = webhookSecret.getBytes(StandardCharsets.UTF_8);
        this.eventsUrl = "http://127.0.0.1:" + port + "/dialpad/events";
        this.widgetTokens = widgetTokens;
        this.step = step;
        LOG.warn("DEMO MODE: no Dialpad is configured, so calls go to the built-in Dialpad simulator at"
                + " /demo-dialpad (nothing really rings). Try it at http://localhost:{}/try", port);
    }

    @Override
    public Health health() {
        return Health.up().withDetail("mode", "demo").build();
    }

    /** The try page's "CRM backend": a widget token for the demo rep, bound to the page's own origin. */
    @PostMapping(path = "/demo/session", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> session(jakarta.servlet.http.HttpServletRequest request) {
        String origin = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
        return widgetTokens.issueFor(DEMO_REP, origin);   // says "demo": true, as every token in demo mode
    }

    @GetMapping(path = "/demo-dialpad/oauth2/authorize", produces = MediaType.TEXT_HTML_VALUE)
    public String consent(@RequestParam("redirect_uri") String redirectUri, @RequestParam("state") String state) {
        String approve = UriComponentsBuilder.fromUriString(redirectUri).queryParam("code", "demo-code-" + ids.incrementAndGet())
                .queryParam("state", state).encode().build().toUriString();
        String deny = UriComponentsBuilder.fromUriString(redirectUri).queryParam("error", "access_denied")
                .queryParam("state", state).encode().build().toUriString();
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Dialpad simulator (demo)</title></head>
                <body style="font:16px system-ui;max-width:32em;margin:3em auto">
                <p style="background:#ffd54f;padding:.5em"><b>DEMO</b> This is the click-to-call service's built-in
                Dialpad simulator, not Dialpad. Nothing really rings.</p>
                <h1>Allow click-to-call to place calls for you?</h1>
                <p><a id="approve" href="%s">Approve</a> &nbsp; <a id="deny" href="%s">Deny</a></p>
                </body></html>""".formatted(HtmlUtils.htmlEscape(approve), HtmlUtils.htmlEscape(deny));
    }

    @PostMapping(path = "/demo-dialpad/oauth2/token", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> token() {
        return Map.of("access_token", "demo-access-" + ids.incrementAndGet(), "refresh_token",
                "demo-refresh-" + ids.incrementAndGet(), "token_type", "Bearer", "expires_in", 3600,
                "scope", "offline_access");
    }

    @PostMapping(path = "/demo-dialpad/oauth2/deauthorize")
    public Map<String, Object> deauthorize() {
        return Map.of();
    }

    @GetMapping(path = "/demo-dialpad/api/v2/users/me", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> me() {
        return Map.of("id", DEMO_USER_ID, "emails", List.of("demo@example.com"), "first_name", "Demo",
                "last_name", "Rep");
    }

    @PostMapping(path = "/demo-dialpad/api/v2/call", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> ring(@RequestBody String body) throws Exception {
        JsonNode request = JSON.readTree(body);
        return Map.of("call_id", start(request.path("phone_number").asText(), request.path("custom_data").asText(null)));
    }

    @PostMapping(path = "/demo-dialpad/api/v2/users/{user}/initiate_call", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> initiate(@PathVariable String user, @RequestBody String body) throws Exception {
        JsonNode request = JSON.readTree(body);
        start(request.path("phone_number").asText(), request.path("custom_data").asText(null));
        return Map.of();
    }

    @GetMapping(path = "/demo-dialpad/api/v2/call/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> lookup(@PathVariable String id) {
        Map<String, Object> call = calls.get(id);
        return call == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(call);
    }

    @PutMapping(path = "/demo-dialpad/api/v2/call/{id}/actions/hangup", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> hangUp(@PathVariable String id) {
        Map<String, Object> call = calls.get(id);
        if (call == null) {
            return ResponseEntity.notFound().build();
        }
        timer.execute(() -> send(call, "hangup"));
        return ResponseEntity.ok(Map.of("id", id));
    }

    /** ringing after one step, connected after two, hangup after four (unless hung up before). */
    private String start(String phoneNumber, String customData) {
        String id = String.valueOf(ids.incrementAndGet());
        Map<String, Object> call = new ConcurrentHashMap<>();
        call.put("call_id", id);
        call.put("state", "calling");
        call.put("direction", "outbound");
        call.put("external_number", phoneNumber);
        if (customData != null) {
            call.put("custom_data", customData);
        }
        call.put("date_started", System.currentTimeMillis());
        calls.put(id, call);
        long ms = step.toMillis();
        timer.schedule(() -> send(call, "ringing"), ms, TimeUnit.MILLISECONDS);
        timer.schedule(() -> send(call, "connected"), 2 * ms, TimeUnit.MILLISECONDS);
        timer.schedule(() -> send(call, "hangup"), 4 * ms, TimeUnit.MILLISECONDS);
        return id;
    }

    /** One signed event, as Dialpad sends it: a compact HS256 JWT whose payload is the call object. */
    private void send(Map<String, Object> call, String state) {
        if ("hangup".equals(call.get("state"))) {
            return;   // already ended
        }
        long now = System.currentTimeMillis();
        call.put("state", state);
        call.put("event_timestamp", now);
        if ("connected".equals(state)) {
            call.put("date_connected", now);
        }
        if ("hangup".equals(state)) {
            call.put("date_ended", now);
            Object connected = call.get("date_connected");
            call.put("duration", connected instanceof Long c ? (double) (now - c) : 0.0);
        }
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issueTime(new Date(now))
                    .expirationTime(Date.from(Instant.ofEpochMilli(now).plusSeconds(300)));
            call.forEach(claims::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(webhookSecret));
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(eventsUrl))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/jwt")
                    .POST(HttpRequest.BodyPublishers.ofString(jwt.serialize())).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                LOG.warn("Demo Dialpad: the {} event was answered {}", state, answer.statusCode());
            }
        } catch (Exception e) {
            LOG.warn("Demo Dialpad: the {} event could not be sent: {}", state, e.getClass().getSimpleName());
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
