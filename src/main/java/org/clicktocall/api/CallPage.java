package org.clicktocall.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The 200 body of GET /calls: built by {@code CallLookups.page}, marshalled by the {@code list-calls} route. Each call
 * has the shape of {@link StoredCall} (without its timeline).
 */
@Schema(name = "CallPage", description = "One page of calls, newest first")
public record CallPage(
        @ArraySchema(schema = @Schema(implementation = StoredCall.class))
        List<Map<String, Object>> calls,
        @JsonInclude(JsonInclude.Include.ALWAYS)
        @Schema(nullable = true, description = "The before= value for the next page; null on the last page")
        String next) {
}
