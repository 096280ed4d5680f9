package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ConnectRequest", description = "Optional body of POST /reps/{rep_id}/dialpad/connect")
public class ConnectRequestBody {
    @JsonProperty("expected_email")
    @Schema(maxLength = 254, example = "rep@example.com", description = "The rep's e-mail as the CRM knows it. The"
            + " callback then connects only a Dialpad account whose GET /api/v2/users/me emails contain it"
            + " (case-insensitive); otherwise it returns with reason=dialpad_email_mismatch and stores nothing.")
    public String expectedEmail;
}
