package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.clicktocall.support.Browsers;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The widget in a real browser: a CRM page (served by WireMock at its own origin, http://localhost:<port>) loads
 * /widget/dialpad-call.js from the service (http://127.0.0.1:<port>) and gets its token from "its backend" (the
 * test, through POST /widget/sessions with the CRM key). Dialpad is WireMock, as in every test.
 */
class WidgetBrowserTest extends ServiceTest {

    private static final Playwright[] PLAYWRIGHT = new Playwright[1];
    private static Browser browser;
    private BrowserContext context;
    private Page page;
    private final AtomicInteger tokensAsked = new AtomicInteger();

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

    @BeforeEach
    void newContext() {
        context = browser.newContext();
        context.setDefaultTimeout(10_000);
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    /** The CRM page: one Call button, the widget's toasts, every widget event recorded in window.events. */
    private String crmPage(String widgetOptions) {
        String api = "http://127.0.0.1:" + port;
        return """
                <!doctype html><html><head><title>CRM</title></head><body>
                <div id="cti"></div>
                <button id="call" data-dialpad-call data-to="+1 555 123 4567" data-contact-id="contact_7">Call</button>
                <script src="%s/widget/dialpad-call.js"></script>
                <script>
                  window.events = []; window.opened = [];
                  ["ready", "cti:auth", "call:start", "call:initiated", "call:fallback", "call:failed", "call:status", "error"]
                    .forEach(n => document.addEventListener("dialpad-call:" + n, e => window.events.push([n, e.detail])));
                  window.dp = DialpadCall.init(Object.assign({ apiBase: "%s", getToken: () => window.crmToken(),
                      openLink: href => window.opened.push(href) }, %s));
                  window.dp.bind(document);
                </script></body></html>""".formatted(api, api, widgetOptions);
    }

    /** Opens the CRM page at {@code origin} (WireMock's, by localhost or by 127.0.0.1) for {@code repId}. */
    private Page open(String origin, String repId, String widgetOptions, String... tokens) {
        DIALPAD.stubFor(get("/crm.html").willReturn(aResponse().withHeader("Content-Type", "text/html; charset=utf-8")
                .withBody(crmPage(widgetOptions))));
        page = context.newPage();
        page.exposeFunction("crmToken", args -> {
            int n = tokensAsked.getAndIncrement();
            return n < tokens.length ? tokens[n] : session(repId);
        });
        page.navigate(origin + "/crm.html");
        page.waitForFunction("() => window.dp !== undefined");
        return page;
    }

    /** What the CRM's backend does: POST /widget/sessions with its key. */
    private String session(String repId) {
        return widgetToken(repId, CRM_PAGE_ORIGIN);
    }

    private Locator toast() {
        return page.locator("[data-dialpad-toast]").last();
    }

    private long callsOf(String repId) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM calls WHERE rep_id = ?", Long.class, repId);
        return n == null ? 0 : n;
    }

    @Test
    void aRepWithoutDialpadGetsThePhoneLinkToast() {
        open(CRM_PAGE_ORIGIN, "rep-browser-nc", "{}");

        page.click("#call");

        assertThat(toast()).containsText("Opening Phone");
        assertThat(toast()).containsText("Calling +15551234567");
        assertThat(toast()).containsText("Connect Dialpad");
        assertThat(page.evaluate("() => window.opened")).isEqualTo(List.of("tel:+15551234567"));
        assertThat(callsOf("rep-browser-nc")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT fallback_reason FROM calls WHERE rep_id = 'rep-browser-nc'", String.class))
                .isEqualTo("not_connected");
        DIALPAD.verify(0, postRequestedFor(urlEqualTo("/api/v2/call")));
    }

    @Test
    void aDoubleClickIsOneCallAndTheButtonWaits() {
        connectRep("rep-browser-dbl");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"8100000000000001\"}").withFixedDelay(600)));
        open(CRM_PAGE_ORIGIN, "rep-browser-dbl", "{}");

        page.dblclick("#call");
        assertThat(page.locator("#call")).isDisabled();
        page.locator("#call").click(new Locator.ClickOptions().setForce(true));

        assertThat(toast()).containsText("Call Initiated");
        assertThat(toast()).containsText("Calling +15551234567 via Dialpad");
        assertThat(page.locator("#call")).isEnabled();
        assertThat(callsOf("rep-browser-dbl")).isEqualTo(1);
        DIALPAD.verify(1, postRequestedFor(urlEqualTo("/api/v2/call")));
        assertThat(page.evaluate("() => window.events.filter(e => e[0] === 'call:start').length")).isEqualTo(1);
        assertThat(page.evaluate("() => window.opened")).isEqualTo(List.of());
    }

    @Test
    void a503WithATelLinkOpensThePhoneAndAnAmbiguous5xxDoesNot() {
        open(CRM_PAGE_ORIGIN, "rep-browser-503", "{}");
        page.route("**/calls", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setStatus(503).setContentType("application/json")
                .setHeaders(Map.of("Access-Control-Allow-Origin", CRM_PAGE_ORIGIN))
                .setBody("{\"error\": {\"code\": \"database_unavailable\", \"message\": \"try again\"},"
                        + " \"tel_uri\": \"tel:+15551234567\"}")));

        page.click("#call");
        assertThat(toast()).containsText("Opening Phone");
        assertThat(page.evaluate("() => window.opened")).isEqualTo(List.of("tel:+15551234567"));

        page.unrouteAll();
        page.route("**/calls", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setStatus(500).setContentType("application/json")
                .setHeaders(Map.of("Access-Control-Allow-Origin", CRM_PAGE_ORIGIN))
                .setBody("{\"error\": {\"code\": \"internal_error\", \"message\": \"nothing was dialled\"}}")));
        page.click("#call");
        assertThat(toast()).containsText("Dialpad may still ring");
        assertThat(page.evaluate("() => window.opened.length")).isEqualTo(1);
    }

    @Test
    void aPageOnAnOriginNotAllowedIsRefusedByCors() {
        connectRep("rep-browser-cors");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"8100000000000002\"}")));
        // Even with a valid token (stolen from the CRM's page), a page on another origin cannot call.
        open("http://127.0.0.1:" + DIALPAD.port(), "rep-browser-cors", "{}");

        Object status = page.evaluate("""
                async () => { try { const r = await fetch('http://127.0.0.1:%d/reps/rep-browser-cors/dialpad',
                  { headers: { Authorization: 'Bearer ' + await window.crmToken() } }); return r.status; }
                  catch (e) { return 'blocked: ' + e.name; } }""".formatted(port));
        page.click("#call");

        assertThat(String.valueOf(status)).startsWith("blocked");
        assertThat(toast()).containsText("Dialpad may still ring");
        assertThat(callsOf("rep-browser-cors")).isZero();
        DIALPAD.verify(0, postRequestedFor(urlEqualTo("/api/v2/call")));
    }

    @Test
    void anExpiredTokenIsRenewedThroughGetTokenOnce() throws Exception {
        connectRep("rep-browser-exp");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"8100000000000003\"}")));
        open(CRM_PAGE_ORIGIN, "rep-browser-exp", "{}", expired("rep-browser-exp"));

        page.click("#call");

        assertThat(toast()).containsText("Call Initiated");
        assertThat(tokensAsked.get()).isEqualTo(2);
        assertThat(callsOf("rep-browser-exp")).isEqualTo(1);
        DIALPAD.verify(1, postRequestedFor(urlEqualTo("/api/v2/call")));
    }

    @Test
    void ctiDialsThroughTheMiniDialerAndIgnoresMessagesFromElsewhere() {
        // A fake Mini Dialer at Dialpad's real address: records what it receives, signs the rep in on request.
        context.route("https://dialpad.com/apps/**", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setContentType("text/html").setBody("""
                        <!doctype html><script>
                          window.received = [];
                          addEventListener('message', e => { window.received.push({ origin: e.origin, data: e.data }); });
                          window.signIn = () => parent.postMessage({ api: 'opencti_dialpad', version: '1.0',
                              method: 'user_authentication', payload: { user_authenticated: true, user_id: 42 } }, '*');
                        </script>""")));
        open(CRM_PAGE_ORIGIN, "rep-browser-cti", "{ cti: { clientId: 'abc123', container: document.getElementById('cti') } }");
        page.waitForFunction("() => window.events.some(e => e[0] === 'ready')");
        com.microsoft.playwright.Frame dialer = page.frames().stream()
                .filter(f -> f.url().startsWith("https://dialpad.com/apps/abc123")).findFirst().orElseThrow();

        // The CRM page itself pretending to be the dialer: ignored (wrong origin and source).
        page.evaluate("() => window.postMessage({ api: 'opencti_dialpad', version: '1.0', method: 'user_authentication',"
                + " payload: { user_authenticated: true } }, '*')");
        page.waitForTimeout(200);
        assertThat(page.evaluate("() => window.events.filter(e => e[0] === 'cti:auth').length")).isEqualTo(0);

        dialer.evaluate("() => window.signIn()");
        page.waitForFunction("() => window.events.some(e => e[0] === 'cti:auth' && e[1].signedIn)");
        page.click("#call");

        assertThat(toast()).containsText("Call Initiated");
        dialer.waitForFunction("() => window.received.some(m => m.data.method === 'initiate_call')");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> received = (List<Map<String, Object>>) dialer.evaluate("() => window.received");
        assertThat(received).allSatisfy(m -> assertThat(m.get("origin")).isEqualTo(CRM_PAGE_ORIGIN));
        assertThat(received).extracting(m -> (Object) ((Map<?, ?>) m.get("data")).get("method"))
                .containsExactly((Object) "enable_current_tab", "initiate_call");
        Map<?, ?> initiate = (Map<?, ?>) received.get(1).get("data");
        assertThat(initiate.get("api")).isEqualTo("opencti_dialpad");
        assertThat(((Map<?, ?>) initiate.get("payload")).get("phone_number")).isEqualTo("+1 555 123 4567");
        assertThat(page.evaluate("() => window.events.find(e => e[0] === 'call:initiated')[1].channel")).isEqualTo("cti");
        DIALPAD.verify(0, postRequestedFor(urlEqualTo("/api/v2/call")));
        // asked (and logged) before the dialer dials; our call id travels as custom_data, so Dialpad's events find it
        Map<String, Object> row = jdbc.queryForMap("SELECT id, status, channel FROM calls WHERE rep_id = 'rep-browser-cti'");
        assertThat(row).containsEntry("status", "initiated").containsEntry("channel", "cti");
        assertThat(((Map<?, ?>) initiate.get("payload")).get("custom_data")).isEqualTo(row.get("id").toString());
    }

    @Test
    void aBlockedNumberIsNeitherDialledInTheMiniDialerNorOpenedAsALink() {
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+15551234567')");
        try {
            context.route("https://dialpad.com/apps/**", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                    .setContentType("text/html").setBody("""
                            <!doctype html><script>
                              window.received = [];
                              addEventListener('message', e => { window.received.push(e.data.method); });
                              parent.postMessage({ api: 'opencti_dialpad', version: '1.0', method: 'user_authentication',
                                  payload: { user_authenticated: true, user_id: 42 } }, '*');
                            </script>""")));
            open(CRM_PAGE_ORIGIN, "rep-browser-blocked", "{ cti: { clientId: 'abc123', container: document.getElementById('cti') } }");
            page.waitForFunction("() => window.events.some(e => e[0] === 'cti:auth' && e[1].signedIn)");
            com.microsoft.playwright.Frame dialer = page.frames().stream()
                    .filter(f -> f.url().startsWith("https://dialpad.com/apps/abc123")).findFirst().orElseThrow();

            page.click("#call");

            assertThat(toast()).containsText("Call not placed");
            assertThat(toast()).containsText("do-not-call list");
            assertThat(page.evaluate("() => window.events.find(e => e[0] === 'call:failed')[1].status")).isEqualTo("blocked");
            assertThat(dialer.evaluate("() => window.received")).isEqualTo(List.of("enable_current_tab"));

            // the same page without the Mini Dialer: the answer is blocked, no phone link is opened
            open(CRM_PAGE_ORIGIN, "rep-browser-blocked", "{}");
            page.click("#call");
            assertThat(toast()).containsText("Call not placed");
            assertThat(page.evaluate("() => window.opened")).isEqualTo(List.of());
            assertThat(jdbc.queryForList("SELECT status FROM calls WHERE rep_id = 'rep-browser-blocked'", String.class))
                    .containsExactly("blocked", "blocked");
            DIALPAD.verify(0, postRequestedFor(urlEqualTo("/api/v2/call")));
        } finally {
            jdbc.update("DELETE FROM do_not_call WHERE number = '+15551234567'");
        }
    }

    private Locator panelStatus() {
        return page.locator("[data-dialpad-call-status]").last();
    }

    /** Every request the page sent, as "METHOD url". */
    private List<String> recordRequests() {
        List<String> requests = new CopyOnWriteArrayList<>();
        page.onRequest(request -> requests.add(request.method() + " " + request.url()));
        return requests;
    }

    private String initiatedCallId() {
        page.waitForFunction("() => window.events.some(e => e[0] === 'call:initiated')");
        return (String) page.evaluate("() => window.events.find(e => e[0] === 'call:initiated')[1].callId");
    }

    @Test
    void theCallPanelFollowsTheCallLiveAndItsHangUpButtonHangsUp() {
        connectRep("rep-browser-live");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"8100000000000004\"}")));
        DIALPAD.stubFor(put("/api/v2/call/8100000000000004/actions/hangup").willReturn(okJson("{}")));
        open(CRM_PAGE_ORIGIN, "rep-browser-live", "{}");
        List<String> requests = recordRequests();

        page.click("#call");
        assertThat(toast().locator("b")).hasText("Call Initiated");   // no "(demo)": this is a real Dialpad
        String id = initiatedCallId();
        assertThat(panelStatus()).hasText("Ringing your Dialpad\u2026");
        assertThat(page.locator("[data-dialpad-hangup]")).isVisible();

        // Dialpad's events reach the service; the widget's stream shows each change.
        deliverCallEvent("8100000000000004", "ringing", id, Map.of());
        assertThat(panelStatus()).hasText("Ringing\u2026");
        deliverCallEvent("8100000000000004", "connected", id, Map.of("date_connected", System.currentTimeMillis()));
        assertThat(panelStatus()).hasText("Connected");

        page.click("[data-dialpad-hangup]");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                DIALPAD.findAll(putRequestedFor(urlEqualTo("/api/v2/call/8100000000000004/actions/hangup"))).size() == 1);
        assertThat(callRow(id).get("hangup_requested_at")).isNotNull();
        deliverCallEvent("8100000000000004", "hangup", id, Map.of("duration", 65000.0));

        assertThat(panelStatus()).hasText("Ended \u00b7 1:05");
        assertThat(page.locator("[data-dialpad-hangup]")).isHidden();
        assertThat(page.evaluate("() => window.events.filter(e => e[0] === 'call:status').map(e => e[1].status)"))
                .isEqualTo(List.of("initiated", "ringing", "connected", "ended"));
        assertThat(page.evaluate("() => window.events.filter(e => e[0] === 'call:status').pop()[1].durationMs"))
                .isEqualTo(65000);
        String api = "http://127.0.0.1:" + port + "/calls/" + id;
        assertThat(requests).contains("GET " + api + "/events").doesNotContain("GET " + api);
    }

    @Test
    void withoutItsStreamTheWidgetPollsTheCall() {
        connectRep("rep-browser-poll");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"8100000000000005\"}")));
        open(CRM_PAGE_ORIGIN, "rep-browser-poll", "{}");
        List<String> requests = recordRequests();
        // The stream refused (its cap reached, or a proxy that cannot stream): the widget reads the call instead.
        page.route("**/events", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setStatus(429).setContentType("application/json")
                .setHeaders(Map.of("Access-Control-Allow-Origin", CRM_PAGE_ORIGIN))
                .setBody("{\"error\": {\"code\": \"too_many_streams\", \"message\": \"poll instead\"}}")));

        page.click("#call");
        String id = initiatedCallId();
        deliverCallEvent("8100000000000005", "ringing", id, Map.of());

        assertThat(panelStatus()).hasText("Ringing\u2026");
        assertThat(requests).contains("GET http://127.0.0.1:" + port + "/calls/" + id);
    }

    private static String expired(String repId) throws Exception {
        Instant issued = Instant.now().minus(Duration.ofMinutes(20));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("click-to-call").audience("dialpad-call-widget")
                .subject(repId).claim("origin", CRM_PAGE_ORIGIN).issueTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(Duration.ofMinutes(15)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(WIDGET_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
