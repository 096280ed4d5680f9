package org.clicktocall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time used by the three parties of a run, read from /proc (Linux): the service JVM, every PostgreSQL process
 * on this machine (the embedded database, or a local external one), and this harness (stub + load generator).
 * A difference of two snapshots over a measured window gives CPU per answer, which is what a throughput figure on
 * shared cores is made of. On a machine without /proc every figure is NaN.
 */
record CpuUse(double serviceSeconds, double databaseSeconds, double harnessSeconds, long atNanos) {

    /** USER_HZ: /proc/PID/stat counts in these ticks; 100 on every mainstream Linux build. */
    private static final double TICKS_PER_SECOND = 100.0;

    static CpuUse now(long servicePid) {
        return new CpuUse(seconds(servicePid), postgresSeconds(), seconds(ProcessHandle.current().pid()), System.nanoTime());
    }

    /** What happened between {@code before} and this snapshot, per answer given in that window. */
    Window since(CpuUse before, long answers) {
        double wall = (atNanos - before.atNanos) / 1e9;
        return new Window(answers, wall, serviceSeconds - before.serviceSeconds,
                databaseSeconds - before.databaseSeconds, harnessSeconds - before.harnessSeconds);
    }

    record Window(long answers, double wallSeconds, double service, double database, double harness) {

        double perAnswerMs(double cpuSeconds) {
            return answers > 0 ? cpuSeconds * 1000.0 / answers : Double.NaN;
        }

        double cores(double cpuSeconds) {
            return wallSeconds > 0 ? cpuSeconds / wallSeconds : Double.NaN;
        }
    }

    private static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th, stime the 15th.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double postgresSeconds() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Path> pids = procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
            double total = 0;
            for (Path p : pids) {
                try {
                    String comm = Files.readString(p.resolve("comm")).trim();
                    if (comm.equals("postgres") || comm.equals("postmaster")) {
                        double s = seconds(Long.parseLong(p.getFileName().toString()));
                        total += Double.isNaN(s) ? 0 : s;
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
