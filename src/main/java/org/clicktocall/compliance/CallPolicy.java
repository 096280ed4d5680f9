package org.clicktocall.compliance;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Whether a click may reach a number, decided before Dialpad is asked: the do-not-call list (looked up by the
 * click's start statement, sql/start-click.sql, and passed in), the destination (country and number type) and the
 * calling hours in the recipient's local time. A function of its arguments and the settings: no database, no clock.
 *
 * <p>Order: do_not_call, then destination_not_allowed, then outside_calling_hours (a refused destination is
 * refused at any hour, so the rep is not told to try again later).
 *
 * <p>Time zones come from libphonenumber's {@link PhoneNumberToTimeZonesMapper}. A number that maps to several
 * zones (a mobile or toll-free number of a country with several zones) is inside the window only when every
 * one of its zones is. Unknown zones (an unassigned range) follow {@code calls.policy.unknown-time-zone}.
 */
@Component("callPolicy")
public class CallPolicy {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final PhoneNumberToTimeZonesMapper ZONES = PhoneNumberToTimeZonesMapper.getInstance();
    private static final String UNKNOWN_ZONE = PhoneNumberToTimeZonesMapper.getUnknownTimeZone();
    /** The zone ids the mapper names (a few hundred at most), each parsed once. */
    private static final Map<String, ZoneId> ZONE_IDS = new ConcurrentHashMap<>();
    /** A calling code's zones as a whole (dozens for +1), for numbers whose own zone is unknown; empty: none known. */
    private static final Map<Integer, List<ZoneId>> COUNTRY_ZONES = new ConcurrentHashMap<>();

    enum UnknownZoneRule { COUNTRY, ALLOW, BLOCK }

    private final LocalTime opens;
    private final LocalTime closes;
    private final Set<DayOfWeek> days;
    private final Set<String> countries;
    private final Set<PhoneNumberType> refusedTypes;
    private final UnknownZoneRule unknownZoneRule;
    private final String window;

    public CallPolicy(CallPolicySettings settings, @Value("${calls.default-region:US}") String defaultRegion) {
        String[] hours = settings.callingHours().trim().split("-", -1);
        try {
            if (hours.length != 2) {
                throw new DateTimeParseException("not a range", settings.callingHours(), 0);
            }
            opens = LocalTime.parse(hours[0].trim());
            closes = LocalTime.parse(hours[1].trim());
        } catch (DateTimeParseException e) {
            throw invalid("calling-hours must be HH:mm-HH:mm, e.g. 08:00-21:00; got '" + settings.callingHours() + "'");
        }
        if (!opens.isBefore(closes)) {
            throw invalid("calling-hours must open before it closes on the same day; got '" + settings.callingHours() + "'");
        }
        window = settings.callingHours().trim();
        days = days(settings.allowedDays());
        TreeSet<String> regions = new TreeSet<>();
        List<String> configured = settings.allowedCountries() == null || settings.allowedCountries().isEmpty()
                ? List.of(defaultRegion) : settings.allowedCountries();
        for (String region : configured) {
            String code = region.trim().toUpperCase(Locale.ROOT);
            if (!UTIL.getSupportedRegions().contains(code)) {
                throw invalid("allowed-countries must be ISO region codes libphonenumber knows (US, CA, GB...); got '" + region + "'");
            }
            regions.add(code);
        }
        countries = java.util.Collections.unmodifiableSortedSet(regions);   // sorted: the refusal names them in order
        Set<PhoneNumberType> types = EnumSet.noneOf(PhoneNumberType.class);
        for (String type : settings.refusedNumberTypes() == null ? List.<String>of() : settings.refusedNumberTypes()) {
            try {
                types.add(PhoneNumberType.valueOf(type.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw invalid("refused-number-types must name libphonenumber number types such as PREMIUM_RATE; got '" + type + "'");
            }
        }
        refusedTypes = Set.copyOf(types);
        try {
            unknownZoneRule = UnknownZoneRule.valueOf(settings.unknownTimeZone().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("unknown-time-zone must be country, allow or block; got '" + settings.unknownTimeZone() + "'");
        }
    }

    /**
     * The decision for a click to {@code number} (as PhoneNumbers read it from the request) at {@code now};
     * {@code onDoNotCallList} comes from start-click.sql.
     */
    public CallDecision decide(PhoneNumber number, Instant now, boolean onDoNotCallList) {
        if (onDoNotCallList) {
            return CallDecision.blocked(CallDecision.DO_NOT_CALL, "This number is on the do-not-call list");
        }
        // An unassigned range has no region of its own: it counts as its calling code's main country.
        String ownRegion = UTIL.getRegionCodeForNumber(number);
        String region = ownRegion != null ? ownRegion : UTIL.getRegionCodeForCountryCode(number.getCountryCode());
        if (!countries.contains(region)) {
            return CallDecision.blocked(CallDecision.DESTINATION_NOT_ALLOWED,
                    "Calls to " + region + " numbers are not allowed (allowed: " + String.join(", ", countries) + ")");
        }
        // getNumberType searches the regions again, and finds none when the search above found none (for +1 that
        // search tries every region of the plan): its answer then is UNKNOWN.
        PhoneNumberType type = ownRegion == null ? PhoneNumberType.UNKNOWN : UTIL.getNumberType(number);
        if (refusedTypes.contains(type)) {
            return CallDecision.blocked(CallDecision.DESTINATION_NOT_ALLOWED,
                    "Calls to " + type.name().toLowerCase(Locale.ROOT).replace('_', '-') + " numbers are not allowed");
        }
        List<ZoneId> zones = zones(number, type);
        if (zones == null) {
            return unknownZoneRule == UnknownZoneRule.ALLOW ? CallDecision.allow()
                    : new CallDecision(false, CallDecision.OUTSIDE_CALLING_HOURS,
                    "The recipient's time zone is unknown, so calling hours cannot be checked", List.of(), null);
        }
        if (inside(zones, now)) {
            return CallDecision.allow();
        }
        List<CallDecision.LocalTimeIn> local = zones.stream()
                .map(zone -> new CallDecision.LocalTimeIn(zone.getId(),
                        now.atZone(zone).toLocalDateTime().withNano(0).toString()))
                .toList();
        return new CallDecision(false, CallDecision.OUTSIDE_CALLING_HOURS,
                "Outside calling hours (" + window + " the recipient's time)", local, nextAllowed(zones, now));
    }

    /** The number's zones; for an unknown one, what the unknown-zone rule says (null: allow or block). */
    private List<ZoneId> zones(PhoneNumber number, PhoneNumberType type) {
        // As the mapper's getTimeZonesForNumber, with the number type decide() already has (it costs a full match)
        List<String> ids = type == PhoneNumberType.UNKNOWN ? List.of(UNKNOWN_ZONE)
                : UTIL.isNumberGeographical(type, number.getCountryCode())
                ? ZONES.getTimeZonesForGeographicalNumber(number) : ZONES.getTimeZonesForNumber(number);
        if (ids.isEmpty() || ids.contains(UNKNOWN_ZONE)) {
            if (unknownZoneRule != UnknownZoneRule.COUNTRY) {
                return null;
            }
            // The calling code alone: the zones of the whole country (or plan, for +1).
            List<ZoneId> country = COUNTRY_ZONES.computeIfAbsent(number.getCountryCode(), CallPolicy::countryZones);
            return country.isEmpty() ? null : country;
        }
        return zoneIds(ids);
    }

    private static List<ZoneId> countryZones(int callingCode) {
        List<String> ids = ZONES.getTimeZonesForGeographicalNumber(
                new PhoneNumber().setCountryCode(callingCode).setNationalNumber(0));
        return ids.isEmpty() || ids.contains(UNKNOWN_ZONE) ? List.of() : zoneIds(ids);
    }

    private static List<ZoneId> zoneIds(List<String> ids) {
        return ids.stream().map(id -> ZONE_IDS.computeIfAbsent(id, ZoneId::of)).toList();
    }

    private boolean inside(List<ZoneId> zones, Instant at) {
        for (ZoneId zone : zones) {
            ZonedDateTime local = at.atZone(zone);
            LocalTime time = local.toLocalTime();
            if (!days.contains(local.getDayOfWeek()) || time.isBefore(opens) || !time.isBefore(closes)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first moment every zone is inside: the windows are intervals, so the overlap, if any, begins where one
     * zone's window opens. Looks 8 days ahead (a week of allowed days plus the day boundary); none: null.
     */
    private Instant nextAllowed(List<ZoneId> zones, Instant now) {
        TreeSet<Instant> openings = new TreeSet<>();
        for (ZoneId zone : zones) {
            LocalDate today = now.atZone(zone).toLocalDate();
            for (int day = 0; day <= 8; day++) {
                Instant opening = ZonedDateTime.of(today.plusDays(day), opens, zone).toInstant();
                if (opening.isAfter(now)) {
                    openings.add(opening);
                }
            }
        }
        for (Instant opening : openings) {
            if (inside(zones, opening)) {
                return opening;
            }
        }
        return null;
    }

    private static Set<DayOfWeek> days(String spec) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        try {
            for (String part : spec.split(",")) {
                String[] range = part.trim().split("-");
                DayOfWeek from = day(range[0]);
                DayOfWeek to = range.length == 2 ? day(range[1]) : from;
                if (range.length > 2 || to.compareTo(from) < 0) {
                    throw new IllegalArgumentException();
                }
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw invalid("allowed-days must be days or ranges such as MON-FRI or MON-FRI,SAT; got '" + spec + "'");
        }
        if (days.isEmpty()) {
            throw invalid("allowed-days names no day");
        }
        return days;
    }

    private static DayOfWeek day(String name) {
        String prefix = name.trim().toUpperCase(Locale.ROOT);
        if (prefix.length() < 3) {
            throw new IllegalArgumentException(name);
        }
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(prefix)) {
                return day;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static IllegalStateException invalid(String message) {
        return new IllegalStateException("calls.policy." + message);
    }
}
