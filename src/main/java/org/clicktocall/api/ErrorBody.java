package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Error", description = "Every error answer")
public class ErrorBody {
    public Detail error;
    @JsonProperty("tel_uri")
    @Schema(description = "Only on 503 database_unavailable from POST /calls: the dialer link to open instead")
    public String telUri;
    @JsonProperty("dialpad_uri")
    @Schema(description = "Only on 503 database_unavailable from POST /calls: Dialpad's app launch link for the same number")
    public String dialpadUri;

    @Schema(name = "ErrorDetail")
    public static class Detail {
        @Schema(example = "invalid_phone_number")
        public String code;
        @Schema(example = "to_number is not a phone number")
        public String message;
    }
}
