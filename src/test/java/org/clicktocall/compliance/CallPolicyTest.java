package org.clicktocall.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.clicktocall.calls.PhoneNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision table of {@link CallPolicy}: pure, so no service; 2026-01-14 is a Wednesday (winter time). */
class CallPolicyTest {

    private static final PhoneNumbers PHONE_NUMBERS = new PhoneNumbers("US", "possible");

    private static final CallPolicy US_DEFAULTS = new CallPolicy(
            new CallPolicySettings("08:00-21:00", "MON-SUN", List.of(), List.of("PREMIUM_RATE", "SHARED_COST"), "allow"), "US");
    /** Spain, working days: Spanish mobiles map to Madrid and the Canaries, an hour apart. */
    private static final CallPolicy SPAIN_WEEKDAYS = new CallPolicy(
            new CallPolicySettings("08:00-21:00", "MON-FRI", List.of("ES"), List.of("PREMIUM_RATE"), "allow"), "US");

    @ParameterizedTest(name = "{0} at {1} (do-not-call {2}) -> {3} {4}")
    @CsvSource(nullValues = "-", value = {
            // number, now, on the list, allowed?, reason, next allowed
            "+12125551234,  2026-01-14T14:00:00Z, false, true,  -,                       -",                     // New York 09:00
            "+12125551234,  2026-01-14T12:00:00Z, false, false, outside_calling_hours,   2026-01-14T13:00:00Z",  // 07:00
            "+12125551234,  2026-01-15T02:30:00Z, false, false, outside_calling_hours,   2026-01-15T13:00:00Z",  // 21:30
            "+12125551234,  2026-01-15T02:00:00Z, false, false, outside_calling_hours,   2026-01-15T13:00:00Z",  // 21:00 is closed
            "+12125551234,  2026-01-15T01:59:59Z, false, true,  -,                       -",                     // 20:59:59
            "+15417531234,  2026-01-14T15:00:00Z, false, false, outside_calling_hours,   2026-01-14T16:00:00Z",  // Oregon 07:00
            "+12125551234,  2026-01-14T14:00:00Z, true,  false, do_not_call,             -",
            "+19002001234,  2026-01-14T14:00:00Z, false, false, destination_not_allowed, -",                     // premium rate
            "+447946001234, 2026-01-14T14:00:00Z, false, false, destination_not_allowed, -",                     // GB
            "+16137370000,  2026-01-14T14:00:00Z, false, false, destination_not_allowed, -",                     // Canada is not US
            // +1 toll-free maps to every NANP zone, Guam (UTC+10) to Samoa (UTC-11): at 18:00 UTC Guam is at 04:00.
            // All are inside only from 22:00 UTC (Guam 08:00 the next day, Samoa 11:00, St John's 18:30).
            "+18005551234,  2026-01-14T18:00:00Z, false, false, outside_calling_hours,   2026-01-14T22:00:00Z",
            "+15551234567,  2026-01-14T04:00:00Z, false, true,  -,                       -",                     // unknown zone: allow
    })
    void usDefaults(String number, String now, boolean listed, boolean allowed, String reason, String next) {
        check(US_DEFAULTS, number, now, listed, allowed, reason, next);
    }

    @ParameterizedTest(name = "{0} at {1} -> {3} {4}")
    @CsvSource(nullValues = "-", value = {
            "+34612345678,  2026-01-14T12:00:00Z, false, true,  -,                       -",
            // Madrid 08:30 but the Canaries 07:30: one zone outside is enough; both are in at 08:00 UTC.
            "+34612345678,  2026-01-14T07:30:00Z, false, false, outside_calling_hours,   2026-01-14T08:00:00Z",
            // The Canaries 20:30 but Madrid 21:30: next morning, when the later zone (Canaries) opens.
            "+34612345678,  2026-01-14T20:30:00Z, false, false, outside_calling_hours,   2026-01-15T08:00:00Z",
            // Friday evening: Monday morning; Saturday noon too.
            "+34612345678,  2026-01-16T20:30:00Z, false, false, outside_calling_hours,   2026-01-19T08:00:00Z",
            "+34612345678,  2026-01-17T12:00:00Z, false, false, outside_calling_hours,   2026-01-19T08:00:00Z",
            "+34803123456,  2026-01-14T12:00:00Z, false, false, destination_not_allowed, -",                     // premium
            "+12125551234,  2026-01-14T12:00:00Z, false, false, destination_not_allowed, -",
    })
    void spainOnWorkingDays(String number, String now, boolean listed, boolean allowed, String reason, String next) {
        check(SPAIN_WEEKDAYS, number, now, listed, allowed, reason, next);
    }

