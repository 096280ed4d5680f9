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
import org.clicktocall.api.WebhookSubscription;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.config.WebhookSetupProperties;
import org.clicktocall.support.Json;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * The admin operation that points Dialpad's call events at this service: {@code POST /api/v2/webhooks} with our
 * hook URL and the shared secret, then {@code POST /api/v2/subscriptions/call} for that webhook. Each method is a
 * function of its arguments; the {@code subscribe-to-call-events} route keeps the {@link Plan} in a variable.
 */
@Component("webhookSetup")
public class WebhookSetup {

    static final List<String> DEFAULT_STATES = List.of("calling", "ringing", "connected", "hold", "hangup", "missed",
            "voicemail", "postcall", "blocked");
    private static final Set<String> FIELDS = Set.of("hook_url", "call_states", "target_type", "target_id");

    private final WebhookSetupProperties settings;

    public WebhookSetup(WebhookSetupProperties settings) {
        this.settings = settings;
    }

    /**
     * What the admin asked for, and the webhook's id once Dialpad created it.
     *
     * @param targetType Dialpad's subscription target (company, office, ...) or null for the whole company
     * @param webhookId  null until {@link #webhookCreated} read it from Dialpad's answer
     */
    public record Plan(String hookUrl, List<String> callStates, String targetType, Long targetId, Long webhookId) {

        public Plan {
            callStates = List.copyOf(callStates);
        }

        Plan withWebhook(long id) {
            return new Plan(hookUrl, callStates, targetType, targetId, id);
        }
    }

    /** The request body read into a plan; 409 while a setting is missing, 400 on bad input. */
    public Plan request(String body) {
        if (!settings.hasSecret()) {
            throw new ApiException(409, "webhook_secret_missing", "Set DIALPAD_WEBHOOK_SECRET first: events are verified with it");
        }
        if (!settings.hasApiKey()) {
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
        JsonNode targetId = json.get("target_id");
        return new Plan(hookUrl, states, JsonRequests.optionalString(json, "target_type"),
                targetId != null && targetId.canConvertToLong() ? targetId.asLong() : null, null);
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

    /** The Authorization value for Dialpad's admin endpoints. */
    public String authorization() {
        return "Bearer " + settings.apiKey();
    }

    /** POST /api/v2/webhooks: our hook URL and the secret Dialpad will sign events with. */
    public Map<String, Object> webhookBody(Plan plan) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hook_url", plan.hookUrl());
        body.put("secret", settings.webhook().secret());
        return body;
    }

    /** The plan with the new webhook's id; 502 with what Dialpad said (its status, never our secret) otherwise. */
    public Plan webhookCreated(Integer status, String body, Plan plan) {
        return plan.withWebhook(createdId(status, body, "create the webhook"));
    }

    /** POST /api/v2/subscriptions/call for the webhook just created. */
    public Map<String, Object> subscriptionBody(Plan plan) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint_id", plan.webhookId());
        body.put("call_states", plan.callStates());
        body.put("enabled", true);
        if (plan.targetType() != null) {
            body.put("target_type", plan.targetType());
        }
        if (plan.targetId() != null) {
            body.put("target_id", plan.targetId());
        }
        return body;
    }

    /** The answer for the admin; 502 when Dialpad did not subscribe the webhook. */
    public WebhookSubscription subscribed(Integer status, String body, Plan plan) {
        long subscriptionId = createdId(status, body, "subscribe to call events");
        return new WebhookSubscription(plan.webhookId(), subscriptionId, plan.hookUrl(), plan.callStates());
    }

    /** The {@code id} of what Dialpad created (a 2xx answer with a numeric id), or a 502 saying what failed. */
    static long createdId(Integer status, String body, String what) {
        int code = status == null ? 0 : status;
        JsonNode answer = code >= 200 && code < 300 ? Json.tree(body) : null;
        JsonNode id = answer == null ? null : answer.get("id");
        if (id != null && id.canConvertToLong()) {
            return id.asLong();
        }
        throw new ApiException(502, "dialpad_error", "Dialpad did not " + what + " (HTTP " + code + ")");
    }
}
