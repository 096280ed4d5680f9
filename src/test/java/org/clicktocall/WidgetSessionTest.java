package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.clicktocall.security.Operations;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The widget's token: issued to the CRM's backend for one rep and origin, accepted by the operations a widget may
 * call, for that rep only, and by nothing else; CORS answers only the configured origins.
 */
class WidgetSessionTest extends ServiceTest {

    private static final String CLICK = """
            {"to_number": "+1 555 123 4567", "contact_id": "contact_9"}""";

    @Autowired
    Operations operations;

    private String token(String repId) {
        Answer answer = send("POST", "/widget/sessions", """
                {"rep_id": "%s", "origin": "%s"}""".formatted(repId, WIDGET_ORIGIN),
                "X-API-Key", CRM_KEY, "Content-Type", "application/json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("token").asText();
    }

    private Answer withToken(String method, String path, String body, String token, String... more) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + token, "Origin", WIDGET_ORIGIN));
        if (body != null) {
            headers.addAll(List.of("Content-Type", "application/json"));
        }
        headers.addAll(List.of(more));
        return send(method, path, body, headers.toArray(String[]::new));
    }

    @Test
    void theCrmGetsAFifteenMinuteTokenBoundToTheRepAndOrigin() throws Exception {
        Instant before = Instant.now();
        Answer answer = send("POST", "/widget/sessions", """
                {"rep_id": "rep-widget", "origin": "https://CRM.example.com"}""",
                "X-API-Key", CRM_KEY, "Content-Type", "application/json");

        assertThat(answer.status()).isEqualTo(201);
        JsonNode body = answer.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isEqualTo(900);
        assertThat(body.get("rep_id").asText()).isEqualTo("rep-widget");
        assertThat(body.get("origin").asText()).isEqualTo(WIDGET_ORIGIN);
        assertThat(body.get("demo").asBoolean()).as("a real Dialpad is configured").isFalse();
        JWTClaimsSet claims = SignedJWT.parse(body.get("token").asText()).getJWTClaimsSet();
        assertThat(claims.getClaim("demo")).isNull();
        assertThat(claims.getSubject()).isEqualTo("rep-widget");
        assertThat(claims.getClaim("origin")).isEqualTo(WIDGET_ORIGIN);
        assertThat(claims.getExpirationTime().toInstant())
                .isBefore(before.plus(Duration.ofMinutes(15)).plusSeconds(5)).isAfter(before.plus(Duration.ofMinutes(14)));
    }

    @Test
    void aSessionNeedsTheCrmKeyAndAnAllowedOrigin() {
        Answer noKey = send("POST", "/widget/sessions", """
                {"rep_id": "rep-widget", "origin": "%s"}""".formatted(WIDGET_ORIGIN), "Content-Type", "application/json");
        Answer otherOrigin = send("POST", "/widget/sessions", """
                {"rep_id": "rep-widget", "origin": "https://evil.example.net"}""",
                "X-API-Key", CRM_KEY, "Content-Type", "application/json");
        Answer unknownField = send("POST", "/widget/sessions", """
                {"rep_id": "rep-widget", "origin": "%s", "ttl": 99999}""".formatted(WIDGET_ORIGIN),
                "X-API-Key", CRM_KEY, "Content-Type", "application/json");
        // A widget token cannot mint further tokens.
        Answer byWidget = withToken("POST", "/widget/sessions", """
                {"rep_id": "rep-widget", "origin": "%s"}""".formatted(WIDGET_ORIGIN), token("rep-widget"));

        assertThat(noKey.status()).isEqualTo(401);
        assertThat(otherOrigin.status()).isEqualTo(400);
        assertThat(otherOrigin.json().at("/error/code").asText()).isEqualTo("origin_not_allowed");
        assertThat(unknownField.json().at("/error/code").asText()).isEqualTo("unknown_field");
        assertThat(byWidget.status()).isEqualTo(401);
    }

    @Test
    void aWidgetTokenPlacesACallForItsOwnRepTakenFromTheToken() {
        connectRep("rep-widget-call");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"7000000000000001\"}")));
        String token = token("rep-widget-call");

        Answer answer = withToken("POST", "/calls", CLICK, token, "Idempotency-Key", "click-w-1");

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(WIDGET_ORIGIN);
        String id = answer.json().get("id").asText();
        assertThat(callRow(id)).containsEntry("rep_id", "rep-widget-call").containsEntry("status", "initiated");
        assertThat(dialpadRequests()).hasSize(1);

        Answer read = withToken("GET", "/calls/" + id, null, token);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("rep_id").asText()).isEqualTo("rep-widget-call");
    }

    @Test
    void anotherRepsIdInTheBodyOrPathIsForbiddenAndAnotherRepsCallIsNotFound() {
        String token = token("rep-widget-a");
        int callsBefore = callCount();

        Answer otherBodyRep = withToken("POST", "/calls",
                "{\"rep_id\": \"rep-widget-b\", \"to_number\": \"+1 555 123 4567\"}", token);
        Answer otherPathRep = withToken("GET", "/reps/rep-widget-b/dialpad", null, token);
        Answer otherDisconnect = withToken("DELETE", "/reps/rep-widget-b/dialpad", null, token);
        Answer ownStatus = withToken("GET", "/reps/rep-widget-a/dialpad", null, token);

        assertThat(otherBodyRep.status()).isEqualTo(403);
        assertThat(otherBodyRep.json().at("/error/code").asText()).isEqualTo("forbidden");
        assertThat(otherPathRep.status()).isEqualTo(403);
        assertThat(otherDisconnect.status()).isEqualTo(403);
        assertThat(ownStatus.status()).isEqualTo(200);
        assertThat(ownStatus.json().get("rep_id").asText()).isEqualTo("rep-widget-a");
        assertThat(callCount()).isEqualTo(callsBefore);

        // rep b's call, placed by the CRM, is invisible to rep a's widget even with its id.
        String bCall = postCall("{\"rep_id\": \"rep-widget-b\", \"to_number\": \"+1 555 123 4567\"}").json().get("id").asText();
        assertThat(withToken("GET", "/calls/" + bCall, null, token).status()).isEqualTo(404);
        // ...and a client cannot claim to be a widget rep by sending the gate's header itself.
        assertThat(send("GET", "/calls/" + bCall, null, "X-API-Key", CRM_KEY, "X-Widget-Rep", "rep-widget-a").status())
                .isEqualTo(200);
    }

    @Test
    void anExpiredForgedOrOtherOriginTokenIsRefused() throws Exception {
        String expired = signed(WIDGET_SECRET, "rep-widget-x", Instant.now().minusSeconds(1000), Duration.ofMinutes(15));
        String tooLong = signed(WIDGET_SECRET, "rep-widget-x", Instant.now(), Duration.ofHours(1));
        String forged = signed("another-secret-0123456789abcdef0123456789", "rep-widget-x", Instant.now(), Duration.ofMinutes(5));
        String good = token("rep-widget-x");

        assertThat(withToken("GET", "/reps/rep-widget-x/dialpad", null, expired).status()).isEqualTo(401);
        assertThat(withToken("GET", "/reps/rep-widget-x/dialpad", null, tooLong).status()).isEqualTo(401);
        assertThat(withToken("GET", "/reps/rep-widget-x/dialpad", null, forged).status()).isEqualTo(401);
        Answer otherOrigin = send("GET", "/reps/rep-widget-x/dialpad", null,
                "Authorization", "Bearer " + good, "Origin", "https://evil.example.net");
        assertThat(otherOrigin.status()).isEqualTo(403);
        assertThat(otherOrigin.header("Access-Control-Allow-Origin")).isNull();
        assertThat(withToken("GET", "/reps/rep-widget-x/dialpad", null, good).status()).isEqualTo(200);
        // The token never appears in an answer.
        assertThat(otherOrigin.body()).doesNotContain(good);
    }

    @Test
    void aWidgetTokenReachesOnlyTheOperationsThatListIt() {
        String token = token("rep-widget-walk");
        Set<String> widgetOps = Set.of("create-call", "get-call", "follow-call", "hang-up-call", "start-dialpad-connect", "get-dialpad-connection",
                "disconnect-dialpad");
        List<String> failures = new ArrayList<>();
        operations.all().forEach((methodAndPath, op) -> {
            boolean expected = widgetOps.contains(op.id());
            if (op.widget() != expected) {
                failures.add(op.id() + " widget=" + op.widget());
            }
            if (expected || op.access() == Operations.Access.OPEN) {
                return;
            }
            String method = methodAndPath.substring(0, methodAndPath.indexOf(' '));
            String path = methodAndPath.substring(methodAndPath.indexOf(' ') + 1).replace("{rep_id}", "rep-widget-walk")
                    .replace("{id}", "00000000-0000-0000-0000-000000000000").replace("{number}", "+15551234567");
            String body = "PUT".equals(method) || "POST".equals(method) ? "{}" : null;
            Answer answer = withToken(method, path, body, token);
            // 401 from the gate; an operation that takes another media type (the CSV import) is refused by the router
            // with 415 before any route or key check runs
            if (answer.status() != 401 && !(answer.status() == 415 && !op.consumes().contains("application/json"))) {
                failures.add(method + " " + path + " -> " + answer.status());
            }
        });
        assertThat(failures).isEmpty();
    }

    @Test
    void corsAnswersOnlyTheConfiguredOriginsWithoutCredentials() {
        Answer allowed = send("OPTIONS", "/calls", null, "Origin", WIDGET_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
        Answer denied = send("OPTIONS", "/calls", null, "Origin", "https://evil.example.net",
                "Access-Control-Request-Method", "POST");
        Answer deniedGet = send("GET", "/reps/rep-x/dialpad", null, "Origin", "https://evil.example.net", "X-API-Key", CRM_KEY);

        assertThat(allowed.status()).isEqualTo(204);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(WIDGET_ORIGIN);
        assertThat(allowed.header("Access-Control-Allow-Headers")).contains("Authorization", "Idempotency-Key");
        assertThat(allowed.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("Access-Control-Allow-Origin")).isNull();
        assertThat(deniedGet.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void theWidgetScriptIsServedWithoutAKeyAndNothingElseIs() {
        Answer script = send("GET", "/widget/dialpad-call.js", null);
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).contains("javascript");
        assertThat(script.body()).contains("DialpadCall").doesNotContain(CRM_KEY);
        assertThat(send("GET", "/widget/dialpad-call.d.ts", null).status()).isEqualTo(200);
        // Browsers run a module only when it is labelled JavaScript.
        assertThat(send("GET", "/widget/dialpad-call.mjs", null).header("Content-Type")).contains("javascript");
        assertThat(send("GET", "/try", null).body()).contains("/widget/dialpad-call.js");
        for (String path : List.of("/application.yaml", "/config/application.yaml", "/sql/find-call.sql",
                "/db/migration/V1__calls.sql", "/widget/../sql/find-call.sql", "/static/widget/dialpad-call.js")) {
            assertThat(send("GET", path, null).status()).as(path).isIn(400, 404);
        }
    }

    private static String signed(String secret, String rep, Instant issued, Duration life) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("click-to-call").audience("dialpad-call-widget")
                .subject(rep).claim("origin", WIDGET_ORIGIN).issueTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(life))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
