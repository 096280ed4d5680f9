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
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
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
 * built-in simulator: connect (consent page, Approve), click Call, toast, ringing, connected, ended; the widget's Hang
 * up button; and everything the widget shows says demo.
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
    /** The simulator moves a call along every 3 s (demo.step); an assertion's own default is 5 s. */
    private static final LocatorAssertions.HasTextOptions STEP = new LocatorAssertions.HasTextOptions().setTimeout(15_000);
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

    /** The try page, with the demo rep connected through the simulator's consent page (once per context). */
    private Page tryPage(BrowserContext context) {
        Page page = context.newPage();
        page.navigate("http://localhost:" + PORT + "/try");
        assertThat(page.locator("#demo")).isVisible();
        assertThat(page.locator("[data-dialpad-status]")).containsText("Dialpad");
        if (page.locator("[data-dialpad-status]").textContent().contains("not connected")) {
            page.getByText("Connect Dialpad").click();
            assertThat(page.locator("body")).containsText("Allow click-to-call");   // the simulator's consent page (DEMO)
            page.click("#approve");
            page.waitForURL("**/try?dialpad=connected");
        }
        assertThat(page.locator("[data-dialpad-status]")).hasText("Dialpad connected (demo)");
        page.evaluate("() => { window.seen = [];"
                + " document.addEventListener('dialpad-call:call:status', e => window.seen.push(e.detail.status)); }");
        return page;
    }

    @Test
    void theTryPageConnectsCallsAndFollowsTheCallLiveToItsEnd() throws Exception {
        try (BrowserContext context = browser.newContext()) {
            context.setDefaultTimeout(20_000);
            Page page = tryPage(context);
            List<String> requests = new CopyOnWriteArrayList<>();
            page.onRequest(request -> requests.add(request.method() + " " + request.url()));

            long clicked = System.nanoTime();
            page.locator("button[data-contact-id=contact_ada]").click();
            Locator toast = page.locator("[data-dialpad-toast]").last();
            assertThat(toast).containsText("Calling +15551234567 via Dialpad");
            long toastMs = (System.nanoTime() - clicked) / 1_000_000;
            // Nobody takes the simulator for Dialpad: every toast and the call panel say demo.
            assertThat(toast.locator("b")).hasText("Call Initiated (demo)");
            Locator panel = page.locator("[data-dialpad-call-panel]");
            assertThat(panel.locator("b")).hasText("Calling +15551234567 (demo)");
            // The widget's own panel follows the call live: ringing, connected, then ended with its duration.
            Locator status = panel.locator("[data-dialpad-call-status]");
            assertThat(status).hasText("Ringing\u2026", STEP);
            assertThat(status).hasText("Connected", STEP);
            assertThat(status).containsText("Ended \u00b7 0:0", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            assertThat(page.locator("#status")).containsText("ended (");
            System.out.println("demo: click to toast " + toastMs + " ms");
            // README's picture of the try page (copied to docs/ by hand when the page changes).
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/try-page.png")).setFullPage(true));

            @SuppressWarnings("unchecked")
            List<String> seen = (List<String>) page.evaluate("() => window.seen");
            assertThat(seen).contains("ringing", "connected", "ended");
            Map<String, Object> row = jdbc.queryForMap("SELECT * FROM calls WHERE rep_id = 'demo-rep'"
                    + " AND to_number = '+15551234567' ORDER BY started_at DESC LIMIT 1");
            assertThat(row).containsEntry("status", "ended");
            assertThat(((Number) row.get("duration_ms")).longValue()).isPositive();
            assertThat(jdbc.queryForList("SELECT state FROM call_events WHERE call_ref = ?", String.class, row.get("id")))
                    .contains("ringing", "connected", "hangup");
            // Followed through its stream, not by polling the call.
            String call = "http://localhost:" + PORT + "/calls/" + row.get("id");
            assertThat(requests).contains("GET " + call + "/events").doesNotContain("GET " + call);
        }
    }

    @Test
    void theHangUpButtonEndsADemoCallBeforeTheSimulatorWould() {
        try (BrowserContext context = browser.newContext()) {
            context.setDefaultTimeout(20_000);
            Page page = tryPage(context);

            // Another number than the other test's, so a double-click guard never joins the two calls.
            page.evaluate("() => window.dp.call({ to: '+1 555 123 9876' })");
            Locator panel = page.locator("[data-dialpad-call-panel]");
            Locator status = panel.locator("[data-dialpad-call-status]");
            assertThat(status).hasText("Connected", new LocatorAssertions.HasTextOptions().setTimeout(20_000));
            long connected = System.nanoTime();
            page.locator("[data-dialpad-hangup]").click();

            // The simulator would hang up 2 steps (6 s) after connecting; the button ends it at once.
            assertThat(status).containsText("Ended", new LocatorAssertions.ContainsTextOptions().setTimeout(5_000));
            long endedMs = (System.nanoTime() - connected) / 1_000_000;
            assertThat(endedMs).isLessThan(5_000);
            assertThat(page.locator("[data-dialpad-hangup]")).isHidden();
            Map<String, Object> row = jdbc.queryForMap("SELECT * FROM calls WHERE rep_id = 'demo-rep'"
                    + " AND to_number = '+15551239876' ORDER BY started_at DESC LIMIT 1");
            assertThat(row).containsEntry("status", "ended");
            assertThat(row.get("hangup_requested_at")).isNotNull();
            System.out.println("demo: hang up to ended " + endedMs + " ms");
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
