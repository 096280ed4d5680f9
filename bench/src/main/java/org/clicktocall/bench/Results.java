package org.clicktocall.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

/** What a run measured, and its two renderings: JSON (for tools) and Markdown (for people). */
final class Results {

    private Results() {
    }

    /** Latency figures of one measured run, in milliseconds, percentiles read from an HdrHistogram. */
    record Stats(long count, double seconds, double throughputPerSec, double p50Ms, double p90Ms, double p99Ms,
                 double p999Ms, double maxMs, double meanMs, long transportErrors, long dropped,
                 Map<String, Long> statuses, Map<String, Long> actions, Map<String, Long> reasons) {

        static Stats of(LoadGenerator.Outcome outcome) {
            return of(outcome.latency, outcome.measuredNanos / 1e9, outcome.transportErrors.sum(), outcome.dropped.sum(),
                    LoadGenerator.Outcome.snapshot(outcome.statuses), LoadGenerator.Outcome.snapshot(outcome.actions),
                    LoadGenerator.Outcome.snapshot(outcome.reasons));
        }

        static Stats of(Histogram h, double seconds, long errors, long dropped, Map<String, Long> statuses,
                        Map<String, Long> actions, Map<String, Long> reasons) {
            long n = h.getTotalCount();
            return new Stats(n, seconds, seconds > 0 ? n / seconds : 0,
                    ms(h, n, 50), ms(h, n, 90), ms(h, n, 99), ms(h, n, 99.9),
                    n == 0 ? Double.NaN : h.getMaxValue() / 1000.0, n == 0 ? Double.NaN : h.getMean() / 1000.0,
                    errors, dropped, statuses, actions, reasons);
        }

        private static double ms(Histogram h, long n, double percentile) {
            return n == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
        }

        double metric(String name) {
            return switch (name) {
                case "throughput" -> throughputPerSec;
                case "p50" -> p50Ms;
                case "p90" -> p90Ms;
                case "p99" -> p99Ms;
                case "p99.9" -> p999Ms;
                case "max" -> maxMs;
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    static final List<String> METRICS = List.of("throughput", "p50", "p90", "p99", "p99.9", "max");

    /** The spread of one figure across repeats. */
    record Spread(double min, double median, double max) {
        static Spread of(Collection<Double> values) {
            List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
            if (sorted.isEmpty()) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN);
            }
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Spread(sorted.get(0), median, sorted.get(n - 1));
        }

        static <T> Spread of(List<T> items, Function<T, Double> figure) {
            return of(items.stream().map(figure).toList());
        }
    }

    /** min/median/max of each metric over the repeats. */
    static Map<String, Spread> summary(List<Stats> repeats) {
        Map<String, Spread> out = new LinkedHashMap<>();
        for (String metric : METRICS) {
            out.put(metric, Spread.of(repeats, s -> s.metric(metric)));
        }
        return out;
    }

    /** A figure beside its target. {@code result} is pass, fail, or n/a (not measured in this run). */
    record Check(String scenario, String metric, Double measured, String unit, String comparator, double target,
                 String result, String note) {
        static Check of(String scenario, String metric, double measured, String unit, String comparator,
                        double target, String note) {
            String result;
            if (Double.isNaN(measured)) {
                result = "n/a";
            } else {
                result = (comparator.equals(">=") ? measured >= target : measured <= target) ? "pass" : "fail";
            }
            return new Check(scenario, metric, Double.isNaN(measured) ? null : measured, unit, comparator, target,
                    result, note);
        }
    }

    record ProbeStats(String name, String path, long count, double p50Ms, double p99Ms, double maxMs,
                      Map<String, Long> statuses) {
    }

    /** One repeat of a failure scenario (hang / down), split at the moment the breaker opened. */
    record FailureRepeat(Long serviceRestartMs, Double breakerOpenedAfterMs, Double healthShowedOpenAfterMs,
                         double boundMs, long transitionCount, double transitionMaxMs, long transitionOverBound,
                         long allOverBound, Stats fallback, Stats all, List<ProbeStats> probes) {
    }

    record ScenarioResult(String name, String status, String description, Map<String, Object> settings,
                          List<Stats> service, List<Stats> floor, Map<String, Spread> serviceSummary,
                          Map<String, Spread> floorSummary, Map<String, Double> differenceOfMedians,
                          Map<String, Double> ratioOfMedians, Map<String, Long> actions, Map<String, Long> reasons,
                          List<FailureRepeat> failureRepeats, List<Check> checks, List<String> notes,
                          Map<String, Object> details) {
    }

    record Start(long wallMs, double reportedSeconds, boolean freshDataFolder) {
    }

    record Footprint(List<Start> starts, double readyRssMiB, double idleRssMiB, double loadRssMaxMiB,
                     double peakRssMiB) {
    }

    record Run(String startedAt, String label, double wallSeconds, Map<String, Object> machine,
               Map<String, Object> service, Map<String, Object> settings, Map<String, Object> guards,
               Map<String, Object> tokenImport, Footprint footprint, List<ScenarioResult> scenarios,
               List<Check> checks) {
    }

    // ---------------------------------------------------------------------------------------------------------

    static Path[] write(Run run, Path dir) throws IOException {
        Files.createDirectories(dir);
        String stamp = run.startedAt().replace(":", "").replaceAll("\\.\\d+", "");
        String base = stamp + "-" + run.label();
        Path json = dir.resolve(base + ".json");
        Path md = dir.resolve(base + ".md");
        ObjectMapper mapper = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
        // NaN is not JSON (Jackson writes it as "NaN"); a figure that was not measured becomes null.
        String text = mapper.writeValueAsString(run).replaceAll("(?<=: )\"NaN\"", "null");
        Files.writeString(json, text + "\n", StandardCharsets.UTF_8);
        Files.writeString(md, markdown(run, json.getFileName().toString()), StandardCharsets.UTF_8);
        return new Path[] {md, json};
    }

    static String markdown(Run run, String jsonName) {
        StringBuilder out = new StringBuilder();
        out.append("# Click-to-call benchmark: ").append(run.label()).append(", ").append(run.startedAt()).append("\n\n");
        out.append("Raw figures: [`").append(jsonName).append("`](").append(jsonName).append("). ")
                .append("Ran ").append(Fmt.num(run.wallSeconds())).append(" s. Latencies in ms; each figure is the ")
                .append("median of the repeats, with min–max in brackets when there was more than one.\n\n");

        if ("smoke".equals(run.label())) {
            out.append("> Smoke settings (few clients, seconds-long runs, one repeat): this run shows that the harness ")
                    .append("and the service work end to end. Its figures are not comparable with the targets; ")
                    .append("`bench/run.sh` without `--smoke` measures them.\n\n");
        }
        out.append("## Setup\n\n| | |\n|---|---|\n");
        for (Map<String, Object> section : List.of(run.machine(), run.service(), run.settings(), run.guards())) {
            section.forEach((k, v) -> out.append("| ").append(label(k)).append(" | ").append(value(v)).append(" |\n"));
        }
        run.tokenImport().forEach((k, v) -> out.append("| token import: ").append(label(k)).append(" | ")
                .append(value(v)).append(" |\n"));
        out.append("\n");

        out.append("## Against the targets\n\n| scenario | figure | measured | target | result |\n|---|---|---|---|---|\n");
        for (Check check : run.checks()) {
            out.append("| ").append(check.scenario()).append(" | ").append(check.metric())
                    .append(check.note() == null ? "" : " (" + check.note() + ")").append(" | ")
                    .append(check.measured() == null ? "–" : Fmt.num(check.measured()) + " " + check.unit())
                    .append(" | ").append(check.comparator().equals(">=") ? "≥ " : "≤ ").append(Fmt.num(check.target()))
                    .append(" ").append(check.unit()).append(" | ")
                    .append(switch (check.result()) {
                        case "pass" -> "PASS";
                        case "fail" -> "**FAIL**";
                        default -> "n/a";
                    }).append(" |\n");
        }
        out.append("\n");

        Footprint f = run.footprint();
        out.append("## Footprint\n\n| | |\n|---|---|\n");
        for (int i = 0; i < f.starts().size(); i++) {
            Start s = f.starts().get(i);
            out.append("| start ").append(i + 1).append(s.freshDataFolder() ? " (fresh data folder)" : " (restart)")
                    .append(" | ").append(Fmt.num(s.wallMs() / 1000.0)).append(" s to the ready line (the service says ")
                    .append(s.reportedSeconds() < 0 ? "–" : Fmt.num(s.reportedSeconds()) + " s").append(") |\n");
        }
        out.append("| RSS when ready | ").append(Fmt.num(f.readyRssMiB())).append(" MiB |\n");
        out.append("| RSS idle (after token import) | ").append(Fmt.num(f.idleRssMiB())).append(" MiB |\n");
        out.append("| RSS under load (highest sample) | ").append(Fmt.num(f.loadRssMaxMiB())).append(" MiB |\n");
        out.append("| RSS peak (VmHWM) | ").append(Fmt.num(f.peakRssMiB())).append(" MiB |\n\n");

        for (ScenarioResult s : run.scenarios()) {
            out.append("## ").append(s.name()).append("\n\n").append(s.description()).append("\n\n");
            if (!"ran".equals(s.status())) {
                out.append("_").append(s.status()).append("_\n\n");
                continue;
            }
            out.append("Settings: ");
            List<String> parts = new ArrayList<>();
            s.settings().forEach((k, v) -> parts.add(k + " " + v));
            out.append(String.join(", ", parts)).append(".\n\n");
            if (!s.service().isEmpty()) {
                out.append("| | ").append("events".equals(s.name()) ? "events/s" : "calls/s")
                        .append(" | p50 | p90 | p99 | p99.9 | max | answers |\n|---|---|---|---|---|---|---|---|\n");
                row(out, "service", s.serviceSummary(), s.service().size(), Fmt.answers(s.actions(), s.reasons()));
                if (!s.floor().isEmpty()) {
                    row(out, "floor (stub direct)", s.floorSummary(), s.floor().size(), "");
                    out.append("| service − floor |");
                    for (String m : METRICS) {
                        out.append(" ").append(Fmt.signed(s.differenceOfMedians().get(m))).append(" |");
                    }
                    out.append(" |\n| service ÷ floor |");
                    for (String m : METRICS) {
                        out.append(" ").append(Fmt.ratio(s.ratioOfMedians().get(m))).append(" |");
                    }
                    out.append(" |\n");
                }
                out.append("\n");
            }
            if (s.failureRepeats() != null && !s.failureRepeats().isEmpty()) {
                out.append("| repeat | breaker open after | responses before it (max / bound) | fallback calls/s, p50 / p99 / max | answers after | probes p99 (status) |\n")
                        .append("|---|---|---|---|---|---|\n");
                int i = 1;
                for (FailureRepeat r : s.failureRepeats()) {
                    out.append("| ").append(i++).append(" | ")
                            .append(r.breakerOpenedAfterMs() == null ? "not seen" : Fmt.num(r.breakerOpenedAfterMs()) + " ms")
                            .append(r.healthShowedOpenAfterMs() == null ? "" : " (health: " + Fmt.num(r.healthShowedOpenAfterMs()) + " ms)")
                            .append(" | ").append(r.transitionCount()).append(" (").append(Fmt.num(r.transitionMaxMs()))
                            .append(" / ").append(Fmt.num(r.boundMs())).append(" ms, ").append(r.transitionOverBound())
                            .append(" over) | ").append(Fmt.num(r.fallback().throughputPerSec())).append(", ")
                            .append(Fmt.num(r.fallback().p50Ms())).append(" / ").append(Fmt.num(r.fallback().p99Ms()))
                            .append(" / ").append(Fmt.num(r.fallback().maxMs())).append(" | ")
                            .append(Fmt.answers(r.fallback().actions(), r.fallback().reasons())).append(" | ");
                    List<String> probes = new ArrayList<>();
                    for (ProbeStats p : r.probes()) {
                        probes.add(p.path() + " " + Fmt.num(p.p99Ms()) + " ms " + p.statuses());
                    }
                    out.append(String.join("; ", probes)).append(" |\n");
                }
                out.append("\n");
            }
            if (s.details() != null && !s.details().isEmpty()) {
                out.append("| | |\n|---|---|\n");
                s.details().forEach((k, v) -> out.append("| ").append(label(k)).append(" | ").append(value(v)).append(" |\n"));
                out.append("\n");
            }
            for (String note : s.notes()) {
                out.append("- ").append(note).append("\n");
            }
            if (!s.notes().isEmpty()) {
                out.append("\n");
            }
        }
        out.append("## Reading this\n\n")
                .append("- *floor*: the same load sent straight to the Dialpad stub in the same run; the service's ")
                .append("overhead is *service − floor* (added latency) and *service ÷ floor*.\n")
                .append("- Closed loop: latency from the actual send. Open loop: latency from the intended send time ")
                .append("(no coordinated omission), so queueing shows up as latency.\n")
                .append("- Answers: `dialpad` = Dialpad was asked and accepted; `tel:reason` = fallback. A run where ")
                .append("most answers are fallbacks measures the fallback path, not the Dialpad path.\n")
                .append("- CPU (per scenario): the service JVM's and PostgreSQL's per click or event, the load ")
                .append("generator's and the stub's per request, from /proc around each run. The generator must stay ")
                .append("≤ 0.1 ms per request (wrk does; the Java generator of light, hang, down and events does not, ")
                .append("so their throughput carries the harness's cost).\n");
        return out.toString();
    }

    /** JSON keys are snake_case with the unit last (warmup_s); the table shows them as words. */
    private static String label(String key) {
        return key.replace('_', ' ').replaceAll(" (s|ms|gib|per s)$", " ($1)").replace("(gib)", "(GiB)");
    }

    private static String value(Object v) {
        return v instanceof Double d ? Fmt.num(d) : String.valueOf(v);
    }

    private static void row(StringBuilder out, String label, Map<String, Spread> summary, int repeats, String answers) {
        out.append("| ").append(label).append(" |");
        for (String m : METRICS) {
            Spread sp = summary.get(m);
            out.append(" ").append(Fmt.num(sp.median()));
            if (repeats > 1) {
                out.append(" (").append(Fmt.num(sp.min())).append("–").append(Fmt.num(sp.max())).append(")");
            }
            out.append(" |");
        }
        out.append(" ").append(answers).append(" |\n");
    }

    static Map<String, Long> sum(List<Map<String, Long>> maps) {
        Map<String, Long> out = new TreeMap<>();
        for (Map<String, Long> m : maps) {
            m.forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }
}
