package org.clicktocall.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

/**
 * The dev profile shows what runs: the routes and their state at /actuator/camelroutes, Camel's developer
 * console at /actuator/camel (the routes' source, inflight exchanges, health, ...), counters per route on
 * /actuator/prometheus. After a token import and a call through Dialpad, no page shows a token, an API key, a
 * secret or an Authorization value.
 */
@ActiveProfiles("dev")
class DevConsoleTest extends ServiceTest {

    private static final List<String> SECRETS = List.of(ACCESS_TOKEN, REFRESH_TOKEN, CRM_KEY, ADMIN_KEY, ENCRYPTION_KEY,
            CLIENT_SECRET, WEBHOOK_SECRET, DIALPAD_ADMIN_API_KEY);

    @Test
    void theConsoleShowsTheRoutesAndTheirCountersAndNoSecret() throws Exception {
        connectRep("rep-console");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"6342343299702784\"}")));
        Answer call = postCall("{\"rep_id\": \"rep-console\", \"to_number\": \"(555) 123-4567\"}");
        assertThat(call.json().get("action").asText()).isEqualTo("dialpad");

        assertThat(send("GET", "/actuator/camel", null).status()).as("no key").isEqualTo(401);
        assertThat(send("GET", "/actuator/%63amel", null, "X-API-Key", CRM_KEY).status()).as("a CRM key").isEqualTo(403);
        assertThat(send("GET", "/actuator/camelroutes", null, "X-API-Key", CRM_KEY).status()).as("a CRM key").isEqualTo(403);
        Answer consoles = send("GET", "/actuator/camel", null, "X-API-Key", ADMIN_KEY);
        assertThat(consoles.status()).isEqualTo(200);
        // routes and their state; counters per route id are on /actuator/prometheus (the console's own route
        // statistics need camel-management, which stays off the runtime classpath)
        Answer camelRoutes = send("GET", "/actuator/camelroutes", null, "X-API-Key", ADMIN_KEY);
        assertThat(camelRoutes.status()).isEqualTo(200);
        JsonNode placeCall = null;
        for (JsonNode route : camelRoutes.json()) {
            placeCall = "place-call".equals(route.path("id").asText()) ? route : placeCall;
        }
        assertThat(placeCall).as(camelRoutes.body()).isNotNull();
        assertThat(placeCall.get("status").asText()).isEqualTo("Started");
        assertThat(send("GET", "/actuator/prometheus", null).body())
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"place-call\"[^}]*} [1-9]");
        Answer routeSource = send("GET", "/actuator/camel/route-dump", null, "X-API-Key", ADMIN_KEY);
        assertThat(routeSource.body()).contains("place-call");

        List<String> pages = new ArrayList<>(List.of(consoles.body(), camelRoutes.body(), routeSource.body()));
        for (Iterator<String> ids = consoles.json().fieldNames(); ids.hasNext(); ) {
            String id = ids.next();
            pages.add("[" + id + "] " + send("GET", "/actuator/camel/" + id, null, "X-API-Key", ADMIN_KEY).body());
        }
        System.out.println("Developer consoles: " + consoles.json().size());
        for (String page : pages) {
            for (String secret : SECRETS) {
                assertThat(page).as("console page %s", page.substring(0, Math.min(80, page.length())))
                        .doesNotContain(secret);
            }
            // an Authorization value (the routes' source, shown by some consoles, names storedBearer: that is fine)
            assertThat(page).doesNotContainPattern("Bearer\\s+[A-Za-z0-9._~+/-]{8,}");
        }
    }
}
