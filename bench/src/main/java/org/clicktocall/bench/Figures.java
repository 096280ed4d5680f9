package org.clicktocall.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.Stats;

/** What the load scenarios report alike: service against floor, where the CPU went, and notes on the answers. */
final class Figures {

    private Figures() {
    }

    /** The service's figures beside the floor's: medians of the repeats, their difference and their ratio. */
    record Comparison(Map<String, Results.Spread> service, Map<String, Results.Spread> floor,
                      Map<String, Double> difference, Map<String, Double> ratio) {
        static Comparison of(List<Stats> serviceRuns, List<Stats> floorRuns) {
            Map<String, Results.Spread> service = Results.summary(serviceRuns);
            Map<String, Results.Spread> floor = Results.summary(floorRuns);
            Map<String, Double> difference = new LinkedHashMap<>();
            Map<String, Double> ratio = new LinkedHashMap<>();
            for (String m : Results.METRICS) {
                double sv = service.get(m).median();
                double fv = floor.get(m).median();
                difference.put(m, Harness.round(sv - fv));
                ratio.put(m, Harness.round(fv == 0 ? Double.NaN : sv / fv));
            }
            return new Comparison(service, floor, difference, ratio);
        }
    }

    /**
     * Where the CPU went (median over repeats): CPU milliseconds per answer for the service JVM and PostgreSQL, per
     * request for the load generator and the Dialpad stub, in the service's runs and in the floor's, and how many
     * of the machine's cores each kept busy while the service was measured.
     */
    static Map<String, Object> cpu(List<CpuUse.Window> service, List<CpuUse.Window> floor, String unit) {
        String generator = generatorName(service);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("cpu ms per " + unit + ": service JVM", Fmt.num(median(service, w -> w.perAnswerMs(w.service()))));
        cpu.put("cpu ms per " + unit + ": PostgreSQL", Fmt.num(median(service, w -> w.perAnswerMs(w.database()))));
        cpu.put("cpu ms per request: load generator (" + generator + "), service run / floor run",
                Fmt.num(generatorMs(service)) + " / " + Fmt.num(generatorMs(floor)));
        cpu.put("cpu ms per request: Dialpad stub (" + stubName(service) + "), service run / floor run",
                Fmt.num(median(service, CpuUse.Window::stubPerRequestMs)) + " / "
                        + Fmt.num(median(floor, CpuUse.Window::stubPerRequestMs)));
        cpu.put("cores busy (service run): service / PostgreSQL / stub / generator",
                Fmt.num(median(service, w -> w.cores(w.service()))) + " / "
                        + Fmt.num(median(service, w -> w.cores(w.database()))) + " / "
                        + Fmt.num(median(service, w -> w.cores(w.stub()))) + " / "
                        + Fmt.num(median(service, w -> w.cores(w.generator()))));
        return cpu;
    }

    /** The generator's CPU per request, median over the runs. */
    static double generatorMs(List<CpuUse.Window> windows) {
        return median(windows, w -> w.perAnswerMs(w.generator()));
    }

    static String generatorName(List<CpuUse.Window> windows) {
        return !windows.isEmpty() && windows.get(0).externalGenerator() ? "wrk"
                : "Java, harness JVM less the stub's threads";
    }

    private static String stubName(List<CpuUse.Window> windows) {
        return !windows.isEmpty() && windows.get(0).externalGenerator() ? "the whole harness JVM" : "its threads";
    }

    /** One console line of CPU per answer: service, PostgreSQL, generator, stub. */
    static String cpuLine(CpuUse.Window w, String unit) {
        return String.format(Locale.ROOT, "cpu ms per %s: service %s, PostgreSQL %s | per request: generator %s, stub %s",
                unit, Fmt.num(w.perAnswerMs(w.service())), Fmt.num(w.perAnswerMs(w.database())),
                Fmt.num(w.perAnswerMs(w.generator())), Fmt.num(w.stubPerRequestMs()));
    }

    /** The harness measures the service, not itself: its generator must stay under 0.1 ms of CPU per request. */
    static Check generatorCheck(String scenario, List<CpuUse.Window> service, List<CpuUse.Window> floor) {
        List<CpuUse.Window> all = new ArrayList<>(service);
        all.addAll(floor);
        boolean wrk = !service.isEmpty() && service.get(0).externalGenerator();
        return Check.of(scenario, "load generator CPU per request (" + (wrk ? "wrk" : "Java") + ")",
                Harness.round(median(all, w -> w.perAnswerMs(w.generator()))), "ms", "<=",
                Targets.GENERATOR_MAX_CPU_MS_PER_REQUEST, generatorName(service) + "; service and floor runs");
    }

    static double median(List<CpuUse.Window> windows, ToDoubleFunction<CpuUse.Window> f) {
        double[] v = windows.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Notes on a click scenario's answers: fallbacks, transport errors, no 201 at all, reps clicked too often. */
    static List<String> clickNotes(Harness h, List<Stats> runs, Map<String, Long> actions, Map<String, Long> reasons) {
        List<String> notes = new ArrayList<>();
        if (mostlyFallbacks(actions)) {
            notes.add("Most answers were tel: fallbacks " + reasons + ": this run measures the fallback path, not "
                    + "the Dialpad path.");
        }
        long errors = runs.stream().mapToLong(Stats::transportErrors).sum();
        if (errors > 0) {
            notes.add(errors + " requests failed without an HTTP answer: " + Results.sum(runs.stream().map(Stats::statuses).toList()));
        }
        long dropped = runs.stream().mapToLong(Stats::dropped).sum();
        if (dropped > 0) {
            notes.add(dropped + " open-loop requests were not sent (over 20,000 in flight).");
        }
        if (runs.stream().allMatch(s -> s.statuses().getOrDefault("201", 0L) == 0)) {
            h.sanityFailed = true;
            notes.add("No 201 answers at all: the service is not working under this load.");
        }
        double perRepPerMinute = Results.Spread.of(runs, Stats::throughputPerSec).median() * 60 / h.config.reps;
        if (perRepPerMinute > Targets.REP_CALLS_PER_MINUTE) {
            notes.add(String.format(Locale.ROOT, "Each rep got %.1f calls/min (REPS=%d). The %d calls/min/rep budget "
                            + "turns the excess into fallbacks; REPS ≥ %d keeps every rep under it at this rate.",
                    perRepPerMinute, h.config.reps, Targets.REP_CALLS_PER_MINUTE,
                    (long) Math.ceil(perRepPerMinute * h.config.reps / Targets.REP_CALLS_PER_MINUTE)));
        }
        return notes;
    }

    static boolean mostlyFallbacks(Map<String, Long> actions) {
        long total = actions.values().stream().mapToLong(Long::longValue).sum();
        return total > 0 && actions.getOrDefault("dialpad", 0L) * 2 < total;
    }

    static String errors(Stats s) {
        return s.transportErrors() > 0 ? " | " + s.transportErrors() + " transport errors " + s.statuses() : "";
    }
}
