package org.clicktocall.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneNumbersTest {

    @ParameterizedTest(name = "{0} in {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "(555) 123-4567      | US | +15551234567",
            "555.123.4567        | US | +15551234567",
            "+1 555 123 4567     | US | +15551234567",
            "+44 20 7946 0018    | US | +442079460018",
            "020 7946 0018       | GB | +442079460018",
            "1-800-FLOWERS       | US | +18003569377"})
    void crmNumbersBecomeE164(String raw, String region, String e164) {
        assertThat(new PhoneNumbers(region, "possible").toE164(raw)).isEqualTo(e164);
    }

    @Test
    void impossibleNumbersAreA400() {
        PhoneNumbers numbers = new PhoneNumbers("US", "possible");
        assertThatThrownBy(() -> numbers.toE164("123")).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo("invalid_phone_number"));
        assertThatThrownBy(() -> numbers.toE164("not a number")).isInstanceOf(ApiException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "+49 0 0 30 123456   | DE",   // two national prefixes: read as +49 030 123456, a number that is not one
            "+49 00 900 1234567  | DE",   // a premium-rate number that would otherwise escape the policy as 'unknown'
            "+49 00 900 1234567  | US"})
    void aNationalPrefixTheE164FormCannotKeepIsA400(String raw, String region) {
        assertThatThrownBy(() -> new PhoneNumbers(region, "possible").toE164(raw)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo("invalid_phone_number"))
                .hasMessageContaining("national prefix");
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "+49 (0)30 123456     | US | +4930123456",     // one national prefix: dropped, as dialled
            "+39 06 1234 5678     | US | +390612345678",   // Italy: the 0 is part of the number
            "+225 01 23 45 67 89  | US | +2250123456789"}) // Côte d'Ivoire: likewise
    void leadingZerosThatBelongToTheNumberAreKept(String raw, String region, String e164) {
        assertThat(new PhoneNumbers(region, "possible").toE164(raw)).isEqualTo(e164);
    }

    @Test
    void strictValidationRefusesUnassignedRanges() {
        assertThatThrownBy(() -> new PhoneNumbers("US", "valid").toE164("(555) 123-4567")).isInstanceOf(ApiException.class);
        assertThat(new PhoneNumbers("US", "valid").toE164("(415) 555-0132")).isEqualTo("+14155550132");
    }

    @Test
    void anUnknownDefaultRegionFailsAtStartNamingTheSetting() {
        assertThatThrownBy(() -> new PhoneNumbers("XX", "possible")).hasMessageContaining("calls.default-region");
        assertThatThrownBy(() -> new PhoneNumbers("US", "sometimes")).hasMessageContaining("calls.phone-validation");
    }
}
