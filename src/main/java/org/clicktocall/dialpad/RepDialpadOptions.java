package org.clicktocall.dialpad;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.support.Json;
import org.clicktocall.tokens.TokenCipher;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * A rep's caller ids and devices as Dialpad lists them (GET /api/v2/users/{id}/caller_id and
 * GET /api/v2/userdevices, asked with the rep's own token), and the preferences chosen among them. Functions of
 * their arguments; the routes do the HTTP and the SQL.
 */
@Component("repDialpadOptions")
public class RepDialpadOptions {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final TokenCipher cipher;

    public RepDialpadOptions(TokenCipher cipher) {
        this.cipher = cipher;
    }

    /** SQL parameters for the rep in the path. */
    public Map<String, Object> rep(String repId) {
        return Map.of("repId", JsonRequests.repId(repId));
    }

    /** The rep's token row (find-rep-token.sql); 409 when the rep is not connected. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> connected(Object row) {
        if (!(row instanceof Map<?, ?> map) || "disconnected".equals(map.get("status"))
                || !String.valueOf(map.get("dialpad_user_id")).matches("[0-9]{1,20}")) {
            throw new ApiException(409, "dialpad_not_connected", "The rep is not connected to Dialpad");
        }
        return (Map<String, Object>) map;
    }

    public String authorization(String repId, Map<String, Object> token) {
        return "Bearer " + cipher.decrypt(repId, "access_token", (String) token.get("access_token"));
    }

    /** The numbers the rep may show: own numbers, primary, office main line and the rep's groups' numbers. */
    public List<Map<String, Object>> callerIds(Object status, String body) {
        JsonNode answer = dialpadAnswer(status, body, "caller ids");
        Map<String, Map<String, Object>> ids = new LinkedHashMap<>();
        add(ids, answer.path("primary_phone"), "primary_phone", null);
        for (JsonNode number : answer.path("phone_numbers")) {
            add(ids, number, "phone_number", null);
        }
        add(ids, answer.path("office_main_line"), "office_main_line", null);
        for (JsonNode group : answer.path("groups")) {
            add(ids, group.path("caller_id"), "group", group.path("display_name").asText(null));
        }
        return new ArrayList<>(ids.values());
    }

    /** The rep's devices (the first page Dialpad returns). */
    public List<Map<String, Object>> devices(Object status, String body) {
        JsonNode answer = dialpadAnswer(status, body, "devices");
        List<Map<String, Object>> devices = new ArrayList<>();
        for (JsonNode device : answer.path("items")) {
            if (!device.path("id").isTextual()) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", device.path("id").asText());
            entry.put("type", device.path("type").asText(null));
            entry.put("name", device.path("display_name").asText(null));
            entry.put("phone_number", device.path("phone_number").asText(null));
            devices.add(entry);
        }
        return devices;
    }

