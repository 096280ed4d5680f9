package org.clicktocall.compliance;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.calls.PhoneNumbers;
import org.clicktocall.support.Json;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * The do-not-call list's input and answers: numbers normalised to E.164 like every click's, reasons bounded, the
 * CSV import checked whole before anything is stored. Functions of their arguments; the routes run the SQL.
 *
 * <p>An import is all-or-nothing: one invalid row and nothing is stored, the answer naming the invalid lines. A
 * compliance list half-imported is worse than one refused, and a fixed file can simply be sent again: rows already
 * listed are left as they are (reason and added_at), so a re-import changes nothing.
 */
@Component("doNotCall")
public class DoNotCallList {

    public static final int MAX_IMPORT_ROWS = 100_000;
    public static final int MAX_REASON_LENGTH = 200;
    private static final int LISTED_INVALID_ROWS = 20;
    private static final ObjectMapper JSON = Json.MAPPER;

    private final PhoneNumbers phoneNumbers;

    public DoNotCallList(PhoneNumbers phoneNumbers) {
        this.phoneNumbers = phoneNumbers;
    }

    /** SQL parameters for one number in a path (PUT / DELETE). */
    public Map<String, Object> number(String raw) {
        return Map.of("number", phoneNumbers.toE164(pathSegment(raw), "number"));
    }

    /** The path parameter arrives as sent: %2B is the usual spelling of "+", which a path may also carry as is. */
    private static String pathSegment(String raw) {
        if (raw == null) {
            return "";
        }
        try {
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;   // a stray %: the number check refuses it
        }
    }

