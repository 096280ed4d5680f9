package org.clicktocall.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on a random port, with its embedded PostgreSQL (a fresh data folder per Spring context)
 * and Dialpad played by WireMock. Tests talk HTTP to it and look at what Dialpad received and what was stored.
 */
@CamelSpringBootTest
@AutoConfigureObservability(tracing = false) // metrics as in production (Spring Boot's tests turn them off by default)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.autoconfigure.exclude=" + ServiceTest.NO_WEB_SECURITY,
        "calls.api-keys=" + ServiceTest.CRM_KEY + ",second-crm-key-0123456789",
        "calls.admin-api-keys=" + ServiceTest.ADMIN_KEY,
        "tokens.encryption-key=" + ServiceTest.ENCRYPTION_KEY,
        "dialpad.connect-timeout=1000",
        "dialpad.response-timeout=1000",
        "dialpad.webhook.secret=" + ServiceTest.WEBHOOK_SECRET,
        "dialpad.api-key=" + ServiceTest.DIALPAD_ADMIN_API_KEY,
        // The guard rails have their own test class; here they would turn repeated test clicks into fallbacks.
        "calls.duplicate-window-ms=0",
        "calls.budget.calls=0",
        // The sweep is run by the tests that check it, not by the clock in the middle of other tests.
        "calls.sweep.cron=0 0 0 1 1 ? 2099",
        "tokens.refresh.cron=0 0 0 1 1 ? 2099",
        "calls.retention.cron=0 0 0 1 1 ? 2099",
        "tokens.refresh.batch=10",
        "dialpad.oauth.client-id=test-client-id",
        "dialpad.oauth.client-secret=" + ServiceTest.CLIENT_SECRET,
        "dialpad.oauth.redirect-uri=https://ctc.example.com/oauth/dialpad/callback",
        "dialpad.oauth.return-url=https://crm.example.com/settings/dialpad",
        "widget.token-secret=" + ServiceTest.WIDGET_SECRET,
        // Some tests call London numbers; the calling hours are checked at TestClock's time, never the real one.
        "calls.policy.allowed-countries=US,GB"})
@Import(ServiceTest.FixedTime.class)
public abstract class ServiceTest {

    /** The service reads a click's arrival from this clock: tests set the time of day (TestClock). */
    @TestConfiguration(proxyBeanMethods = false)
    public static class FixedTime {
        @Bean
        @Primary
        public TestClock testClock() {
            return new TestClock();
        }
    }