    public Map<String, Object> options(String repId, Map<String, Object> token, List<Map<String, Object>> callerIds,
                                       List<Map<String, Object>> devices) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("rep_id", repId);
        options.put("caller_ids", callerIds);
        options.put("devices", devices);
        options.put("outbound_caller_id", token.get("outbound_caller_id"));
        options.put("device_id", token.get("device_id"));
        return options;
    }

    /** PUT's body: {"outbound_caller_id", "device_id"}, each a string or null (null: Dialpad's default). */
    public Map<String, Object> preferences(String repId, String body) {
        JsonNode node = JsonRequests.object(body, Set.of("outbound_caller_id", "device_id"));
        if (!node.has("outbound_caller_id") && !node.has("device_id")) {
            throw ApiException.badRequest("invalid_request", "Send outbound_caller_id and/or device_id (null clears one)");
        }
        Map<String, Object> preferences = new LinkedHashMap<>();
        preferences.put("repId", JsonRequests.repId(repId));
        preferences.put("outboundCallerId", JsonRequests.optionalString(node, "outbound_caller_id"));
        preferences.put("deviceId", JsonRequests.optionalString(node, "device_id"));
        preferences.put("keepCallerId", !node.has("outbound_caller_id"));
        preferences.put("keepDevice", !node.has("device_id"));
        return preferences;
    }

    /** The preferences checked against what Dialpad lists for the rep (400 otherwise), as SQL parameters. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> checked(Map<String, Object> preferences, Map<String, Object> options) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("repId", preferences.get("repId"));
        Object callerId = Boolean.TRUE.equals(preferences.get("keepCallerId"))
                ? options.get("outbound_caller_id") : preferences.get("outboundCallerId");
        Object deviceId = Boolean.TRUE.equals(preferences.get("keepDevice"))
                ? options.get("device_id") : preferences.get("deviceId");
        List<Map<String, Object>> callerIds = (List<Map<String, Object>>) options.get("caller_ids");
        List<Map<String, Object>> devices = (List<Map<String, Object>>) options.get("devices");
        if (callerId != null && callerIds.stream().noneMatch(id -> callerId.equals(id.get("number")))) {
            throw ApiException.badRequest("invalid_caller_id",
                    "outbound_caller_id is not one of the rep's caller ids (GET /reps/{rep_id}/dialpad/options)");
        }
        if (deviceId != null && devices.stream().noneMatch(device -> deviceId.equals(device.get("id")))) {
            throw ApiException.badRequest("invalid_device_id",
                    "device_id is not one of the rep's devices (GET /reps/{rep_id}/dialpad/options)");
        }
        params.put("outboundCallerId", callerId);
        params.put("deviceId", deviceId);
        return params;
    }

    /**
     * After a reconnect: the saved caller id and device as SQL parameters for save-dialpad-preferences.sql, each
     * kept only if Dialpad lists it for the newly connected account (null otherwise: Dialpad's default).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> stillListed(Map<String, Object> options) {
        Object callerId = options.get("outbound_caller_id");
        Object deviceId = options.get("device_id");
        List<Map<String, Object>> callerIds = (List<Map<String, Object>>) options.get("caller_ids");
        List<Map<String, Object>> devices = (List<Map<String, Object>>) options.get("devices");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("repId", options.get("rep_id"));
        params.put("outboundCallerId", callerIds.stream().anyMatch(id -> id.get("number").equals(callerId)) ? callerId : null);
        params.put("deviceId", devices.stream().anyMatch(device -> device.get("id").equals(deviceId)) ? deviceId : null);
        return params;
    }

    /** After a reconnect whose lists could not be read: neither saved choice can be confirmed, both are dropped. */
    public Map<String, Object> noneListed(String repId) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("repId", repId);
        params.put("outboundCallerId", null);
        params.put("deviceId", null);
        return params;
    }

    /** PUT's answer: the options with the saved choice. */
    public Map<String, Object> saved(Map<String, Object> options, Map<String, Object> params) {
        Map<String, Object> answer = new LinkedHashMap<>(options);
        answer.put("outbound_caller_id", params.get("outboundCallerId"));
        answer.put("device_id", params.get("deviceId"));
        return answer;
    }

    private static JsonNode dialpadAnswer(Object status, String body, String what) {
        int code = status instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(status));
        if (code == 401) {
            throw new ApiException(409, "dialpad_not_connected", "Dialpad refused the rep's token; reconnect Dialpad");
        }
        if (code < 200 || code >= 300) {
            throw new ApiException(502, "dialpad_error", "Dialpad did not list the rep's " + what + " (HTTP " + code + ")");
        }
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node == null || !node.isObject()) {
                throw new ApiException(502, "dialpad_error", "Dialpad's list of the rep's " + what + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(502, "dialpad_error", "Dialpad's list of the rep's " + what + " is not JSON");
        }
    }

    private static void add(Map<String, Map<String, Object>> ids, JsonNode number, String source, String group) {
        if (!number.isTextual() || !number.asText().matches("\\+[1-9][0-9]{1,14}") || ids.containsKey(number.asText())) {
            return;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("number", number.asText());
        entry.put("source", source);
        if (group != null) {
            entry.put("group", group);
        }
        ids.put(number.asText(), entry);
    }
}
