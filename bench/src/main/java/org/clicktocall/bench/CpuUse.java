package org.clicktocall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time used by the parties of a run, read from /proc (Linux): the service JVM, every PostgreSQL process on this
 * machine (the embedded database, or a local external one), this harness JVM, and within it the Dialpad stub's own
 * threads. A difference of two snapshots over a measured window gives CPU per answer, which is what a throughput
 * figure on shared cores is made of. On a machine without /proc every figure is NaN.
 */
record CpuUse(double serviceSeconds, double databaseSeconds, double harnessSeconds, double stubThreadSeconds,
              long stubRequests, long atNanos) {

    /** USER_HZ: /proc/PID/stat counts in these ticks; 100 on every mainstream Linux build. */
    static final double TICKS_PER_SECOND = 100.0;

    static CpuUse now(long servicePid, DialpadStub stub) {
        return new CpuUse(seconds(servicePid), postgresSeconds(), seconds(ProcessHandle.current().pid()),
                stub.threadCpuSeconds(), stub.requests(), System.nanoTime());
    }

    /**
     * What happened between {@code before} and this snapshot. {@code generatorSeconds} is the CPU of a load
     * generator in its own process (wrk, measured by itself); NaN when the generator ran in this harness JVM, whose
     * CPU less the stub's threads is then the generator's.
     */
    Window since(CpuUse before, long answers, double generatorSeconds) {
        double wall = (atNanos - before.atNanos) / 1e9;
        double harness = harnessSeconds - before.harnessSeconds;
        double stubThreads = stubThreadSeconds - before.stubThreadSeconds;
        boolean external = !Double.isNaN(generatorSeconds);
        // With wrk outside, the harness JVM does nothing but the stub (and a 4 Hz RSS sampler): count all of it,
        // its GC and JIT included, as the stub's. With the Java generator inside, only the stub's threads are.
        double stub = external ? harness : stubThreads;
        double generator = external ? generatorSeconds : harness - stubThreads;
        return new Window(answers, stubRequests - before.stubRequests, wall, serviceSeconds - before.serviceSeconds,
                databaseSeconds - before.databaseSeconds, stub, generator, external);
    }

    /** CPU seconds per party over one measured run; {@code answers}: answers the generator got. */
    record Window(long answers, long stubRequests, double wallSeconds, double service, double database, double stub,
                  double generator, boolean externalGenerator) {

        double perAnswerMs(double cpuSeconds) {
            return answers > 0 ? cpuSeconds * 1000.0 / answers : Double.NaN;
        }

        /** The stub's CPU per request it served (the service's clicks reach it only when Dialpad is asked). */
        double stubPerRequestMs() {
            return stubRequests > 0 ? stub * 1000.0 / stubRequests : Double.NaN;
        }

        double cores(double cpuSeconds) {
            return wallSeconds > 0 ? cpuSeconds / wallSeconds : Double.NaN;
        }
    }

    /** utime + stime of a process (all its threads, ended ones included), in seconds; NaN when unreadable. */
    static double seconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime from the text of /proc/PID/stat. */
    static long ticks(String stat) {
        // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th, stime the 15th.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** As {@link #ticks}, plus cutime + cstime (16th, 17th): the CPU of its children that ended and were reaped. */
    static long ticksWithEndedChildren(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    private static double postgresSeconds() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Path> pids = procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
            double total = 0;
            for (Path p : pids) {
                try {
                    String comm = Files.readString(p.resolve("comm")).trim();
                    if (comm.equals("postgres") || comm.equals("postmaster")) {
                        // A backend that ends (a pool retiring a connection, an autovacuum worker) takes its CPU
                        // out of the sum of live processes; the postmaster reaps it, so its CPU moves into the
                        // postmaster's cutime/cstime, and the total stays a running sum (it was negative across a
                        // window in which a busy backend ended).
                        total += ticksWithEndedChildren(Files.readString(p.resolve("stat"))) / TICKS_PER_SECOND;
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended between the listing and the read
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
