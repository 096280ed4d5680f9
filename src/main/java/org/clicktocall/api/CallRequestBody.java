package org.clicktocall.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "CallRequest", description = "A rep clicked Call in the CRM. Unknown fields are refused.")
public class CallRequestBody {
    @JsonProperty("rep_id")
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 128, example = "user_abc",
            description = "The CRM's id for the rep")
    public String repId;
    @JsonProperty("to_number")
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 128, example = "(555) 123-4567",
            description = "Number to call, any format; normalised to E.164 (default region CALLS_DEFAULT_REGION)")
    public String toNumber;
    @JsonProperty("contact_id")
    @Schema(maxLength = 128, example = "contact_123")
    public String contactId;
    @JsonProperty("deal_id")
    @Schema(maxLength = 128, example = "deal_456")
    public String dealId;
    @JsonProperty("external_id")
    @Schema(maxLength = 128, example = "crm-ref-1", description = "The CRM's own reference for this click")
    public String externalId;
    @Schema(allowableValues = {"api", "cti"}, defaultValue = "api", description = "api: this service asks Dialpad"
            + " to ring the rep; cti: Dialpad's embedded dialer in the rep's browser places the call once the answer"
            + " allows it (action cti), and this service logs it without asking Dialpad's API")
    public String channel;
    @JsonProperty("outbound_caller_id")
    @Schema(maxLength = 128, example = "+14155550101", description = "The caller id the callee sees on this call"
            + " (channel api): one of the rep's caller ids at Dialpad (GET /reps/{rep_id}/dialpad/options), else 400"
            + " invalid_caller_id; without it, the rep's saved one")
    public String outboundCallerId;
}
