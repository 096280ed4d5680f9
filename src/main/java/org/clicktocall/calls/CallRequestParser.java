package org.clicktocall.calls;

import java.io.Reader;
import java.time.Clock;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.clicktocall.config.ClickGuardProperties;
import org.clicktocall.support.Hashes;
import org.clicktocall.support.Ids;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Turns a CRM's POST /calls (body, Idempotency-Key, X-API-Key) into a {@link CallAttempt}, or refuses it with a 400.
 * The numbers are normalised to E.164; the Idempotency-Key is scoped to the API key that sent it (only its SHA-256 is
 * kept) and bound to a hash of the normalised request. Whether the click's own caller id is one of the rep's is
 * checked later, against Dialpad (check-caller-id), still before anything is logged.
 */
@Component("callRequestParser")
public class CallRequestParser {

    static final Set<String> FIELDS = Set.of("rep_id", "to_number", "contact_id", "deal_id", "external_id",
            "channel", "outbound_caller_id");
    /** api: this service asks Dialpad's API to call; cti: Dialpad's embedded dialer in the browser calls. */
    static final Set<String> CHANNELS = Set.of("api", "cti");

    private final PhoneNumbers phoneNumbers;
    private final ClickGuardProperties guards;
    private final Clock clock;

    public CallRequestParser(PhoneNumbers phoneNumbers, ClickGuardProperties guards, Clock clock) {
        this.phoneNumbers = phoneNumbers;
        this.guards = guards;
        this.clock = clock;
    }

    public CallAttempt parse(Reader body, String idempotencyKey, String apiKey) {
        JsonNode json = JsonRequests.object(body, FIELDS);
        String repId = JsonRequests.requiredString(json, "rep_id");
        String rawNumber = JsonRequests.requiredString(json, "to_number");
        String contactId = JsonRequests.optionalString(json, "contact_id");
        String dealId = JsonRequests.optionalString(json, "deal_id");
        String externalId = JsonRequests.optionalString(json, "external_id");
        String channel = JsonRequests.optionalString(json, "channel");
        if (channel == null) {
            channel = "api";
        } else if (!CHANNELS.contains(channel)) {
            throw ApiException.badRequest("invalid_request", "channel must be \"api\" (the default) or \"cti\"");
        }
        String callerId = callerId(JsonRequests.optionalString(json, "outbound_caller_id"));
        if (callerId != null && "cti".equals(channel)) {
            // Dialpad's embedded dialer shows the caller id chosen in it; this service cannot pass one along.
            throw ApiException.badRequest("invalid_request",
                    "outbound_caller_id applies to calls this service places (channel api), not to channel cti");
        }
        PhoneNumber destination = phoneNumbers.parse(rawNumber, "to_number");
        String toNumber = phoneNumbers.e164(destination);
        String scope = null;
        String requestHash = null;
        if (idempotencyKey != null) {
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                    || !idempotencyKey.chars().allMatch(c -> c > ' ' && c <= '~')) {
                throw ApiException.badRequest("invalid_request", "Idempotency-Key must be 1 to 255 visible ASCII characters");
            }
            scope = Hashes.sha256(apiKey == null ? "" : apiKey);
            String request = String.join("\u0000", repId, toNumber, String.valueOf(contactId),
                    String.valueOf(dealId), String.valueOf(externalId));
            // (a plain click hashes as before the channel existed: keys in flight across an upgrade hold)
            if (!"api".equals(channel)) {
                request = String.join("\u0000", request, channel);
            }
            if (callerId != null) {
                request = String.join("\u0000", request, "outbound_caller_id=" + callerId);
            }
            requestHash = Hashes.sha256(request);
        }
        return CallAttempt.of(new CallAttempt.Request(Ids.randomUuid(), System.nanoTime(), repId, toNumber, destination,
                contactId, dealId, externalId, idempotencyKey, scope, requestHash,
                // A request with an Idempotency-Key is deduplicated by its key, not by the duplicate-click window.
                idempotencyKey == null ? guards.duplicateWindowMs() : 0L,
                guards.idempotencyTtlSeconds(), guards.idempotencyTakeoverSeconds(),
                // The per-rep budget guards Dialpad's API limit; a call the browser's dialer places does not use it.
                "cti".equals(channel) ? 0 : guards.budget().calls(), guards.budget().periodSeconds(),
                channel, callerId, clock.instant()));
    }

    /** The click's own caller id in E.164 (Dialpad lists the rep's numbers that way), or null. */
    private String callerId(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return phoneNumbers.toE164(raw, "outbound_caller_id");
        } catch (ApiException e) {
            throw ApiException.badRequest("invalid_caller_id", e.getMessage());
        }
    }
}
