package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The do-not-call list through its admin endpoints: the answer, the rows, and what is refused. */
class DoNotCallTest extends ServiceTest {

    @BeforeEach
    void emptyList() {
        jdbc.update("DELETE FROM do_not_call");
    }

    @Test
    void addsNormalisesListsAndRemovesNumbers() {
        Answer added = admin("PUT", "/admin/do-not-call/(212)%20555-0100", "{\"reason\": \"asked not to be called\"}");
        assertThat(added.status()).isEqualTo(200);
        System.out.println("README add-do-not-call: " + added.body());
        assertThat(added.json().get("number").asText()).isEqualTo("+12125550100");
        assertThat(added.json().get("created").asBoolean()).isTrue();
        assertThat(jdbc.queryForObject("SELECT reason FROM do_not_call WHERE number = '+12125550100'", String.class))
                .isEqualTo("asked not to be called");

        // Again, without a body: the same row, the reason cleared, added_at kept.
        Object addedAt = jdbc.queryForObject("SELECT added_at FROM do_not_call", Object.class);
        Answer again = admin("PUT", "/admin/do-not-call/%2B12125550100", null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("created").asBoolean()).isFalse();
        assertThat(jdbc.queryForObject("SELECT added_at FROM do_not_call", Object.class)).isEqualTo(addedAt);

        admin("PUT", "/admin/do-not-call/%2B12125550101", null);
        admin("PUT", "/admin/do-not-call/%2B12125550102", null);
        Answer first = admin("GET", "/admin/do-not-call?limit=2", null);
        assertThat(first.status()).isEqualTo(200);
        System.out.println("README list-do-not-call: " + first.body());
        assertThat(numbers(first.json())).containsExactly("+12125550100", "+12125550101");
        assertThat(first.json().get("next").asText()).isEqualTo("+12125550101");
        Answer second = admin("GET", "/admin/do-not-call?limit=2&after=%2B12125550101", null);
        assertThat(numbers(second.json())).containsExactly("+12125550102");
        assertThat(second.json().get("next").isNull()).isTrue();

        Answer removed = admin("DELETE", "/admin/do-not-call/%2B12125550101", null);
        assertThat(removed.status()).isEqualTo(200);
        System.out.println("README remove-do-not-call: " + removed.body());
        assertThat(removed.json().get("removed").asBoolean()).isTrue();
        assertThat(admin("DELETE", "/admin/do-not-call/%2B12125550101", null).status()).isEqualTo(404);
        assertThat(jdbc.queryForList("SELECT number FROM do_not_call ORDER BY number", String.class))
                .containsExactly("+12125550100", "+12125550102");

        // What a click sees (start-click.sql reads the list): the listed number is blocked, the removed one is not.
        assertThat(postCall("{\"rep_id\": \"rep-dnc-list\", \"to_number\": \"+12125550100\"}").json()
                .get("reason").asText()).isEqualTo("do_not_call");
        assertThat(postCall("{\"rep_id\": \"rep-dnc-list\", \"to_number\": \"+12125550101\"}").json()
                .get("reason").asText()).isEqualTo("not_connected");
    }

