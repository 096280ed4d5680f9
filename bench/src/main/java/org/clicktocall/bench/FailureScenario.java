package org.clicktocall.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;
import org.clicktocall.bench.LoadGenerator.Plan;
import org.clicktocall.bench.Results.Check;
import org.clicktocall.bench.Results.FailureRepeat;
import org.clicktocall.bench.Results.ProbeStats;
import org.clicktocall.bench.Results.ScenarioResult;
import org.clicktocall.bench.Results.Stats;

/**
 * hang and down: Dialpad stops answering (hang) or refuses connections (down) under a closed loop of CLIENTS
 * clicks, with a side probe of GETs beside it. Each repeat warms up with Dialpad fine, switches the stub, and is
 * split at the moment the breaker opened. Runs on the harness's Java generator (it needs each answer's time to
 * split the run); its CPU per request is measured and printed.
 */
final class FailureScenario {

    private final Harness h;

    FailureScenario(Harness h) {
        this.h = h;
    }

    ScenarioResult run(Scenario scenario) throws Exception {
        boolean hang = scenario.name().equals("hang");
        DialpadStub.Mode mode = hang ? DialpadStub.Mode.HANG : DialpadStub.Mode.REFUSE;
        // A hanging Dialpad is bounded by the response timeout; a refused connection by the connect timeout.
        double boundMs = (hang ? h.config.responseTimeoutMs : h.config.connectTimeoutMs) + Targets.FAILURE_BOUND_SLACK_MS;
        Plan plan = Plan.closed(h.config.clients);
        // The measurement must outlast the first timeouts, so the breaker has time to open and be measured open.
        Duration measure = Harness.seconds(h.config.durationS).plusMillis(hang ? h.config.responseTimeoutMs : 0);
        h.log("%s: %s; stub %s; %d × (warm-up %s s with Dialpad fine, then %s s with Dialpad %s), bound %s ms",
                scenario.name(), plan.describe(), mode.label(), h.config.repeats, Fmt.num(h.config.warmupS),
                Fmt.num(measure.toMillis() / 1000.0), hang ? "hanging" : "refusing connections", Fmt.num(boundMs));

        List<FailureRepeat> repeats = new ArrayList<>();
        List<Stats> allRuns = new ArrayList<>();
        List<CpuUse.Window> cpuWindows = new ArrayList<>();
        HttpClient probeClient = LoadGenerator.probeClient();
        for (int r = 1; r <= h.config.repeats; r++) {
            Long restartMs = null;
            if (h.breakerDirty) {
                h.ensureClosedBreaker();
                restartMs = h.service.lastStartMillis;
            }
            h.stub.setMode(DialpadStub.Mode.OK);
            h.stub.setLatencyMs(h.config.stubLatencyMs);
            h.underLoad = true;
            h.load.run(h::callRequest, plan, Harness.seconds(h.config.warmupS), Duration.ZERO, true, false, h::rememberCallId);
            h.stub.setMode(mode);
            h.breakerDirty = true;

            // Side probe: is the rest of the service responsive while clicks hit a failing Dialpad?
            String someCallId = h.pickCallId(0, UUID.randomUUID().toString());
            List<SideProbe.Target> targets = List.of(
                    new SideProbe.Target("health", k -> HttpRequest.newBuilder(
                            URI.create(h.serviceBase + "/actuator/health")).GET().build()),
                    new SideProbe.Target("get-call", k -> HttpRequest.newBuilder(
                            URI.create(h.serviceBase + "/calls/" + h.pickCallId(k, someCallId)))
                            .header("X-API-Key", h.crmKey).GET().build()));
            long probeEnd = System.nanoTime() + measure.toNanos();
            SideProbe probe = new SideProbe(probeClient, targets, h.config.probeRate,
                    probeEnd, Duration.ofSeconds(10), body -> body != null && body.contains("DEGRADED"));
            Thread probeThread = new Thread(probe, "side-probe");
            probeThread.setDaemon(true);
            probeThread.start();
            CpuUse before = CpuUse.now(h.service.pid(), h.stub);
            LoadGenerator.Outcome outcome = h.load.run(h::callRequest, plan, Duration.ZERO, measure, true, true, null);
            h.underLoad = false;
            CpuUse.Window cpu = CpuUse.now(h.service.pid(), h.stub).since(before, outcome.latency.getTotalCount(), Double.NaN);
            cpuWindows.add(cpu);
            probeThread.join(measure.toMillis() + 15_000);
            probeThread.interrupt();
            h.stub.setMode(DialpadStub.Mode.OK); // releases hanging exchanges

            FailureRepeat repeat = analyseFailure(outcome, probe, boundMs, restartMs, hang);
            repeats.add(repeat);
            allRuns.add(repeat.all());
            h.log("%s #%d  breaker open after %s ms; before it: %d answers, max %s ms (bound %s); after: %s/s p50 %s p99 %s max %s ms, %s | probes: %s",
                    scenario.name(), r, repeat.breakerOpenedAfterMs() == null ? "–" : Fmt.num(repeat.breakerOpenedAfterMs()),
                    repeat.transitionCount(), Fmt.num(repeat.transitionMaxMs()), Fmt.num(boundMs),
                    Fmt.num(repeat.fallback().throughputPerSec()), Fmt.num(repeat.fallback().p50Ms()),
                    Fmt.num(repeat.fallback().p99Ms()), Fmt.num(repeat.fallback().maxMs()),
                    Fmt.answers(repeat.fallback().actions(), repeat.fallback().reasons()),
                    repeat.probes().stream().map(p -> p.path() + " p99 " + Fmt.num(p.p99Ms()) + " ms " + p.statuses())
                            .collect(Collectors.joining("; ")));
            h.log("%s #%d  %s", scenario.name(), r, Figures.cpuLine(cpu, "click"));
        }

        List<Check> checks = new ArrayList<>();
        String name = scenario.name();
        checks.add(Check.of(name, "slowest answer before the breaker opened", Results.Spread.of(repeats,
                FailureRepeat::transitionMaxMs).median(), "ms", "<=", boundMs, null));
        checks.add(Check.of(name, "fallback p99 (breaker open)", Results.Spread.of(repeats,
                x -> x.fallback().p99Ms()).median(), "ms", "<=", Targets.FAILURE_MAX_FALLBACK_P99_MS, null));
        for (String probeName : List.of("health", "get-call")) {
            List<ProbeStats> ps = repeats.stream().flatMap(x -> x.probes().stream())
                    .filter(p -> p.name().equals(probeName)).toList();
            if (ps.isEmpty()) {
                continue;
            }
            Map<String, Long> statuses = Results.sum(ps.stream().map(ProbeStats::statuses).toList());
            checks.add(Check.of(name, ps.get(0).path() + " p99", Results.Spread.of(ps, ProbeStats::p99Ms).median(),
                    "ms", "<=", Targets.FAILURE_MAX_PROBE_P99_MS, "answered " + statuses));
        }
        checks.add(Figures.generatorCheck(name, cpuWindows, List.of()));
        List<String> notes = new ArrayList<>();
        if (repeats.stream().anyMatch(x -> x.breakerOpenedAfterMs() == null)) {
            notes.add("In at least one repeat no answer came back fast with reason dialpad_unavailable: the breaker "
                    + "was not seen to open.");
        }
        notes.add("Split: answers to clicks sent before the first fast dialpad_unavailable answer are \"before it\"; "
                + "clicks sent after it are the fallback figures (half-open trial calls after 30 s fall in there too).");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("load", plan.describe() + " (the harness's Java generator: it splits the run at the moment the breaker opened, which needs every answer's time)");
        settings.put("stub", mode.label());
        settings.put("warm-up (Dialpad fine)", Fmt.num(h.config.warmupS) + " s");
        settings.put("measured", Fmt.num(measure.toMillis() / 1000.0) + " s");
        settings.put("repeats", h.config.repeats);
        settings.put("bound", Fmt.num(boundMs) + " ms (" + (hang ? "DIALPAD_RESPONSE_TIMEOUT_MS" : "DIALPAD_CONNECT_TIMEOUT_MS") + " + 100)");
        settings.put("side probe", Fmt.num(h.config.probeRate) + " GET/s alternating /actuator/health and /calls/{id}");
        return new ScenarioResult(name, "ran", scenario.description(), settings, allRuns, List.of(),
                Results.summary(allRuns), Map.of(), Map.of(), Map.of(),
                Results.sum(allRuns.stream().map(Stats::actions).toList()),
                Results.sum(allRuns.stream().map(Stats::reasons).toList()), repeats, checks, notes,
                Figures.cpu(cpuWindows, List.of(), "click"));
    }


