package org.clicktocall.calls;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/** GET /calls/{id} and GET /calls: well-formed lookups in, stored calls (with their timeline) out. */
@Component("callLookups")
public class CallLookups {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;

    private final CallAnswers answers;

    public CallLookups(CallAnswers answers) {
        this.answers = answers;
    }

    /** SQL parameters for one call; an id that is not a UUID cannot exist, so it is a 404 too. */
    public Map<String, Object> byId(String id) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            throw ApiException.notFound("No call with this id");
        }
        return Map.of("id", uuid);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> found(Object row, List<Map<String, Object>> events) {
        if (!(row instanceof Map<?, ?> map)) {
            throw ApiException.notFound("No call with this id");
        }
        Map<String, Object> call = answers.stored((Map<String, Object>) map);
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (Map<String, Object> event : events) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("state", event.get("state"));
            entry.put("at", CallAnswers.timestamp(event.get("at")));
            timeline.add(entry);
        }
        call.put("events", timeline);
        return call;
    }

    /** GET /calls query parameters, checked, as SQL parameters. */
    public Map<String, Object> listQuery(String repId, String contactId, String dealId, String since, String limit,
                                         String before) {
        Map<String, Object> query = new HashMap<>();
        query.put("repId", filter("rep_id", repId));
        query.put("contactId", filter("contact_id", contactId));
        query.put("dealId", filter("deal_id", dealId));
        query.put("since", since == null ? null : instant(since));
        int pageSize = DEFAULT_PAGE;
        if (limit != null) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > MAX_PAGE) {
                throw ApiException.badRequest("invalid_request", "limit must be 1 to " + MAX_PAGE);
            }
        }
        query.put("limit", pageSize);
        query.put("limitPlusOne", pageSize + 1);
        if (before != null && uuid(before) == null) {
            throw ApiException.badRequest("invalid_request", "before must be a call id from a previous page");
        }
        query.put("before", before == null ? null : uuid(before));
        return query;
    }

    /** One page, newest first; {@code next} is the cursor for the following page (null on the last). */
    public Map<String, Object> page(Map<String, Object> query, List<Map<String, Object>> rows) {
        int pageSize = (Integer) query.get("limit");
        List<Map<String, Object>> calls = new ArrayList<>();
        for (int i = 0; i < Math.min(pageSize, rows.size()); i++) {
            calls.add(answers.stored(rows.get(i)));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("calls", calls);
        page.put("next", rows.size() > pageSize ? calls.get(calls.size() - 1).get("id") : null);
        return page;
    }

    private static String filter(String name, String value) {
        if (value != null && (value.isEmpty() || value.length() > JsonRequests.MAX_STRING_LENGTH)) {
            throw ApiException.badRequest("invalid_request", name + " must be 1 to 128 characters");
        }
        return value;
    }

    private static Timestamp instant(String value) {
        try {
            return Timestamp.from(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_request", "since must be an ISO-8601 timestamp with offset, e.g. 2026-01-01T00:00:00Z");
        }
    }

    private static UUID uuid(String id) {
        try {
            return id != null && id.length() == 36 ? UUID.fromString(id) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
