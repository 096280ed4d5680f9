package org.clicktocall.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.web.ApiException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The admin operation that points Dialpad's call events at this service: {@code POST /api/v2/webhooks} with our
 * hook URL and the shared secret, then {@code POST /api/v2/subscriptions/call} for that webhook.
 */
@Component("webhookSetup")
public class WebhookSetup {

    static final List<String> DEFAULT_STATES = List.of("calling", "ringing", "connected", "hold", "hangup", "missed",
            "voicemail", "postcall", "blocked");
    private static final Set<String> FIELDS = Set.of("hook_url", "call_states", "target_type", "target_id");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String secret;
    private final String apiKey;

    public WebhookSetup(@Value("${dialpad.webhook.secret:}") String secret,
                        @Value("${dialpad.api-key:}") String apiKey) {
        this.secret = secret;
        this.apiKey = apiKey;
    }

    public Map<String, Object> request(String body) {
        if (secret == null || secret.isEmpty()) {
            throw new ApiException(409, "webhook_secret_missing", "Set DIALPAD_WEBHOOK_SECRET first: events are verified with it");
        }
        if (apiKey == null || apiKey.isEmpty()) {
            throw new ApiException(409, "dialpad_api_key_missing", "Set DIALPAD_API_KEY (a Dialpad company admin API key) first");
        }
        JsonNode json = JsonRequests.object(body, FIELDS);
        String hookUrl = hookUrl(json.hasNonNull("hook_url") && json.get("hook_url").isTextual() ? json.get("hook_url").asText() : "");
        List<String> states = new ArrayList<>();
        JsonNode given = json.get("call_states");
        if (given == null || given.isNull()) {
            states.addAll(DEFAULT_STATES);
        } else if (given.isArray() && !given.isEmpty()) {
            for (Iterator<JsonNode> it = given.elements(); it.hasNext(); ) {
                JsonNode state = it.next();
                if (!state.isTextual() || !state.asText().matches("[a-z_]{1,40}")) {
                    throw ApiException.badRequest("invalid_request", "call_states must be Dialpad state names");
                }
                states.add(state.asText());
            }
        } else {
            throw ApiException.badRequest("invalid_request", "call_states must be a non-empty array");
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("hookUrl", hookUrl);
        setup.put("callStates", states);
        setup.put("targetType", JsonRequests.optionalString(json, "target_type"));
        JsonNode targetId = json.get("target_id");
        setup.put("targetId", targetId != null && targetId.canConvertToLong() ? targetId.asLong() : null);
        return setup;
    }

    /**
     * This service's public events URL as Dialpad will call it: an absolute https URL with a host, an optional
     * port, no user info, query or fragment, a plain path (no dot segments) ending in /dialpad/events, printable
     * ASCII only. Parsed with java.net.URI, so a malformed one is a 400 here instead of an error (or a webhook
     * Dialpad cannot call) later.
     */
    static String hookUrl(String hookUrl) {
        ApiException refused = ApiException.badRequest("invalid_request",
                "hook_url must be this service's public https URL ending in /dialpad/events, e.g."
                        + " https://ctc.example.com/dialpad/events");
        if (hookUrl.length() > 2048 || !hookUrl.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw refused;
        }
        URI uri;
        try {
            uri = new URI(hookUrl);
        } catch (URISyntaxException e) {
            throw refused;
        }
        String path = uri.getRawPath();
        boolean ok = "https".equals(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isEmpty()
                && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                && (uri.getPort() == -1 || (uri.getPort() >= 1 && uri.getPort() <= 65535))
                && path != null && path.endsWith("/dialpad/events") && !path.contains("%") && !path.contains("//")
                && uri.normalize().getRawPath().equals(path);
        if (!ok) {
            throw refused;
        }
        return hookUrl;
    }

    public String authorization() {
        return "Bearer " + apiKey;
    }

    public Map<String, Object> webhookBody(Map<String, Object> setup) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hook_url", setup.get("hookUrl"));
        body.put("secret", secret);
        return body;
    }

    /** Keeps the new webhook's id, or fails with what Dialpad said (never our secret). */
    public void webhookCreated(Exchange exchange, Map<String, Object> setup) {
        setup.put("webhookId", idFrom(exchange, "create the webhook"));
    }

    public Map<String, Object> subscriptionBody(Map<String, Object> setup) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint_id", setup.get("webhookId"));
        body.put("call_states", setup.get("callStates"));
        body.put("enabled", true);
        if (setup.get("targetType") != null) {
            body.put("target_type", setup.get("targetType"));
        }
        if (setup.get("targetId") != null) {
            body.put("target_id", setup.get("targetId"));
        }
        return body;
    }

    public Map<String, Object> subscribed(Exchange exchange, Map<String, Object> setup) {
        long subscriptionId = idFrom(exchange, "subscribe to call events");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("webhook_id", setup.get("webhookId"));
        answer.put("subscription_id", subscriptionId);
        answer.put("hook_url", setup.get("hookUrl"));
        answer.put("call_states", setup.get("callStates"));
        return answer;
    }

    private static long idFrom(Exchange exchange, String what) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (status >= 200 && status < 300) {
            try {
                JsonNode id = JSON.readTree(body).get("id");
                if (id != null && id.canConvertToLong()) {
                    return id.asLong();
                }
            } catch (Exception e) {
                // fall through
            }
        }
        throw new ApiException(502, "dialpad_error", "Dialpad did not " + what + " (HTTP " + status + ")");
    }
}
