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
