package org.clicktocall.compliance;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may be called and when ({@code calls.policy.*}), read once and checked at start by {@link CallPolicy}.
 *
 * @param callingHours       the recipient's local window, {@code HH:mm-HH:mm} (end exclusive); default the TCPA's 08:00-21:00
 * @param allowedDays        weekdays, comma-separated days or ranges ({@code MON-FRI}, {@code MON-FRI,SAT}); default every day
 * @param allowedCountries   ISO region codes a number may belong to (US does not include CA); empty: the default region only
 * @param refusedNumberTypes libphonenumber {@code PhoneNumberType} names refused everywhere
 * @param unknownTimeZone    when libphonenumber knows no zone for a number (an unassigned range such as 555-01xx):
 *                           {@code allow} (default: the hours are not checked), {@code country} (every zone of its
 *                           country code must be inside the window; for +1 that is Guam to Samoa: 22:00-00:00 UTC) or {@code block}
 */
@ConfigurationProperties("calls.policy")
public record CallPolicySettings(
        @DefaultValue("08:00-21:00") String callingHours,
        @DefaultValue("MON-SUN") String allowedDays,
        @DefaultValue List<String> allowedCountries,
        @DefaultValue({"PREMIUM_RATE", "SHARED_COST"}) List<String> refusedNumberTypes,
        @DefaultValue("allow") String unknownTimeZone) {
}
