package org.clicktocall.calls;

import java.util.Locale;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.clicktocall.web.ApiException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Turns what a CRM stores ("(555) 123-4567", "+44 20 7946 0018") into the E.164 form Dialpad requires. */
@Component("phoneNumbers")
public class PhoneNumbers {

    /** How strict the check is: {@code possible} (right length for the country) or {@code valid} (assigned ranges). */
    public enum Strictness { POSSIBLE, VALID }

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;
    private final Strictness strictness;

    public PhoneNumbers(@Value("${calls.default-region:US}") String defaultRegion,
                        @Value("${calls.phone-validation:possible}") String strictness) {
        this.defaultRegion = defaultRegion.trim().toUpperCase(Locale.ROOT);
        if (!util.getSupportedRegions().contains(this.defaultRegion)) {
            throw new IllegalStateException("calls.default-region (CALLS_DEFAULT_REGION) must be a two-letter region"
                    + " libphonenumber knows, such as US or GB; got '" + defaultRegion + "'");
        }
        try {
            this.strictness = Strictness.valueOf(strictness.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("calls.phone-validation must be 'possible' or 'valid'; got '" + strictness + "'");
        }
    }

    /** The number in E.164, or a 400 {@code invalid_phone_number} naming what is wrong. */
    public String toE164(String raw) {
        return toE164(raw, "to_number");
    }

    /** As {@link #toE164(String)}, the message naming {@code field} (e.g. the do-not-call list's "number"). */
    public String toE164(String raw, String field) {
        return e164(parse(raw, field));
    }

    /**
     * The number as libphonenumber reads it, checked as {@code calls.phone-validation} says, or a 400
     * {@code invalid_phone_number} naming {@code field}. A click keeps it (CallAttempt.Request#destination) so the
     * call policy decides on this reading instead of parsing the E.164 form again (parsing is most of the cost).
     */
    public PhoneNumber parse(String raw, String field) {
        PhoneNumber number;
        try {
            number = util.parse(raw, defaultRegion);
        } catch (NumberParseException e) {
            throw invalid(field + " is not a phone number");
        }
        boolean acceptable = strictness == Strictness.VALID ? util.isValidNumber(number) : util.isPossibleNumber(number);
        if (!acceptable) {
            throw invalid(field + " is not a " + (strictness == Strictness.VALID ? "valid" : "possible")
                    + " phone number for its country (default region " + defaultRegion + ")");
        }
        // Reading takes one national prefix off ("+44 (0)20 ..."). Written with two ("+49 0 0 30 ..."), the number
        // keeps a leading 0 that its E.164 form loses when read again: Dialpad would be sent one number and the
        // call policy and do-not-call list would judge another. Only a number with a leading 0 can differ, so only
        // those are read again (Italian and Ivorian numbers, whose 0 belongs to the number, read back the same).
        if (number.isItalianLeadingZero() && !sameNumber(number, reread(e164(number)))) {
            throw invalid(field + " has a national prefix after the country code that its E.164 form cannot keep;"
                    + " write it without (e.g. +49 30 123456, not +49 0 0 30 123456)");
        }
        return number;
    }

    private PhoneNumber reread(String e164) {
        try {
            return util.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            return null;
        }
    }

    private static boolean sameNumber(PhoneNumber a, PhoneNumber b) {
        return b != null && a.getCountryCode() == b.getCountryCode() && a.getNationalNumber() == b.getNationalNumber()
                && a.isItalianLeadingZero() == b.isItalianLeadingZero()
                && a.getNumberOfLeadingZeros() == b.getNumberOfLeadingZeros();
    }

    /** {@code number} in E.164, the form Dialpad requires and the calls table keeps. */
    public String e164(PhoneNumber number) {
        return util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_phone_number", message);
    }
}
