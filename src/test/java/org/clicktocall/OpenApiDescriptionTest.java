package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** /openapi.json describes every operation, and what the service really answers matches it. */
class OpenApiDescriptionTest extends ServiceTest {

    @Test
    void describesEveryOperationWithSchemasAndErrorCodes() {
        Answer answer = send("GET", "/openapi.json", null);
        assertThat(answer.status()).isEqualTo(200);
        OpenAPI api = new OpenAPIV3Parser().readContents(answer.body()).getOpenAPI();

        Map<String, Operation> operations = new TreeMap<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                operations.put(operation.getOperationId(), operation)));

        assertThat(operations).containsOnlyKeys("create-call", "add-do-not-call", "remove-do-not-call",
                "list-do-not-call", "import-do-not-call", "hang-up-call",
                "get-dialpad-options", "set-dialpad-preferences", "get-call", "follow-call", "list-calls", "import-dialpad-token",
                "receive-dialpad-event", "subscribe-to-call-events", "start-dialpad-connect", "finish-dialpad-connect",
                "get-dialpad-connection", "disconnect-dialpad", "re-encrypt-tokens", "create-widget-session");
        operations.values().forEach(operation -> assertThat(operation.getSummary()).isNotBlank());
        assertThat(operations.get("create-call").getRequestBody().getContent().get("application/json").getSchema().get$ref())
                .endsWith("CallRequest");
        assertThat(operations.get("create-call").getResponses()).containsKeys("201", "400", "401", "413", "415", "503");
        assertThat(operations.get("get-call").getResponses()).containsKeys("200", "404");
        assertThat(operations.get("follow-call").getResponses()).containsKeys("200", "404", "429", "503");
        assertThat(operations.get("import-dialpad-token").getResponses()).containsKeys("200", "400", "403");
        // The widget's token is described as a bearer scheme next to the API key.
        assertThat(api.getComponents().getSecuritySchemes()).containsKey("widgetToken");
        assertThat(api.getComponents().getSchemas().get("CallRequest").getRequired()).containsExactly("rep_id", "to_number");
        assertThat(api.getComponents().getSchemas().get("CallRequest").getProperties())
                .containsKeys("channel", "outbound_caller_id");
        assertThat(api.getComponents().getSchemas().get("CallAnswer").getProperties())
                .containsKeys("dialpad_uri", "recipient_local_times", "next_allowed_at");
    }

    @Test
    void realAnswersMatchTheDescription() {
        OpenApiInteractionValidator validator = OpenApiInteractionValidator
                .createForInlineApiSpecification(send("GET", "/openapi.json", null).body()).build();
        connectRep("rep-openapi");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"11\"}")));

        Answer created = postCall("{\"rep_id\": \"rep-openapi\", \"to_number\": \"5551234567\"}");
        Answer fallback = postCall("{\"rep_id\": \"rep-openapi-none\", \"to_number\": \"5551234567\"}");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(503)));
        Answer unconfirmed = postCall("{\"rep_id\": \"rep-openapi\", \"to_number\": \"5551234568\"}");
        Answer invalid = postCall("{\"rep_id\": \"rep-openapi\"}");
        Answer stored = send("GET", "/calls/" + created.json().get("id").asText(), null, "X-API-Key", CRM_KEY);
        Answer inBrowser = postCall("{\"rep_id\": \"rep-openapi\", \"to_number\": \"5551234569\", \"channel\": \"cti\"}");
        clock.set(java.time.Instant.parse("2026-01-14T15:30:00Z"));   // 07:30 in Los Angeles
        Answer blocked = postCall("{\"rep_id\": \"rep-openapi\", \"to_number\": \"+12085550130\"}");
        Answer storedBlocked = send("GET", "/calls/" + blocked.json().get("id").asText(), null, "X-API-Key", CRM_KEY);

        assertMatches(validator, "/calls", Request.Method.POST, created);
        assertMatches(validator, "/calls", Request.Method.POST, fallback);
        assertMatches(validator, "/calls", Request.Method.POST, invalid);
        assertThat(unconfirmed.json().get("action").asText()).isEqualTo("unconfirmed");
        assertMatches(validator, "/calls", Request.Method.POST, unconfirmed);
        assertMatches(validator, "/calls/{id}".replace("{id}", created.json().get("id").asText()), Request.Method.GET, stored);
        assertThat(inBrowser.json().get("action").asText()).isEqualTo("cti");
        assertMatches(validator, "/calls", Request.Method.POST, inBrowser);
        assertThat(blocked.json().get("action").asText()).isEqualTo("blocked");
        assertMatches(validator, "/calls", Request.Method.POST, blocked);
        assertMatches(validator, "/calls/" + blocked.json().get("id").asText(), Request.Method.GET, storedBlocked);
    }

    private static void assertMatches(OpenApiInteractionValidator validator, String path, Request.Method method, Answer answer) {
        ValidationReport report = validator.validateResponse(path, method,
                SimpleResponse.Builder.status(answer.status()).withContentType("application/json").withBody(answer.body()).build());
        assertThat(report.hasErrors()).as(report.getMessages() + " for " + answer.body()).isFalse();
    }
}
