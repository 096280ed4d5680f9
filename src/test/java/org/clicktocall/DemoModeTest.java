package org.clicktocall;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.nimbusds.jwt.SignedJWT;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.clicktocall.demo.DemoMode;
import org.clicktocall.support.Browsers;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Demo mode: with nothing Dialpad-related configured, the try page works end to end in a real browser against the
 * built-in simulator: connect (consent page, Approve), click Call, toast, ringing, connected, ended.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "spring.autoconfigure.exclude=" + ServiceTest.NO_WEB_SECURITY,
        "calls.api-keys=" + ServiceTest.CRM_KEY,
        "calls.admin-api-keys=" + ServiceTest.ADMIN_KEY,
        "tokens.encryption-key=" + ServiceTest.ENCRYPTION_KEY,
        "demo.step=3s"})
class DemoModeTest {

    private static final int PORT = freePort();
    private static final Playwright[] PLAYWRIGHT = new Playwright[1];
    private static Browser browser;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void portAndDataFolder(DynamicPropertyRegistry registry) throws IOException {
        registry.add("server.port", () -> PORT);
        Files.createDirectories(Path.of("target/test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target/test-data"), "demo-");
        registry.add("app.data-dir", dataDir::toString);
    }

    @BeforeAll
    static void startBrowser() {
        browser = Browsers.chromium(PLAYWRIGHT);
    }

    @AfterAll
    static void stopBrowser() {
        if (PLAYWRIGHT[0] != null) {
            PLAYWRIGHT[0].close();
        }
    }

    @Test
    void theTryPageConnectsCallsAndFollowsTheCallToItsEnd() throws Exception {
        try (BrowserContext context = browser.newContext()) {
            context.setDefaultTimeout(20_000);
            Page page = context.newPage();
            page.navigate("http://localhost:" + PORT + "/try");
            assertThat(page.locator("#demo")).isVisible();
            assertThat(page.locator("[data-dialpad-status]")).containsText("not connected");

            page.getByText("Connect Dialpad").click();
            assertThat(page.locator("body")).containsText("Allow click-to-call");   // the simulator's consent page (DEMO)
            page.click("#approve");
            page.waitForURL("**/try?dialpad=connected");
            assertThat(page.locator("[data-dialpad-status]")).hasText("Dialpad connected");

            page.evaluate("() => { window.seen = []; document.addEventListener('dialpad-call:call:status',"
                    + " e => window.seen.push(e.detail.status)); }");
            long clicked = System.nanoTime();
            page.locator("button[data-contact-id=contact_ada]").click();
            assertThat(page.locator("[data-dialpad-toast]").last()).containsText("Calling +15551234567 via Dialpad");
            long toastMs = (System.nanoTime() - clicked) / 1_000_000;
            assertThat(page.locator("#status")).containsText("ended (", new com.microsoft.playwright.assertions
                    .LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            System.out.println("demo: click to toast " + toastMs + " ms");
            // README's picture of the try page (copied to docs/ by hand when the page changes).
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/try-page.png")).setFullPage(true));

            @SuppressWarnings("unchecked")
            List<String> seen = (List<String>) page.evaluate("() => window.seen");
            assertThat(seen).contains("ringing", "connected", "ended");
            Map<String, Object> row = jdbc.queryForMap("SELECT * FROM calls WHERE rep_id = 'demo-rep'");
            assertThat(row).containsEntry("status", "ended").containsEntry("to_number", "+15551234567");
            assertThat(((Number) row.get("duration_ms")).longValue()).isPositive();
            assertThat(jdbc.queryForList("SELECT state FROM call_events ORDER BY 1", String.class))
                    .contains("ringing", "connected", "hangup");
        }
    }

    @Test
    void healthSaysDemo() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PORT + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"demo\"");
    }

    @Test
    void theWidgetsSessionAndTokenSayDemo() throws Exception {
        HttpResponse<String> session = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PORT + "/demo/session")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = new ObjectMapper().readTree(session.body());

        assertThat(answer.get("demo").asBoolean()).isTrue();
        // A CRM's backend may hand the widget only the token: it says demo too.
        assertThat(SignedJWT.parse(answer.get("token").asText()).getJWTClaimsSet().getClaim("demo")).isEqualTo(true);
    }

    @Test
    void demoModeIsOffWithAnyDialpadSettingAndUnderProd() {
        assertThat(demoActive(Map.of(), new String[0])).isTrue();
        assertThat(demoActive(Map.of("dialpad.oauth.client-id", "real-client"), new String[0])).isFalse();
        assertThat(demoActive(Map.of("dialpad.base-url", "https://sandbox.dialpad.com"), new String[0])).isFalse();
        assertThat(demoActive(Map.of("dialpad.webhook.secret", "x".repeat(40)), new String[0])).isFalse();
        assertThat(demoActive(Map.of("demo.mode", "off"), new String[0])).isFalse();
        assertThat(demoActive(Map.of(), new String[] {"prod"})).isFalse();
    }

    private static boolean demoActive(Map<String, Object> settings, String[] profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
        environment.setActiveProfiles(profiles);
        new DemoMode().postProcessEnvironment(environment, new SpringApplication());
        return "true".equals(environment.getProperty(DemoMode.ACTIVE));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
