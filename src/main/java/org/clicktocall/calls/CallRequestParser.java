package org.clicktocall.calls;

import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.clicktocall.config.ClickGuardProperties;
import org.clicktocall.support.Hashes;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Turns a CRM's POST /calls (body, Idempotency-Key, X-API-Key) into a {@link CallAttempt}, or refuses it with a 400.
 * The number is normalised to E.164; the Idempotency-Key is scoped to the API key that sent it (only its SHA-256 is
 * kept) and bound to a hash of the normalised request.
 */
@Component("callRequestParser")
public class CallRequestParser {

    static final Set<String> FIELDS = Set.of("rep_id", "to_number", "contact_id", "deal_id", "external_id");

    private final PhoneNumbers phoneNumbers;
    private final ClickGuardProperties guards;

    public CallRequestParser(PhoneNumbers phoneNumbers, ClickGuardProperties guards) {
        this.phoneNumbers = phoneNumbers;
        this.guards = guards;
    }

    public CallAttempt parse(String body, String idempotencyKey, String apiKey) {
        JsonNode json = JsonRequests.object(body, FIELDS);
        String repId = JsonRequests.requiredString(json, "rep_id");
        String rawNumber = JsonRequests.requiredString(json, "to_number");
        String contactId = JsonRequests.optionalString(json, "contact_id");
        String dealId = JsonRequests.optionalString(json, "deal_id");
        String externalId = JsonRequests.optionalString(json, "external_id");
        String toNumber = phoneNumbers.toE164(rawNumber);
        String scope = null;
        String requestHash = null;
        if (idempotencyKey != null) {
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                    || !idempotencyKey.chars().allMatch(c -> c > ' ' && c <= '~')) {
                throw ApiException.badRequest("invalid_request", "Idempotency-Key must be 1 to 255 visible ASCII characters");
            }
            scope = Hashes.sha256(apiKey == null ? "" : apiKey);
            requestHash = Hashes.sha256(String.join("\u0000", repId, toNumber, String.valueOf(contactId),
                    String.valueOf(dealId), String.valueOf(externalId)));
        }
        return CallAttempt.of(new CallAttempt.Request(UUID.randomUUID(), System.nanoTime(), repId, toNumber,
                contactId, dealId, externalId, idempotencyKey, scope, requestHash,
                // A request with an Idempotency-Key is deduplicated by its key, not by the duplicate-click window.
                idempotencyKey == null ? guards.duplicateWindowMs() : 0L,
                guards.idempotencyTtlSeconds(), guards.idempotencyTakeoverSeconds(),
                guards.budget().calls(), guards.budget().periodSeconds()));
    }
}
