package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.EnableRouteCoverage;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * How to test one route by its id (routes/README.md shows this test): the whole service runs (database, beans),
 * and the route under test is advised: its input replaced so the test calls it directly, one step replaced by a
 * fixed answer, another watched by a mock endpoint. The outcome is asserted, not just that something ran.
 * Copy it, change the route id, the step ids and the assertions.
 */
@EnableRouteCoverage // writes target/camel-route-coverage/RouteByIdExampleTest-*.xml
@DirtiesContext // advice changes the routes: this test gets a Spring context of its own, closed afterwards
@TestPropertySource(properties = "app.test-context=route-by-id-example")
class RouteByIdExampleTest extends ServiceTest {

    @Autowired
    ProducerTemplate producer;

    @Test
    void getCallAnswersTheStoredCallWithItsTimeline() throws Exception {
        // a real call in the database, placed through the API (the rep is not connected: a tel: fallback)
        String id = postCall("{\"rep_id\": \"rep-example\", \"to_number\": \"(555) 123-4567\"}").json().get("id").asText();

        AdviceWith.adviceWith(camel, "get-call", route -> {
            route.replaceFromWith("direct:get-call-under-test");           // call the route, not the REST path
            route.weaveById("find-call").after().to("mock:call-row");       // watch what find-call read
            route.weaveById("find-call-events").replace().setBody(route.constant(List.of(   // a fixed timeline
                    Map.of("state", "ringing", "at", Timestamp.from(Instant.parse("2026-01-02T03:04:05Z"))))));
        });
        // the supervising route controller (camel.routecontroller) leaves a re-added route stopped: start it
        camel.getRouteController().startRoute("get-call");
        MockEndpoint callRow = camel.getEndpoint("mock:call-row", MockEndpoint.class);
        callRow.expectedMessageCount(1);

        Exchange answer = producer.request("direct:get-call-under-test", e -> e.getMessage().setHeader("id", id));

        callRow.assertIsSatisfied();
        assertThat(callRow.getExchanges().get(0).getMessage().getBody(Map.class)).containsEntry("rep_id", "rep-example");
        JsonNode call = JSON.readTree(answer.getMessage().getBody(String.class));
        assertThat(call.get("id").asText()).isEqualTo(id);
        assertThat(call.get("reason").asText()).isEqualTo("not_connected");
        assertThat(call.get("events").get(0).get("state").asText()).isEqualTo("ringing");
        assertThat(call.get("events").get(0).get("at").asText()).isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void anUnknownIdIsA404FromTheRoutesErrorHandler() throws Exception {
        AdviceWith.adviceWith(camel, "get-call", route -> route.replaceFromWith("direct:get-call-unknown"));
        camel.getRouteController().startRoute("get-call");

        Exchange answer = producer.request("direct:get-call-unknown",
                e -> e.getMessage().setHeader("id", "00000000-0000-0000-0000-000000000000"));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(404);
        assertThat(JSON.readTree(answer.getMessage().getBody(String.class)).at("/error/code").asText()).isEqualTo("not_found");
    }
}
