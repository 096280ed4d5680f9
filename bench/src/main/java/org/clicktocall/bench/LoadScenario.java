package org.clicktocall.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.ScenarioResult;
import org.clicktocall.bench.Results.Stats;

/**
 * happy and capacity: a closed loop of POST /calls from wrk with N connections, Dialpad answering in
 * STUB_LATENCY_MS, against the floor (the same wrk load straight to the stub), interleaved repeat by repeat.
 * Around every run the harness reads the CPU of the service JVM, PostgreSQL, the stub (this JVM) and wrk.
 */
final class LoadScenario {

    private final Harness h;

    LoadScenario(Harness h) {
        this.h = h;
    }

    /**
     * The scenario's result; in an A/B run (--compare-*) also the second service's, measured against the same floor
     * runs, the two services in alternating order from repeat to repeat.
     */
    List<ScenarioResult> run(Scenario scenario) throws Exception {
        h.stubOk();
        Config c = h.config;
        boolean capacity = scenario.name().equals("capacity");
        int clients = capacity ? c.capacityClients : c.clients;
        Duration warmup = Harness.seconds(c.warmupS);
        Duration duration = Harness.seconds(c.durationS);
        Target floorTarget = new Target("floor", true, h.stub.baseUrl(), h.service.pid(), false);
        Target first = new Target("service", false, h.serviceBase, h.service.pid(), true);
        Target second = h.compareService == null ? null
                : new Target(c.compare.label(), false, h.compareBase, h.compareService.pid(), false);
        h.log("%s: wrk, closed loop, %d connections, stub %d ms; warm-up %s s each for the floor and the service%s, "
                        + "then %d × (%s s floor + %s s service%s)", scenario.name(), clients, c.stubLatencyMs,
                Fmt.num(c.warmupS), second == null ? "" : " and " + second.name, c.repeats, Fmt.num(c.durationS),
                Fmt.num(c.durationS), second == null ? "" : " + " + Fmt.num(c.durationS) + " s " + second.name
                        + ", the two services in alternating order");

        // Warm every path (JIT of stub and services; connection pools) before anything is recorded.
        measure(floorTarget, clients, warmup);
        measure(first, clients, warmup);
        if (second != null) {
            measure(second, clients, warmup);
        }

        Side floor = new Side();
        Side a = new Side();
        Side b = new Side();
        for (int r = 1; r <= c.repeats; r++) {
            // Interleaved, so slow drift on a shared machine affects every side alike.
            floor.add(measure(floorTarget, clients, duration));
            List<Target> order = second == null ? List.of(first) : r % 2 == 1 ? List.of(first, second) : List.of(second, first);
            for (Target t : order) {
                (t == first ? a : b).add(measure(t, clients, duration));
            }
            Measured f = floor.last();
            log(scenario, r, first, a.last(), f);
            if (second != null) {
                log(scenario, r, second, b.last(), f);
                h.log("%s #%d  %s ÷ service: clicks/s ×%s, service CPU per click %s ms vs %s ms (%s first)",
                        scenario.name(), r, second.name,
                        ratio(b.last().run.stats(), a.last().run.stats()), Fmt.num(b.last().perClickMs()),
                        Fmt.num(a.last().perClickMs()), order.get(0).name);
            }
            h.log("%s #%d  floor run: generator (wrk) %s ms CPU per request, stub %s ms", scenario.name(), r,
                    Fmt.num(f.cpu.perAnswerMs(f.cpu.generator())), Fmt.num(f.cpu.stubPerRequestMs()));
        }

        List<ScenarioResult> results = new ArrayList<>();
        results.add(result(scenario.name(), scenario.description(), capacity, clients, a, floor, null));
        if (second != null) {
            List<String> perRepeat = new ArrayList<>();
            for (int i = 0; i < b.runs.size(); i++) {
                perRepeat.add(String.format(java.util.Locale.ROOT, "#%d ×%s (%s vs %s ms CPU per click)", i + 1,
                        ratio(b.runs.get(i).run.stats(), a.runs.get(i).run.stats()),
                        Fmt.num(b.runs.get(i).perClickMs()), Fmt.num(a.runs.get(i).perClickMs())));
            }
            String vsFirst = second.name + "'s clicks/s ÷ the first service's, repeat by repeat: " + String.join(", ", perRepeat);
            results.add(result(scenario.name() + " (" + second.name + ")", scenario.description()
                    + " Second service of an A/B run (" + second.name + "): the same floor runs; the two services took "
                    + "turns going first.", capacity, clients, b, floor, vsFirst));
        }
        return results;
    }

