package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.clicktocall.security.Operations;
import org.clicktocall.security.Operations.Access;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Which key reaches which operation is decided by the REST definitions, on the operation the router matched: every
 * operation, called with every kind of key and many spellings of its path, either refuses the key it does not
 * allow or refuses the spelling — never runs for the wrong key.
 */
class OperationAccessTest extends ServiceTest {

    /** A Dialpad user of its own: one Dialpad user is connected to one rep at a time. */
    private static final String TOKEN_BODY = """
            {"access_token": "%s", "dialpad_user_id": "7700000000000001"}""".formatted(ACCESS_TOKEN);

    @Autowired
    Operations operations;

    @Test
    void theRestDefinitionsSayWhichKeyEachOperationNeeds() {
        Map<String, Access> byId = new java.util.TreeMap<>();
        operations.all().values().forEach(op -> byId.put(op.id(), op.access()));

        assertThat(byId).containsEntry("create-call", Access.CRM).containsEntry("list-calls", Access.CRM)
                .containsEntry("get-call", Access.CRM).containsEntry("follow-call", Access.CRM)
                .containsEntry("import-dialpad-token", Access.ADMIN).containsEntry("re-encrypt-tokens", Access.ADMIN)
                .containsEntry("subscribe-to-call-events", Access.ADMIN).containsEntry("import-do-not-call", Access.ADMIN)
                .containsEntry("hang-up-call", Access.CRM).containsEntry("set-dialpad-preferences", Access.CRM)
                .containsEntry("receive-dialpad-event", Access.OPEN).containsEntry("finish-dialpad-connect", Access.OPEN);
        // Only the two callers that prove themselves otherwise (signed events, the one-time OAuth state) are open.
        assertThat(byId.entrySet().stream().filter(e -> e.getValue() == Access.OPEN).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("receive-dialpad-event", "finish-dialpad-connect");
        assertThat(byId).doesNotContainValue(Access.REFUSED);
    }

    @Test
    void noSpellingOfAnyPathLetsAKeyIntoAnOperationItDoesNotAllow() {
        List<String> failures = new ArrayList<>();
        operations.all().forEach((methodAndPath, op) -> {
            String method = methodAndPath.substring(0, methodAndPath.indexOf(' '));
            String path = concrete(methodAndPath.substring(methodAndPath.indexOf(' ') + 1));
            String body = "PUT".equals(method) || "POST".equals(method) && op.takesBody() ? body(op.id()) : null;
            for (String spelling : spellings(path)) {
                for (String key : new String[] {null, CRM_KEY, ADMIN_KEY}) {
                    int tokensBefore = tokenRows();
                    // Each body in the operation's own media type: Spring's mapping answers a wrong one (415) first.
                    Answer answer = op.consumes().equals(List.of("text/csv"))
                            ? send(method, spelling, "2125550100\n", key == null ? new String[] {"Content-Type", "text/csv"}
                                    : new String[] {"X-API-Key", key, "Content-Type", "text/csv"})
                            : call(method, spelling, body, key);
                    String what = method + " " + spelling + " with " + (key == null ? "no key" : key == CRM_KEY ? "a CRM key" : "an admin key");
                    boolean allowed = op.access() == Access.OPEN || key == ADMIN_KEY || key == CRM_KEY && op.access() == Access.CRM;
                    if (!allowed && !Set.of(400, 401, 403, 404, 405).contains(answer.status())) {
                        failures.add(what + " -> " + answer.status() + " " + answer.body());
                    }
                    if (!allowed && tokenRows() != tokensBefore) {
                        failures.add(what + " changed the stored tokens");
                    }
                    if (!allowed && spelling.equals(path)) {
                        int expected = key == null ? 401 : 403;
                        if (answer.status() != expected) {
                            failures.add(what + " -> " + answer.status() + ", expected " + expected);
                        }
                    }
                    if (allowed && spelling.equals(path) && Set.of(401, 403).contains(answer.status())
                            && Set.of("unauthorized", "forbidden").contains(answer.json().at("/error/code").asText())) {
                        failures.add(what + " was refused: " + answer.body());
                    }
                }
            }
        });
        assertThat(failures).isEmpty();
    }

    @Test
    void aCrmKeyCannotStoreATokenThroughAnEncodedOrDottedSpelling() {
        String[] spellings = {"/reps/rep-esc/%64ialpad-token", "/reps/rep-esc/dialpad%2Dtoken", "/reps/rep-esc/./dialpad-token",
                "/reps/x/../rep-esc/dialpad-token", "/reps//rep-esc/dialpad-token", "/reps/rep-esc/dialpad-token;x=1",
                "/reps;a=b/rep-esc/dialpad-token", "/REPS/rep-esc/dialpad-token", "/reps/rep-esc/dialpad-token/",
                "/reps/rep-esc%2Fdialpad-token", "/reps/rep-esc/%2e/dialpad-token"};
        for (String spelling : spellings) {
            Answer answer = call("PUT", spelling, TOKEN_BODY, CRM_KEY);
            assertThat(answer.status()).as(spelling).isIn(400, 403, 404, 405);
            assertThat(answer.json().at("/error/code").asText()).as(spelling).isNotEmpty();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id LIKE '%rep-esc%'", Integer.class)).isZero();
        // the plain spelling with the right key still works
        String ownUser = TOKEN_BODY.replace("7700000000000001", "7700000000000002");   // no other test connects it
        assertThat(call("PUT", "/reps/rep-esc/%64ialpad-token", ownUser, ADMIN_KEY).status()).isEqualTo(200);
    }

    @Test
    void aPercentEncodedRepIdNamesTheSameRepAsItsPlainSpelling() {
        String body = TOKEN_BODY.replace("7700000000000001", "7700000000000003");
        assertThat(call("PUT", "/reps/Jane%20Doe/dialpad-token", body, ADMIN_KEY).status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id = 'Jane Doe'", Integer.class)).isEqualTo(1);

        Answer status = call("GET", "/reps/%4Aane%20Doe/dialpad", null, CRM_KEY);
        assertThat(status.json().get("rep_id").asText()).isEqualTo("Jane Doe");
        assertThat(status.json().get("connected").asBoolean()).isTrue();
    }

    @Test
    void ambiguousSpellingsAreA400InTheUsualShape() {
        for (String spelling : new String[] {"/calls;jsessionid=1", "/admin//tokens/re-encrypt", "/admin/./tokens/re-encrypt",
                "/admin/x/../tokens/re-encrypt", "/reps/a%2Fb/dialpad", "/reps/a%5Cb/dialpad", "/reps/%2e%2e/dialpad",
                "/reps/a%00/dialpad", "/reps/a%252F/dialpad"}) {
            Answer answer = call("POST", spelling, null, ADMIN_KEY);
            assertThat(answer.status()).as(spelling).isEqualTo(400);
            assertThat(answer.json().at("/error/code").asText()).as(spelling).isIn("invalid_path", "invalid_request");
        }
    }

    private Answer call(String method, String path, String body, String key) {
        List<String> headers = new ArrayList<>();
        if (key != null) {
            headers.addAll(List.of("X-API-Key", key));
        }
        if (body != null) {
            headers.addAll(List.of("Content-Type", "application/json"));
        }
        return send(method, path, body, headers.toArray(String[]::new));
    }

    private int tokenRows() {
        Integer rows = jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens", Integer.class);
        return rows == null ? 0 : rows;
    }

    private static String concrete(String template) {
        return template.replace("{rep_id}", "rep-walk").replace("{id}", "00000000-0000-4000-8000-000000000000")
                .replace("{number}", "2125550100");
    }

    private static String body(String operationId) {
        return switch (operationId) {
            case "create-call" -> "{\"rep_id\": \"rep-walk\", \"to_number\": \"5551234567\"}";
            case "import-dialpad-token" -> TOKEN_BODY;
            case "subscribe-to-call-events" -> "{\"hook_url\": \"https://ctc.example.com/dialpad/events\"}";
            default -> "{}";
        };
    }

    /** The path as written, and the ways a client could spell it differently. */
    private static List<String> spellings(String path) {
        List<String> spellings = new ArrayList<>();
        spellings.add(path);
        spellings.add(path.toUpperCase());
        spellings.add(path + "/");
        spellings.add(path + ";x=1");
        spellings.add(path.replaceFirst("/", "//"));
        spellings.add("/." + path);
        spellings.add("/x/.." + path);
        spellings.add("/" + String.format("%%%02X", (int) path.charAt(1)) + path.substring(2));
        spellings.add(path.replace("/", "%2F").replaceFirst("%2F", "/"));   // encoded slashes
        // (the first letter percent-encoded, above: the router decodes it, a raw-string check would not)
        return spellings;
    }
}
