package org.clicktocall.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.clicktocall.bench.LoadGenerator.Plan;
import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.ScenarioResult;
import org.clicktocall.bench.Results.Stats;

/**
 * light: an open loop at RATE clicks/s (latency from the intended send, no coordinated omission) against the floor
 * at the same rate. wrk has no open loop, so this one stays on the harness's Java generator; at 100 requests/s its
 * CPU is small beside the service's, and it is measured and printed like wrk's.
 */
final class LightScenario {

    private final Harness h;

    LightScenario(Harness h) {
        this.h = h;
    }

    ScenarioResult run(Scenario scenario) throws Exception {
        h.stubOk();
        Config c = h.config;
        Plan plan = Plan.open(c.rate);
        Duration warmup = Harness.seconds(c.warmupS);
        Duration duration = Harness.seconds(c.durationS);
        h.log("%s: %s (Java generator), stub %d ms; warm-up %s s each for the floor and the service, then %d × (%s s floor + %s s service)",
                scenario.name(), plan.describe(), c.stubLatencyMs, Fmt.num(c.warmupS), c.repeats,
                Fmt.num(c.durationS), Fmt.num(c.durationS));

        h.load.run(h::floorRequest, plan, warmup, Duration.ZERO, false, false, null);
        h.underLoad = true;
        h.load.run(h::callRequest, plan, warmup, Duration.ZERO, true, false, h::rememberCallId);
        h.underLoad = false;

        List<Stats> floor = new ArrayList<>();
        List<Stats> serviceRuns = new ArrayList<>();
        List<CpuUse.Window> serviceCpu = new ArrayList<>();
        List<CpuUse.Window> floorCpu = new ArrayList<>();
        for (int r = 1; r <= c.repeats; r++) {
            CpuUse before = CpuUse.now(h.service.pid(), h.stub);
            Stats f = Stats.of(h.load.run(h::floorRequest, plan, Duration.ZERO, duration, false, false, null));
            CpuUse between = CpuUse.now(h.service.pid(), h.stub);
            h.underLoad = true;
            Stats s = Stats.of(h.load.run(h::callRequest, plan, Duration.ZERO, duration, true, false, h::rememberCallId));
            h.underLoad = false;
            floorCpu.add(between.since(before, f.count(), Double.NaN));
            CpuUse.Window sw = CpuUse.now(h.service.pid(), h.stub).since(between, s.count(), Double.NaN);
            serviceCpu.add(sw);
            floor.add(f);
            serviceRuns.add(s);
            h.log("%s #%d  floor %s/s p50 %s p99 %s ms | service %s/s p50 %s p99 %s max %s ms | %s%s | %s",
                    scenario.name(), r, Fmt.num(f.throughputPerSec()), Fmt.num(f.p50Ms()), Fmt.num(f.p99Ms()),
                    Fmt.num(s.throughputPerSec()), Fmt.num(s.p50Ms()), Fmt.num(s.p99Ms()), Fmt.num(s.maxMs()),
                    Fmt.answers(s.actions(), s.reasons()), Figures.errors(s), Figures.cpuLine(sw, "click"));
        }

        Figures.Comparison vs = Figures.Comparison.of(serviceRuns, floor);
        Map<String, Long> actions = Results.sum(serviceRuns.stream().map(Stats::actions).toList());
        Map<String, Long> reasons = Results.sum(serviceRuns.stream().map(Stats::reasons).toList());
        List<String> notes = Figures.clickNotes(h, serviceRuns, actions, reasons);
        String mix = Figures.mostlyFallbacks(actions) ? "mostly tel: fallbacks" : null;
        List<Check> checks = new ArrayList<>();
        checks.add(Check.of("light", "added p50", vs.difference().get("p50"), "ms", "<=", Targets.LIGHT_MAX_ADDED_P50_MS, mix));
        checks.add(Check.of("light", "added p99", vs.difference().get("p99"), "ms", "<=", Targets.LIGHT_MAX_ADDED_P99_MS, mix));
        checks.add(Figures.generatorCheck("light", serviceCpu, floorCpu));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", plan.describe() + " (the harness's Java generator)");
        settings.put("stub", "ok, " + c.stubLatencyMs + " ms");
        settings.put("warm-up", Fmt.num(c.warmupS) + " s");
        settings.put("duration", Fmt.num(c.durationS) + " s");
        settings.put("repeats", c.repeats);
        settings.put("reps", c.reps);
        return new ScenarioResult(scenario.name(), "ran", scenario.description(), settings, serviceRuns, floor,
                vs.service(), vs.floor(), vs.difference(), vs.ratio(), actions, reasons, null, checks, notes,
                Figures.cpu(serviceCpu, floorCpu, "click"));
    }
}