    /**
     * The test classpath carries Spring Authorization Server (a real OAuth2 server for the refresh tests), which
     * brings spring-security-config and with it Spring Boot's web security; the service itself has none.
     */
    public static final String NO_WEB_SECURITY =
            "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration,"
            + "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration";
    public static final String CRM_KEY = "test-crm-key-0123456789abcdef";
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    public static final String WIDGET_ORIGIN = "https://crm.example.com";
    public static final String WIDGET_SECRET = "test-widget-secret-0123456789abcdef0123";
    public static final String WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef0123";
    public static final String DIALPAD_ADMIN_API_KEY = "FAKE-DIALPAD-COMPANY-KEY-77aa";
    public static final String CLIENT_SECRET = "FAKE-CLIENT-SECRET-31c9";
    public static final String ENCRYPTION_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    /** Recognisable fake tokens: tests assert they never appear where they must not. */
    public static final String ACCESS_TOKEN = "FAKE-ACCESS-TOKEN-5e1f0c7a";
    public static final String REFRESH_TOKEN = "FAKE-REFRESH-TOKEN-9b2d44e1";
    public static final String DIALPAD_USER_ID = "5105429914877952";

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.atomic.AtomicLong SPARE_DIALPAD_USER_IDS =
            new java.util.concurrent.atomic.AtomicLong(9_000_000_000_000_000L);
    protected static final WireMockServer DIALPAD = new WireMockServer(options().dynamicPort());
    /** The browser tests' CRM page origin (WireMock serves the page); the API itself is at 127.0.0.1. */
    protected static final String CRM_PAGE_ORIGIN;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        DIALPAD.start();
        CRM_PAGE_ORIGIN = "http://localhost:" + DIALPAD.port();
    }

    /**
     * Dialpad is the shared WireMock (unless the test class sets {@code test.dialpad-base-url} to a stub with other
     * server settings), and each context gets its own data folder.
     */
    @DynamicPropertySource
    static void dialpadAndDataFolder(DynamicPropertyRegistry registry) throws IOException {
        registry.add("dialpad.base-url", () -> "${test.dialpad-base-url:" + DIALPAD.baseUrl() + "}");
        // The CRM's origin for the HTTP tests, and a page WireMock serves for the browser tests.
        registry.add("widget.allowed-origins", () -> WIDGET_ORIGIN + "," + CRM_PAGE_ORIGIN);
        dataFolder(registry);
    }

    private static void dataFolder(DynamicPropertyRegistry registry) throws IOException {
        Files.createDirectories(Path.of("target/test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target/test-data"), "ctx-");
        registry.add("app.data-dir", dataDir::toString);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected CamelContext camel;
    @Autowired
    protected TestClock clock;

    @BeforeEach
    void freshDialpadAndBreaker() {
        DIALPAD.resetAll();
        breaker().getCircuitBreaker().reset();
        clock.reset();
    }

    protected ResilienceProcessor breaker() {
        return camel.getProcessor("dialpad-breaker", ResilienceProcessor.class);
    }

    // ---- HTTP to the service -------------------------------------------------------------------------------

    public record Answer(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** What a CRM's backend does for its page: POST /widget/sessions with its key; the widget token it answers. */
    protected String widgetToken(String repId, String origin) {
        Answer answer = send("POST", "/widget/sessions", """
                {"rep_id": "%s", "origin": "%s"}""".formatted(repId, origin),
                "X-API-Key", CRM_KEY, "Content-Type", "application/json");
        org.assertj.core.api.Assertions.assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("token").asText();
    }

    protected Answer send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    protected Answer postCall(String json) {
        return send("POST", "/calls", json, "X-API-Key", CRM_KEY, "Content-Type", "application/json");
    }

    /**
     * Imports a rep's token. A Dialpad user is connected to one rep at a time (V7's unique index), while these tests
     * reuse a few Dialpad user ids for many reps: a rep that already holds the id is first given an id of its own
     * (it stays connected), so the import is not refused as dialpad_user_in_use.
     */
    protected Answer importToken(String repId, String json) {
        releaseDialpadUser(repId, json);
        return send("PUT", "/reps/" + repId + "/dialpad-token", json, "X-API-Key", ADMIN_KEY, "Content-Type", "application/json");
    }

    private void releaseDialpadUser(String repId, String json) {
        JsonNode userId;
        try {
            JsonNode body = JSON.readTree(json);
            userId = body == null ? null : body.get("dialpad_user_id");
        } catch (IOException | RuntimeException e) {
            return;   // not JSON: the import itself is what the test looks at
        }
        if (userId != null && !userId.isNull()) {
            for (String holder : jdbc.queryForList("SELECT rep_id FROM dialpad_tokens WHERE dialpad_user_id = ?"
                    + " AND rep_id <> ? AND status = 'active'", String.class, userId.asText(), repId)) {
                jdbc.update("UPDATE dialpad_tokens SET dialpad_user_id = ? WHERE rep_id = ?",
                        String.valueOf(SPARE_DIALPAD_USER_IDS.incrementAndGet()), holder);
            }
        }
    }

    /** Connects a rep the way operations would: through the admin import endpoint. */
    protected void connectRep(String repId) {
        Answer answer = importToken(repId, """
                {"access_token": "%s", "refresh_token": "%s", "expires_in": 3600,
                 "dialpad_user_id": "%s", "scope": "offline_access"}""".formatted(ACCESS_TOKEN, REFRESH_TOKEN, DIALPAD_USER_ID));
        if (answer.status() != 200) {
            throw new AssertionError("token import failed: " + answer);
        }
    }

    // ---- What was stored and what Dialpad received ---------------------------------------------------------

    protected Map<String, Object> callRow(String id) {
        return jdbc.queryForMap("SELECT * FROM calls WHERE id = ?::uuid", id);
    }

    protected int callCount() {
        Integer count = jdbc.queryForObject("SELECT count(*) FROM calls", Integer.class);
        return count == null ? 0 : count;
    }

    protected List<LoggedRequest> dialpadRequests() {
        return DIALPAD.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    /** An application/x-www-form-urlencoded body (what OAuth token requests carry), decoded. */
    protected static Map<String, String> form(String body) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                    kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    /**
     * A call event as Dialpad signs it (HS256 with the webhook secret) for Dialpad's call {@code dialpadId}, carrying
     * our call id in custom_data; {@code more} adds claims (date_connected, duration...).
     */
    protected static String signedCallEvent(String dialpadId, String state, String ourId, Map<String, Object> more) {
        com.nimbusds.jwt.JWTClaimsSet.Builder claims = new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .claim("call_id", Long.parseLong(dialpadId)).claim("state", state).claim("custom_data", ourId)
                .claim("direction", "outbound").claim("event_timestamp", System.currentTimeMillis())
                .issueTime(new java.util.Date());
        more.forEach(claims::claim);
        try {
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims.build());
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(WEBHOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new AssertionError(e);
        }
    }

    /** Delivers a signed call event to this instance's /dialpad/events, as Dialpad does. */
    protected Answer deliverCallEvent(String dialpadId, String state, String ourId, Map<String, Object> more) {
        Answer answer = send("POST", "/dialpad/events", signedCallEvent(dialpadId, state, ourId, more),
                "Content-Type", "application/jwt");
        if (answer.status() != 200) {
            throw new AssertionError("event refused: " + answer);
        }
        return answer;
    }

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