    @Test
    void outsideHoursNamesTheLocalTimeInEveryZone() {
        CallDecision decision = SPAIN_WEEKDAYS.decide(number("+34612345678"), Instant.parse("2026-01-14T07:30:00Z"), false);
        assertThat(decision.recipientLocalTimes()).containsExactlyInAnyOrder(
                new CallDecision.LocalTimeIn("Atlantic/Canary", "2026-01-14T07:30"),
                new CallDecision.LocalTimeIn("Europe/Madrid", "2026-01-14T08:30"));
    }

    @Test
    void unknownZonesFollowTheConfiguredRule() {
        Instant night = Instant.parse("2026-01-14T04:00:00Z");
        CallPolicy block = new CallPolicy(new CallPolicySettings("08:00-21:00", "MON-SUN", List.of(), List.of(), "block"), "US");
        assertThat(block.decide(number("+15551234567"), night, false).reason()).isEqualTo("outside_calling_hours");
        CallPolicy country = new CallPolicy(new CallPolicySettings("08:00-21:00", "MON-SUN", List.of(), List.of(), "country"), "US");
        CallDecision byCountry = country.decide(number("+15551234567"), night, false);
        assertThat(byCountry.reason()).isEqualTo("outside_calling_hours");
        assertThat(byCountry.recipientLocalTimes()).extracting(CallDecision.LocalTimeIn::timeZone)
                .contains("America/New_York", "Pacific/Honolulu");
    }

    @Test
    void anUnassignedRangeIsOfUnknownTypeAndCanBeRefusedAsSuch() {
        // +1 555 has no region of its own: the number counts as US (the plan's main country) and its type is UNKNOWN.
        CallPolicy refusingUnknown = new CallPolicy(
                new CallPolicySettings("00:00-23:59", "MON-SUN", List.of(), List.of("UNKNOWN"), "allow"), "US");
        Instant noon = Instant.parse("2026-01-14T17:00:00Z");
        CallDecision decision = refusingUnknown.decide(number("+15551234567"), noon, false);
        assertThat(decision.reason()).isEqualTo("destination_not_allowed");
        assertThat(decision.message()).isEqualTo("Calls to unknown numbers are not allowed");
        assertThat(refusingUnknown.decide(number("+12125551234"), noon, false).allowed()).isTrue();
    }

    @ParameterizedTest(name = "{0} / {1} / {2} / {3} / {4}")
    @CsvSource(delimiter = '|', value = {
            "8-21        | MON-SUN | US | PREMIUM_RATE | allow",
            "21:00-08:00 | MON-SUN | US | PREMIUM_RATE | allow",
            "08:00-21:00 | FUNDAY  | US | PREMIUM_RATE | allow",
            "08:00-21:00 | FRI-MON | US | PREMIUM_RATE | allow",
            "08:00-21:00 | MON-SUN | XX | PREMIUM_RATE | allow",
            "08:00-21:00 | MON-SUN | US | PREMIUM      | allow",
            "08:00-21:00 | MON-SUN | US | PREMIUM_RATE | sometimes",
    })
    void refusesBadSettingsAtStart(String hours, String days, String country, String type, String unknown) {
        assertThatThrownBy(() -> new CallPolicy(
                new CallPolicySettings(hours, days, List.of(country), List.of(type), unknown), "US"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("calls.policy.");
    }

    /** The number as a click hands it to the policy: read by PhoneNumbers from the request. */
    private static PhoneNumber number(String e164) {
        return PHONE_NUMBERS.parse(e164, "to_number");
    }

    private static void check(CallPolicy policy, String number, String now, boolean listed, boolean allowed,
                              String reason, String next) {
        CallDecision decision = policy.decide(number(number), Instant.parse(now), listed);
        assertThat(decision.allowed()).as("allowed").isEqualTo(allowed);
        assertThat(decision.reason()).as("reason").isEqualTo(reason);
        assertThat(decision.nextAllowedAt()).as("next allowed").isEqualTo(next == null ? null : Instant.parse(next));
        if (!allowed) {
            assertThat(decision.message()).isNotBlank();
        }
    }
}
