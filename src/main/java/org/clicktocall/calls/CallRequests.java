package org.clicktocall.calls;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * Reads a CRM's POST /calls body into the call attempt the place-call route carries along.
 *
 * <p>The attempt is a plain map because camel-sql binds {@code :#name} parameters from a map body. Keys:
 * {@code id, repId, toNumber, contactId, dealId, externalId} from the request; {@code dialpadUserId, status,
 * reason, detail, dialpadCallId, dialpadStatus} as the attempt progresses.
 */
@Component("callRequests")
public class CallRequests {

    static final Set<String> FIELDS = Set.of("rep_id", "to_number", "contact_id", "deal_id", "external_id");

    private final PhoneNumbers phoneNumbers;

    public CallRequests(PhoneNumbers phoneNumbers) {
        this.phoneNumbers = phoneNumbers;
    }

    public Map<String, Object> parse(String body) {
        JsonNode json = JsonRequests.object(body, FIELDS);
        String repId = JsonRequests.requiredString(json, "rep_id");
        String rawNumber = JsonRequests.requiredString(json, "to_number");
        Map<String, Object> call = new HashMap<>();
        call.put("id", UUID.randomUUID());
        call.put("startedNanos", System.nanoTime());
        call.put("repId", repId);
        call.put("contactId", JsonRequests.optionalString(json, "contact_id"));
        call.put("dealId", JsonRequests.optionalString(json, "deal_id"));
        call.put("externalId", JsonRequests.optionalString(json, "external_id"));
        call.put("toNumber", phoneNumbers.toE164(rawNumber));
        call.put("status", "pending");
        call.put("reason", null);
        call.put("detail", null);
        call.put("dialpadUserId", null);
        call.put("dialpadCallId", null);
        call.put("dialpadStatus", null);
        call.put("retryAfterSeconds", null);
        return call;
    }
}