    private ScenarioResult result(String name, String description, boolean capacity, int clients,
                                  Side side, Side floorSide, String extraNote) {
        Config c = h.config;
        List<Stats> serviceRuns = side.stats();
        List<Stats> floor = floorSide.stats();
        List<CpuUse.Window> serviceCpu = side.cpu();
        List<CpuUse.Window> floorCpu = floorSide.cpu();
        Figures.Comparison vs = Figures.Comparison.of(serviceRuns, floor);
        Map<String, Long> actions = Results.sum(serviceRuns.stream().map(Stats::actions).toList());
        Map<String, Long> reasons = Results.sum(serviceRuns.stream().map(Stats::reasons).toList());
        List<String> notes = new ArrayList<>(Figures.clickNotes(h, serviceRuns, actions, reasons));
        if (extraNote != null) {
            notes.add(extraNote);
        }
        long clicks = serviceRuns.stream().mapToLong(Stats::count).sum();
        long atStub = serviceCpu.stream().mapToLong(CpuUse.Window::stubRequests).sum();
        double dialpadShare = clicks == 0 ? Double.NaN : 100.0 * actions.getOrDefault("dialpad", 0L) / clicks;
        double serviceCpuMs = Figures.median(serviceCpu, w -> w.perAnswerMs(w.service()));

        List<Check> checks = new ArrayList<>();
        String mix = Figures.mostlyFallbacks(actions) ? "mostly tel: fallbacks" : null;
        if (capacity) {
            checks.add(Check.of(name, "clicks answered action=dialpad", Harness.round(dialpadShare), "%", ">=",
                    Targets.CAPACITY_MIN_DIALPAD_SHARE_PCT, atStub + " requests reached the stub for " + clicks + " clicks"));
        } else {
            checks.add(Check.of(name, "clicks/s ÷ the floor's", vs.ratio().get("throughput"), "×", ">=",
                    Targets.HAPPY_MIN_RATIO_TO_FLOOR, Fmt.num(vs.service().get("throughput").median()) + " vs "
                            + Fmt.num(vs.floor().get("throughput").median()) + " clicks/s" + (mix == null ? "" : "; " + mix)));
            checks.add(Check.of(name, "p99 service − floor", vs.difference().get("p99"), "ms", "<=",
                    Targets.HAPPY_MAX_ADDED_P99_MS, mix));
        }
        checks.add(Check.of(name, "service JVM CPU per click", Harness.round(serviceCpuMs), "ms", "<=",
                Targets.MAX_SERVICE_CPU_MS_PER_CLICK, mix));
        checks.add(Figures.generatorCheck(name, serviceCpu, floorCpu));

        Map<String, Object> details = new LinkedHashMap<>(Figures.cpu(serviceCpu, floorCpu, "click"));
        details.put("clicks answered action=dialpad", Fmt.pct(actions.getOrDefault("dialpad", 0L), clicks)
                + " of " + clicks);
        details.put("clicks that reached the stub (requests it served ÷ clicks answered)", Fmt.pct(atStub, clicks));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", "wrk, closed loop, " + clients + " connections, " + Math.min(c.wrkThreads, clients) + " threads");
        settings.put("stub", "ok, " + c.stubLatencyMs + " ms");
        settings.put("warm-up", Fmt.num(c.warmupS) + " s");
        settings.put("duration", Fmt.num(c.durationS) + " s");
        settings.put("repeats", c.repeats);
        settings.put("reps", c.reps);
        return new ScenarioResult(name, "ran", description, settings, serviceRuns, floor,
                vs.service(), vs.floor(), vs.difference(), vs.ratio(), actions, reasons, null, checks, notes, details);
    }

    private void log(Scenario scenario, int r, Target t, Measured s, Measured f) {
        Stats st = s.run.stats();
        h.log("%s #%d  floor %s/s p50 %s p99 %s ms | %s %s/s p50 %s p99 %s max %s ms (×%s) | %s; reached the "
                        + "stub %s%s | %s", scenario.name(), r,
                Fmt.num(f.run.stats().throughputPerSec()), Fmt.num(f.run.stats().p50Ms()), Fmt.num(f.run.stats().p99Ms()),
                t.name, Fmt.num(st.throughputPerSec()), Fmt.num(st.p50Ms()), Fmt.num(st.p99Ms()), Fmt.num(st.maxMs()),
                ratio(st, f.run.stats()), Fmt.answers(st.actions(), st.reasons()),
                Fmt.pct(s.cpu.stubRequests(), st.count()), Figures.errors(st), Figures.cpuLine(s.cpu, "click"));
    }

    /** Where one wrk run goes: the stub (the floor) or a service; {@code pid}: the service whose CPU is read. */
    private record Target(String name, boolean floor, String baseUrl, long pid, boolean sampledForMemory) {
    }

    /** One measured run and the CPU every party spent in it. */
    private record Measured(Wrk.Run run, CpuUse.Window cpu) {
        double perClickMs() {
            return cpu.perAnswerMs(cpu.service());
        }
    }

    /** The measured runs of one side (the floor, or a service), in repeat order. */
    private static final class Side {
        final List<Measured> runs = new ArrayList<>();

        void add(Measured m) {
            runs.add(m);
        }

        Measured last() {
            return runs.get(runs.size() - 1);
        }

        List<Stats> stats() {
            return runs.stream().map(m -> m.run.stats()).toList();
        }

        List<CpuUse.Window> cpu() {
            return runs.stream().map(Measured::cpu).toList();
        }
    }

    /** One wrk run against {@code t}, with the CPU snapshots around it; the memory sampler watches the first service. */
    private Measured measure(Target t, int clients, Duration duration) throws Exception {
        CpuUse before = CpuUse.now(t.pid(), h.stub);
        h.underLoad = t.sampledForMemory();
        Wrk.Run run;
        try {
            run = wrk(t, clients, duration);
        } finally {
            h.underLoad = false;
        }
        CpuUse after = CpuUse.now(t.pid(), h.stub);
        return new Measured(run, after.since(before, run.stats().count(), run.cpuSeconds()));
    }

    /** One wrk run, numbered after every click sent so far (wrk reports how far it went). */
    private Wrk.Run wrk(Target t, int clients, Duration duration) throws Exception {
        long base = h.callSequence.get();
        Wrk.Run run = h.wrk.run(t.floor() ? "floor" : "service", t.baseUrl(), t.floor() ? null : h.crmKey, clients,
                duration, base, h.config.reps);
        h.callSequence.addAndGet(run.sentMax() + 1);
        return run;
    }

    /** {@code service}'s clicks/s ÷ {@code base}'s (the floor's, or the first service's in an A/B run). */
    private static String ratio(Stats service, Stats base) {
        return base.throughputPerSec() > 0 ? Fmt.num(service.throughputPerSec() / base.throughputPerSec()) : "–";
    }
}
