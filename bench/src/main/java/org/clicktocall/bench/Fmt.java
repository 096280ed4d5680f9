package org.clicktocall.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Number and answer formatting shared by the console and the Markdown report. */
final class Fmt {

    private Fmt() {
    }

    /** 3 significant-ish digits: 1,234 / 12.3 / 1.23 / 0.123. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String signed(Double v) {
        if (v == null || Double.isNaN(v)) {
            return "–";
        }
        return (v >= 0 ? "+" : "") + num(v);
    }

    static String ratio(Double v) {
        return v == null || Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "×%.2f", v);
    }

    /** "dialpad 99.5%, tel 0.5% (tel:not_connected 12)". */
    static String answers(Map<String, Long> actions, Map<String, Long> reasons) {
        if (actions == null || actions.isEmpty()) {
            return "–";
        }
        long total = actions.values().stream().mapToLong(Long::longValue).sum();
        List<String> parts = new ArrayList<>();
        actions.forEach((action, n) -> parts.add(action + " " + pct(n, total)));
        List<String> why = new ArrayList<>();
        if (reasons != null) {
            reasons.forEach((reason, n) -> {
                if (!reason.endsWith(":(none)")) {
                    why.add(reason + " " + n);
                }
            });
        }
        return String.join(", ", parts) + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")");
    }

    static String pct(long n, long total) {
        return total == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100.0 * n / total);
    }
}
