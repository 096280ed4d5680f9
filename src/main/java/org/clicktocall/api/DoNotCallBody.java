package org.clicktocall.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** The optional body of PUT /admin/do-not-call/{number}. */
@Schema(name = "DoNotCallEntry")
public record DoNotCallBody(
        @Schema(description = "Why the number may not be called (at most 200 characters)", example = "asked not to be called")
        String reason) {
}
