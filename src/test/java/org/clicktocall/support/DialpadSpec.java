package org.clicktocall.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Checks requests our service sent to the Dialpad stub against Dialpad's own published OpenAPI description
 * (the operations we call, copied into test resources with its MIT licence).
 */
public final class DialpadSpec {

    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForSpecificationUrl("/dialpad/openapi-subset.json")
            .build();

    private DialpadSpec() {
    }

    /** Fails with the validator's messages when the request does not match Dialpad's spec. */
    public static void assertConforms(LoggedRequest request) {
        String[] pathAndQuery = request.getUrl().split("\\?", 2);
        SimpleRequest.Builder builder = new SimpleRequest.Builder(request.getMethod().getName(), pathAndQuery[0])
                .withBody(request.getBodyAsString());
        // The validator matches the path alone; query parameters are checked one by one.
        if (pathAndQuery.length == 2) {
            for (String pair : pathAndQuery[1].split("&")) {
                String[] kv = pair.split("=", 2);
                builder.withQueryParam(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                        kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
            }
        }
        for (var header : request.getHeaders().all()) {
            builder.withHeader(header.key(), header.values());
        }
        ValidationReport report = VALIDATOR.validateRequest(builder.build());
        if (report.hasErrors()) {
            throw new AssertionError("Request does not match Dialpad's OpenAPI description: "
                    + report.getMessages());
        }
    }
}