    /** SQL parameters for PUT: the number and the optional {"reason"} body. */
    public Map<String, Object> entry(String rawNumber, String body) {
        Map<String, Object> entry = new LinkedHashMap<>(number(rawNumber));
        String reason = null;
        if (body != null && !body.isBlank()) {
            JsonNode node = JsonRequests.object(body, Set.of("reason"));
            JsonNode value = node.get("reason");
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw ApiException.badRequest("invalid_request", "reason must be a string");
                }
                reason = reason(value.asText());
                if (reason == null && !value.asText().isBlank()) {
                    throw ApiException.badRequest("invalid_request", "reason must be at most " + MAX_REASON_LENGTH
                            + " printable characters");
                }
            }
        }
        entry.put("reason", reason);
        return entry;
    }

    /** The stored entry as answered: number, reason, added_at and whether this request added it. */
    public Map<String, Object> stored(Map<String, Object> row) {
        Map<String, Object> answer = entryOf(row);
        answer.put("created", Boolean.TRUE.equals(row.get("created")));
        return answer;
    }

    /** DELETE's answer from the deleted number (SelectOne of one column is the value); null: it was not listed. */
    public Map<String, Object> removed(Object number) {
        if (number == null) {
            throw ApiException.notFound("This number is not on the do-not-call list");
        }
        return Map.of("number", number, "removed", true);
    }

    /** GET's query: limit 1 to 1000 (default 100) and the cursor, the last number of the previous page. */
    public Map<String, Object> listQuery(Object limit, Object after) {
        int size = 100;
        if (limit != null) {
            try {
                size = Integer.parseInt(String.valueOf(limit));
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > 1000) {
                throw ApiException.badRequest("invalid_request", "limit must be 1 to 1000");
            }
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("after", after == null ? null : phoneNumbers.toE164(String.valueOf(after), "after"));
        // (a query parameter arrives decoded: "+" written as such would be a space, so clients send %2B)
        query.put("limit", size);
        query.put("limitPlusOne", size + 1);
        return query;
    }

    public Map<String, Object> page(Map<String, Object> query, List<Map<String, Object>> rows) {
        int limit = (Integer) query.get("limit");
        List<Map<String, Object>> numbers = new ArrayList<>();
        for (Map<String, Object> row : rows.subList(0, Math.min(limit, rows.size()))) {
            numbers.add(entryOf(row));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("numbers", numbers);
        page.put("next", rows.size() > limit ? numbers.get(limit - 1).get("number") : null);
        return page;
    }

    /** A checked import: the distinct rows as the JSON the SQL reads, and counts for the answer. */
    public record ImportPlan(int rows, int duplicates, String json) {
        public Map<String, Object> parameters() {
            return Map.of("rows", json);
        }
    }

    /**
     * Reads the CSV ({@code number[,reason]}, one per line, an optional {@code number,reason} header, blank lines
     * skipped, a reason may be "quoted"). Any invalid row: a 400 naming up to 20 invalid lines; nothing is stored.
     */
    public ImportPlan importPlan(String csv) {
        if (csv == null || csv.isBlank()) {
            throw ApiException.badRequest("invalid_request", "Send the numbers as text/csv: number[,reason] per line");
        }
        Map<String, String> rows = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        int invalidCount = 0;
        int dataRows = 0;
        int duplicates = 0;
        String[] lines = csv.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || (i == 0 && line.toLowerCase(java.util.Locale.ROOT).matches("\"?number\"?(,.*)?"))) {
                continue;
            }
            dataRows++;
            if (dataRows > MAX_IMPORT_ROWS) {
                throw ApiException.badRequest("too_many_rows", "An import takes at most " + MAX_IMPORT_ROWS
                        + " rows; split the file. Nothing was imported");
            }
            int comma = line.indexOf(',');
            String rawNumber = unquote(comma < 0 ? line : line.substring(0, comma));
            String rawReason = comma < 0 ? null : unquote(line.substring(comma + 1));
            String problem = null;
            String number = null;
            try {
                number = phoneNumbers.toE164(rawNumber, "number");
            } catch (ApiException e) {
                problem = e.getMessage();
            }
            String reason = rawReason == null ? null : reason(rawReason);
            if (problem == null && rawReason != null && reason == null && !rawReason.isBlank()) {
                problem = "reason must be at most " + MAX_REASON_LENGTH + " printable characters";
            }
            if (problem != null) {
                if (++invalidCount <= LISTED_INVALID_ROWS) {
                    invalid.add("line " + (i + 1) + ": " + problem);
                }
                continue;
            }
            if (rows.containsKey(number)) {
                duplicates++;   // the first row of a number wins
            } else {
                rows.put(number, reason);
            }
        }
        if (invalidCount > 0) {
            throw ApiException.badRequest("invalid_rows", invalidCount + " invalid row" + (invalidCount == 1 ? "" : "s")
                    + ", nothing was imported: " + String.join("; ", invalid)
                    + (invalidCount > LISTED_INVALID_ROWS ? "; ..." : ""));
        }
        if (rows.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "The file has no rows");
        }
        List<Map<String, String>> list = new ArrayList<>(rows.size());
        rows.forEach((number, reason) -> {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("number", number);
            row.put("reason", reason);
            list.add(row);
        });
        try {
            return new ImportPlan(dataRows, duplicates, JSON.writeValueAsString(list));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The import's answer: rows read, numbers added, numbers already listed (left as they were), repeats in the file. */
    public Map<String, Object> imported(ImportPlan plan, Object added) {
        int addedCount = added instanceof Number n ? n.intValue() : 0;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rows", plan.rows());
        answer.put("added", addedCount);
        answer.put("already_listed", plan.rows() - plan.duplicates() - addedCount);
        answer.put("duplicates_in_file", plan.duplicates());
        return answer;
    }

    private static Map<String, Object> entryOf(Map<String, Object> row) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("number", row.get("number"));
        entry.put("reason", row.get("reason"));
        entry.put("added_at", timestamp(row.get("added_at")));
        return entry;
    }

    private static String timestamp(Object value) {
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().atOffset(ZoneOffset.UTC).toString();
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.withOffsetSameInstant(ZoneOffset.UTC).toString();
        }
        return value == null ? null : value.toString();
    }

    /** The reason trimmed; null when blank, too long or carrying control characters. */
    private static String reason(String raw) {
        String reason = raw.strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON_LENGTH || reason.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return reason;
    }

    private static String unquote(String field) {
        String value = field.strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1).replace("\"\"", "\"");
        }
        return value;
    }
}
