package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a clear JSON error, changes nothing and never reaches Dialpad. */
class RequestValidationTest extends ServiceTest {

    @ParameterizedTest(name = "{0} → 400 {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"to_number\": \"5551234567\"}                                      | invalid_request      | rep_id is required",
            "{\"rep_id\": \"r1\"}                                                 | invalid_request      | to_number is required",
            "{\"rep_id\": \"  \", \"to_number\": \"5551234567\"}                  | invalid_request      | rep_id is required",
            "{\"rep_id\": 7, \"to_number\": \"5551234567\"}                       | invalid_request      | rep_id must be a string",
            "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"priority\": 1} | unknown_field        | Unknown field 'priority'",
            "{\"rep_id\": \"r1\", \"to_number\": \"12\"}                          | invalid_phone_number | to_number is not a possible phone number",
            "{\"rep_id\": \"r1\", \"to_number\": \"call me maybe\"}               | invalid_phone_number | to_number is not a phone number",
            "{\"rep_id\": \"r1\", \"to_number\": \"+49 00 900 1234567\"}          | invalid_phone_number | to_number has a national prefix after the country code",
            "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"channel\": \"sms\"} | invalid_request | channel must be \"api\" (the default) or \"cti\"",
            "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"channel\": 1}     | invalid_request      | channel must be a string",
            "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"outbound_caller_id\": \"x\"} | invalid_caller_id | outbound_caller_id is not a phone number",
            "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"rep_id\": \"r2\"} | invalid_json       | a field appears twice",
            "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\"                   | invalid_json         | not valid JSON",
            "[\"r1\", \"5551234567\"]                                             | invalid_request      | must be a JSON object",
            "''                                                                   | invalid_request      | must be a JSON object"})
    void invalidCallRequestsAreRefusedWithoutALogRowOrADialpadRequest(String body, String code, String message) {
        connectRep("r1");
        int before = callCount();

        Answer answer = postCall(body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo(code);
        assertThat(answer.json().at("/error/message").asText()).contains(message);
        assertThat(callCount()).isEqualTo(before);
        assertThat(dialpadRequests()).isEmpty();
    }

    @ParameterizedTest(name = "{0} longer than 128 characters → 400")
    @CsvSource({"rep_id", "contact_id", "deal_id", "external_id"})
    void stringsLongerThan128CharactersAreRefused(String field) {
        String tooLong = "x".repeat(129);
        String body = field.equals("rep_id")
                ? "{\"rep_id\": \"%s\", \"to_number\": \"5551234567\"}".formatted(tooLong)
                : "{\"rep_id\": \"r1\", \"to_number\": \"5551234567\", \"%s\": \"%s\"}".formatted(field, tooLong);
        int before = callCount();

        Answer answer = postCall(body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/message").asText()).isEqualTo(field + " must be at most 128 characters");
        assertThat(callCount()).isEqualTo(before);
    }
}
