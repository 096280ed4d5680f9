package org.clicktocall.calls;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.clicktocall.api.CallPage;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * GET /calls/{id} and GET /calls (routes/calls-read.yaml): well-formed lookups in, stored calls (with their timeline)
 * out. Each method is a function of its arguments; the routes keep what they return in variables.
 */
@Component("callLookups")
public class CallLookups {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

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

    /** The row when the caller may see it: a key sees every call, a widget token ({@code widgetRep}) its rep's. */
    public Object visibleTo(Object row, String widgetRep) {
        if (widgetRep == null || widgetRep.isEmpty() || !(row instanceof Map<?, ?> map)) {
            return row;
        }
        return widgetRep.equals(map.get("rep_id")) ? row : null;
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

    /**
     * GET /calls query parameters, checked. Each arrives as the header the REST binding made of it: a repeated
     * parameter is a list, which is refused rather than silently reduced to one of its values.
     */
    public CallQuery listQuery(Object repId, Object contactId, Object dealId, Object since, Object limit,
                               Object before) {
        String repIdText = filter("rep_id", single("rep_id", repId));
        String contactIdText = filter("contact_id", single("contact_id", contactId));
        String dealIdText = filter("deal_id", single("deal_id", dealId));
        String sinceText = single("since", since);
        Timestamp sinceAt = sinceText == null ? null : instant(sinceText);
        String limitText = single("limit", limit);
        int pageSize = DEFAULT_PAGE;
        if (limitText != null) {
            // Digits only (no sign, exponent or spaces), and at most three of them, so parsing cannot overflow.
            pageSize = limitText.matches("[0-9]{1,3}") ? Integer.parseInt(limitText) : -1;
            if (pageSize < 1 || pageSize > MAX_PAGE) {
                throw ApiException.badRequest("invalid_request", "limit must be 1 to " + MAX_PAGE);
            }
        }
        String beforeText = single("before", before);
        UUID cursor = beforeText == null ? null : uuid(beforeText);
        if (beforeText != null && cursor == null) {
            throw badCursor();
        }
        return new CallQuery(repIdText, contactIdText, dealIdText, sinceAt, pageSize, cursor, null);
    }

    /** The cursor's call (its start time orders the pages); a UUID that is no call of ours is a bad cursor too. */
    public CallQuery afterCursor(CallQuery query, Object cursorRow) {
        Timestamp startedAt = cursorRow instanceof Map<?, ?> row ? timestamp(row.get("started_at")) : null;
        if (startedAt == null) {
            throw badCursor();
        }
        return query.after(startedAt);
    }

    /** One page, newest first; {@code next} is the cursor for the following page (null on the last). */
    public CallPage page(CallQuery query, List<Map<String, Object>> rows) {
        int pageSize = query.limit();
        List<Map<String, Object>> calls = new ArrayList<>();
        for (int i = 0; i < Math.min(pageSize, rows.size()); i++) {
            calls.add(answers.stored(rows.get(i)));
        }
        return new CallPage(calls, rows.size() > pageSize ? (String) calls.get(calls.size() - 1).get("id") : null);
    }

    private static String single(String name, Object value) {
        if (value instanceof Iterable<?> || (value != null && value.getClass().isArray())) {
            throw ApiException.badRequest("invalid_request", name + " may be given once");
        }
        return value == null ? null : value.toString();
    }

    private static String filter(String name, String value) {
        if (value != null && (value.isEmpty() || value.length() > JsonRequests.MAX_STRING_LENGTH
                || value.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("invalid_request", name + " must be 1 to 128 printable characters");
        }
        return value;
    }

    /**
     * An ISO-8601 instant with offset, within what PostgreSQL's timestamptz and the calls table can hold: years
     * 1970 to 9999 (a year such as +99999 parses in Java but fails in the database, which would be a 503).
     */
    private static Timestamp instant(String value) {
        String refused = "since must be an ISO-8601 timestamp with offset between 1970 and 9999, e.g. 2026-01-01T00:00:00Z";
        if (value.length() > 64) {
            throw ApiException.badRequest("invalid_request", refused);
        }
        try {
            Instant instant = OffsetDateTime.parse(value).toInstant();
            if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
                throw ApiException.badRequest("invalid_request", refused);
            }
            return Timestamp.from(instant);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_request", refused);
        }
    }

    /** A start time as the driver gives it (Timestamp, or OffsetDateTime for timestamptz), or null. */
    private static Timestamp timestamp(Object value) {
        if (value instanceof Timestamp ts) {
            return ts;
        }
        return value instanceof OffsetDateTime odt ? Timestamp.from(odt.toInstant()) : null;
    }

    private static ApiException badCursor() {
        return ApiException.badRequest("invalid_request", "before must be the next value of a previous page (a call id)");
    }

    private static UUID uuid(String id) {
        try {
            return id != null && id.length() == 36 ? UUID.fromString(id) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
