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

    ScenarioResult run(Scenario scenario) throws Exception {
        h.stubOk();
        Config c = h.config;
        boolean capacity = scenario.name().equals("capacity");
        int clients = capacity ? c.capacityClients : c.clients;
        Duration warmup = Harness.seconds(c.warmupS);
        Duration duration = Harness.seconds(c.durationS);
        h.log("%s: wrk, closed loop, %d connections, stub %d ms; warm-up %s s each for the floor and the service, "
                        + "then %d × (%s s floor + %s s service)", scenario.name(), clients, c.stubLatencyMs,
                Fmt.num(c.warmupS), c.repeats, Fmt.num(c.durationS), Fmt.num(c.durationS));

        // Warm both paths (JIT of stub and service; connection pools) before anything is recorded.
        wrk("floor", clients, warmup);
        h.underLoad = true;
        wrk("service", clients, warmup);
        h.underLoad = false;

        List<Stats> floor = new ArrayList<>();
        List<Stats> serviceRuns = new ArrayList<>();
        List<CpuUse.Window> serviceCpu = new ArrayList<>();
        List<CpuUse.Window> floorCpu = new ArrayList<>();
        for (int r = 1; r <= c.repeats; r++) {
            // Interleaved, so slow drift on a shared machine affects both sides alike.
            CpuUse before = CpuUse.now(h.service.pid(), h.stub);
            Wrk.Run f = wrk("floor", clients, duration);
            CpuUse between = CpuUse.now(h.service.pid(), h.stub);
            h.underLoad = true;
            Wrk.Run s = wrk("service", clients, duration);
            h.underLoad = false;
            CpuUse after = CpuUse.now(h.service.pid(), h.stub);
            CpuUse.Window fw = between.since(before, f.stats().count(), f.cpuSeconds());
            CpuUse.Window sw = after.since(between, s.stats().count(), s.cpuSeconds());
            floorCpu.add(fw);
            serviceCpu.add(sw);
            floor.add(f.stats());
            serviceRuns.add(s.stats());
            h.log("%s #%d  floor %s/s p50 %s p99 %s ms | service %s/s p50 %s p99 %s max %s ms (×%s) | %s; reached the "
                            + "stub %s%s | %s", scenario.name(), r,
                    Fmt.num(f.stats().throughputPerSec()), Fmt.num(f.stats().p50Ms()), Fmt.num(f.stats().p99Ms()),
                    Fmt.num(s.stats().throughputPerSec()), Fmt.num(s.stats().p50Ms()), Fmt.num(s.stats().p99Ms()),
                    Fmt.num(s.stats().maxMs()), ratio(s.stats(), f.stats()),
                    Fmt.answers(s.stats().actions(), s.stats().reasons()), Fmt.pct(sw.stubRequests(), s.stats().count()),
                    Figures.errors(s.stats()), Figures.cpuLine(sw, "click"));
            h.log("%s #%d  floor run: generator (wrk) %s ms CPU per request, stub %s ms", scenario.name(), r,
                    Fmt.num(fw.perAnswerMs(fw.generator())), Fmt.num(fw.stubPerRequestMs()));
        }

        Figures.Comparison vs = Figures.Comparison.of(serviceRuns, floor);
        Map<String, Long> actions = Results.sum(serviceRuns.stream().map(Stats::actions).toList());
        Map<String, Long> reasons = Results.sum(serviceRuns.stream().map(Stats::reasons).toList());
        List<String> notes = Figures.clickNotes(h, serviceRuns, actions, reasons);
        long clicks = serviceRuns.stream().mapToLong(Stats::count).sum();
        long atStub = serviceCpu.stream().mapToLong(CpuUse.Window::stubRequests).sum();
        double dialpadShare = clicks == 0 ? Double.NaN : 100.0 * actions.getOrDefault("dialpad", 0L) / clicks;
        double serviceCpuMs = Figures.median(serviceCpu, w -> w.perAnswerMs(w.service()));

        List<Check> checks = new ArrayList<>();
        String mix = Figures.mostlyFallbacks(actions) ? "mostly tel: fallbacks" : null;
        if (capacity) {
            checks.add(Check.of(scenario.name(), "clicks answered action=dialpad", Harness.round(dialpadShare), "%", ">=",
                    Targets.CAPACITY_MIN_DIALPAD_SHARE_PCT, atStub + " requests reached the stub for " + clicks + " clicks"));
        } else {
            checks.add(Check.of(scenario.name(), "clicks/s ÷ the floor's", vs.ratio().get("throughput"), "×", ">=",
                    Targets.HAPPY_MIN_RATIO_TO_FLOOR, Fmt.num(vs.service().get("throughput").median()) + " vs "
                            + Fmt.num(vs.floor().get("throughput").median()) + " clicks/s" + (mix == null ? "" : "; " + mix)));
            checks.add(Check.of(scenario.name(), "p99 service − floor", vs.difference().get("p99"), "ms", "<=",
                    Targets.HAPPY_MAX_ADDED_P99_MS, mix));
        }
        checks.add(Check.of(scenario.name(), "service JVM CPU per click", Harness.round(serviceCpuMs), "ms", "<=",
                Targets.MAX_SERVICE_CPU_MS_PER_CLICK, mix));
        checks.add(Figures.generatorCheck(scenario.name(), serviceCpu, floorCpu));

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
        return new ScenarioResult(scenario.name(), "ran", scenario.description(), settings, serviceRuns, floor,
                vs.service(), vs.floor(), vs.difference(), vs.ratio(), actions, reasons, null, checks, notes, details);
    }

    /** One wrk run, numbered after every click sent so far (wrk reports how far it went). */
    private Wrk.Run wrk(String mode, int clients, Duration duration) throws Exception {
        boolean floor = mode.equals("floor");
        long base = h.callSequence.get();
        Wrk.Run run = h.wrk.run(mode, floor ? h.stub.baseUrl() : h.serviceBase, floor ? null : h.crmKey, clients,
                duration, base, h.config.reps);
        h.callSequence.addAndGet(run.sentMax() + 1);
        return run;
    }

    private static String ratio(Stats service, Stats floor) {
        return floor.throughputPerSec() > 0 ? Fmt.num(service.throughputPerSec() / floor.throughputPerSec()) : "–";
    }
}