    @Test
    void refusesBadInputAndCrmKeysChangingNothing() {
        Answer badNumber = admin("PUT", "/admin/do-not-call/call-me-maybe", null);
        assertThat(badNumber.status()).isEqualTo(400);
        assertThat(badNumber.json().at("/error/code").asText()).isEqualTo("invalid_phone_number");
        Answer longReason = admin("PUT", "/admin/do-not-call/%2B12125550100", "{\"reason\": \"" + "x".repeat(201) + "\"}");
        assertThat(longReason.status()).isEqualTo(400);
        assertThat(longReason.json().at("/error/code").asText()).isEqualTo("invalid_request");
        Answer unknownField = admin("PUT", "/admin/do-not-call/%2B12125550100", "{\"why\": \"x\"}");
        assertThat(unknownField.json().at("/error/code").asText()).isEqualTo("unknown_field");
        assertThat(admin("GET", "/admin/do-not-call?limit=0", null).status()).isEqualTo(400);
        Answer crm = send("PUT", "/admin/do-not-call/%2B12125550100", null, "X-API-Key", CRM_KEY);
        assertThat(crm.status()).isEqualTo(403);
        Answer crmImport = send("POST", "/admin/do-not-call/imports", "+12125550100\n", "X-API-Key", CRM_KEY,
                "Content-Type", "text/csv");
        assertThat(crmImport.status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM do_not_call", Integer.class)).isZero();
    }

    @Test
    void importsAHundredThousandNumbersOnceAndAgainChangesNothing() {
        StringBuilder csv = new StringBuilder("number,reason\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append("+1212").append(2_000_000 + i);
            if (i % 2 == 0) {
                csv.append(",\"complaint, ticket ").append(i).append('"');
            }
            csv.append('\n');
        }
        System.out.printf("do-not-call import body: %.2f MiB%n", csv.length() / 1048576.0);

        long start = System.nanoTime();
        Answer first = importCsv(csv.toString());
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("rows").asInt()).isEqualTo(100_000);
        assertThat(first.json().get("added").asInt()).isEqualTo(100_000);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM do_not_call", Integer.class)).isEqualTo(100_000);
        assertThat(jdbc.queryForObject("SELECT reason FROM do_not_call WHERE number = '+12122000002'", String.class))
                .isEqualTo("complaint, ticket 2");
        List<?> before = jdbc.queryForList("SELECT md5(string_agg(number || coalesce(reason, '') || added_at::text, ','"
                + " ORDER BY number)) FROM do_not_call");

        start = System.nanoTime();
        Answer second = importCsv(csv.toString());
        long secondMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("added").asInt()).isZero();
        assertThat(second.json().get("already_listed").asInt()).isEqualTo(100_000);
        assertThat(jdbc.queryForList("SELECT md5(string_agg(number || coalesce(reason, '') || added_at::text, ','"
                + " ORDER BY number)) FROM do_not_call")).isEqualTo(before);
        System.out.printf("do-not-call import of 100,000 rows: %d ms; the same file again: %d ms%n", firstMillis, secondMillis);
        // Generous bound: bounded, not benchmarked (the figures are printed above).
        assertThat(firstMillis).isLessThan(60_000);
    }

    @Test
    void anInvalidRowImportsNothingAndNamesItsLine() {
        String csv = "+12125550100,ok\n\n+12125550101\nnot-a-number,x\n+12125550102,\"" + "y".repeat(201) + "\"\n"
                + "+12125550100,repeat\n";
        Answer answer = importCsv(csv);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("invalid_rows");
        System.out.println("README import-invalid: " + answer.body());
        assertThat(answer.json().at("/error/message").asText())
                .contains("2 invalid rows", "line 4: number is not a phone number", "line 5: reason must be at most 200")
                .doesNotContain("line 1", "line 3", "line 6");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM do_not_call", Integer.class)).isZero();

        Answer fixed = importCsv("+12125550100,ok\n\n+12125550101\n+12125550100,repeat\n");
        assertThat(fixed.json().get("added").asInt()).isEqualTo(2);
        System.out.println("README import: " + fixed.body());
        assertThat(fixed.json().get("duplicates_in_file").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT reason FROM do_not_call WHERE number = '+12125550100'", String.class))
                .isEqualTo("ok");
    }

    @Test
    void onlyTheImportTakesALargeBody() {
        String big = "+12125550100\n".repeat(2_000);   // 26 KB: over the 16 KiB of every other operation
        assertThat(importCsv(big).status()).isEqualTo(200);
        Answer put = admin("PUT", "/admin/do-not-call/%2B12125550100", "{\"reason\": \"" + "x".repeat(20_000) + "\"}");
        assertThat(put.status()).isEqualTo(413);
        Answer tooBig = importCsv("+12125550100\n".repeat(700_000));   // 9.1 MB
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().at("/error/code").asText()).isEqualTo("payload_too_large");
    }

    private Answer admin(String method, String path, String json) {
        return json == null ? send(method, path, null, "X-API-Key", ADMIN_KEY)
                : send(method, path, json, "X-API-Key", ADMIN_KEY, "Content-Type", "application/json");
    }

    private Answer importCsv(String csv) {
        return send("POST", "/admin/do-not-call/imports", csv, "X-API-Key", ADMIN_KEY, "Content-Type", "text/csv");
    }

    private static List<String> numbers(JsonNode page) {
        return page.get("numbers").findValuesAsText("number");
    }
}