    /** Splits a failure run at the moment the breaker opened (the first fast dialpad_unavailable answer). */
    private FailureRepeat analyseFailure(LoadGenerator.Outcome outcome, SideProbe probe, double boundMs,
                                         Long restartMs, boolean hang) {
        long fastNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(1000, Math.max(50, h.config.responseTimeoutMs / 2)));
        List<LoadGenerator.Sample> samples = new ArrayList<>(outcome.samples);
        samples.sort(Comparator.comparingLong(LoadGenerator.Sample::startNanos));
        long openAt = samples.stream()
                .filter(s -> "dialpad_unavailable".equals(s.answer().reason()) && s.latencyNanos() < fastNanos)
                .mapToLong(s -> s.startNanos() + s.latencyNanos())
                .min().orElse(Long.MAX_VALUE);
        long boundNanos = (long) (boundMs * 1e6);
        long transitionCount = 0;
        long transitionMax = 0;
        long transitionOver = 0;
        long allOver = 0;
        Histogram fallback = new Histogram(1, LoadGenerator.HIGHEST_MICROS, 3);
        Map<String, Long> statuses = new TreeMap<>();
        Map<String, Long> actions = new TreeMap<>();
        Map<String, Long> reasons = new TreeMap<>();
        long errors = 0;
        for (LoadGenerator.Sample s : samples) {
            if (s.latencyNanos() > boundNanos) {
                allOver++;
            }
            if (s.startNanos() < openAt) {
                transitionCount++;
                transitionMax = Math.max(transitionMax, s.latencyNanos());
                if (s.latencyNanos() > boundNanos) {
                    transitionOver++;
                }
                continue;
            }
            fallback.recordValue(Math.min(LoadGenerator.HIGHEST_MICROS, Math.max(1, s.latencyNanos() / 1000)));
            statuses.merge(s.answer().outcomeKey(), 1L, Long::sum);
            if (s.answer().status() < 0) {
                errors++;
            }
            if (s.answer().action() != null) {
                actions.merge(s.answer().action(), 1L, Long::sum);
                reasons.merge(s.answer().action() + ":" + (s.answer().reason() == null ? "(none)" : s.answer().reason()),
                        1L, Long::sum);
            }
        }
        long end = outcome.measureStartNanos + outcome.measuredNanos;
        double fallbackSeconds = openAt == Long.MAX_VALUE ? 0 : Math.max(0, end - openAt) / 1e9;
        Stats fallbackStats = Stats.of(fallback, fallbackSeconds, errors, 0, statuses, actions, reasons);
        List<ProbeStats> probes = new ArrayList<>();
        probe.latency.forEach((name, hist) -> {
            Map<String, Long> st = new TreeMap<>();
            probe.statuses.get(name).forEach((k, v) -> st.put(k, v.sum()));
            long n = hist.getTotalCount();
            probes.add(new ProbeStats(name, name.equals("health") ? "GET /actuator/health" : "GET /calls/{id}", n,
                    n == 0 ? Double.NaN : hist.getValueAtPercentile(50) / 1000.0,
                    n == 0 ? Double.NaN : hist.getValueAtPercentile(99) / 1000.0,
                    n == 0 ? Double.NaN : hist.getMaxValue() / 1000.0, st));
        });
        probes.sort(Comparator.comparing(ProbeStats::name).reversed()); // health first
        Double openedAfter = openAt == Long.MAX_VALUE ? null : Harness.round((openAt - outcome.measureStartNanos) / 1e6);
        Double healthAfter = probe.healthFlagNanos == 0 ? null : Harness.round((probe.healthFlagNanos - outcome.measureStartNanos) / 1e6);
        return new FailureRepeat(restartMs, openedAfter, healthAfter, boundMs, transitionCount,
                transitionCount == 0 ? Double.NaN : Harness.round(transitionMax / 1e6), transitionOver, allOver, fallbackStats,
                Stats.of(outcome), probes);
    }

    // ----- events: Dialpad's call events ------------------------------------------------------------------------
}
