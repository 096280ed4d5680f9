package org.clicktocall.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service under test as a child process: the packaged jar, started from an empty working directory (so it
 * uses the routes and configuration inside the jar, not a developer's ./routes), with its own data folder and
 * secrets. Records how long it takes to be ready and its resident memory.
 */
final class ServiceProcess implements AutoCloseable {

    static final String READY_LINE = "Started ClickToCallApplication";

    private final Launch launch;
    private final Path workDir;
    private final Path dataDir;
    private final List<String> jvmFlags;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int starts;

    /** Start-to-ready of the last start, in milliseconds (wall clock from exec to the ready log line). */
    long lastStartMillis;
    /** The application's own figure from the ready line ("Started ... in X seconds"), or -1. */
    double lastReportedStartSeconds = -1;

    ServiceProcess(Launch launch, Path workDir, Path dataDir, List<String> jvmFlags, Map<String, String> env) {
        this.launch = launch;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.jvmFlags = jvmFlags;
        this.env = env;
        this.log = workDir.resolve("service.log");
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the service and waits (bounded) for its ready line. */
    void start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Map<String, String> processEnv = new java.util.HashMap<>(env);
        List<String> command = launch.command(jvmFlags, processEnv);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(processEnv);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long logOffset = Files.exists(log) ? Files.size(log) : 0;
        starts++;
        long t0 = System.nanoTime();
        process = builder.start();
        long deadline = t0 + timeout.toNanos();
        LogFollower follower = new LogFollower(logOffset);
        String line;
        while ((line = follower.findLine()) == null) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with code " + process.exitValue()
                        + " before it was ready; last lines of " + log + ":\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The service was not ready within " + timeout.toSeconds()
                        + " s; last lines of " + log + ":\n" + tail(40));
            }
            Thread.sleep(20);
        }
        lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("in ([0-9.]+) seconds").matcher(line);
        lastReportedStartSeconds = m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    int starts() {
        return starts;
    }

    /**
     * Finds the ready line in the log as it grows, reading each byte once: the poll runs every 20 ms on the cores
     * the starting service needs, so it must not re-read the whole log each time.
     */
    private final class LogFollower {
        private long position;
        private String partial = "";

        LogFollower(long offset) {
            this.position = offset;
        }

        /** The ready line, if it has appeared since the last call. */
        String findLine() throws IOException {
            if (!Files.exists(log)) {
                return null;
            }
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long length = file.length();
                if (length <= position) {
                    return null;
                }
                file.seek(position);
                byte[] bytes = new byte[(int) Math.min(length - position, 1024 * 1024)];
                file.readFully(bytes);
                position += bytes.length;
                String text = partial + new String(bytes, StandardCharsets.UTF_8);
                int lastNewline = text.lastIndexOf('\n');
                partial = text.substring(lastNewline + 1);   // an unfinished line waits for the rest
                for (String line : text.substring(0, lastNewline + 1).split("\n")) {
                    if (line.contains(READY_LINE)) {
                        return line;
                    }
                }
                return null;
            }
        }
    }

    /** Group 1 of the last log line matching {@code pattern}, or null. */
    String lastMatchInLog(java.util.regex.Pattern pattern) {
        try {
            String found = null;
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                java.util.regex.Matcher m = pattern.matcher(line);
                if (m.find()) {
                    found = m.group(1);
                }
            }
            return found;
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Resident memory of the service JVM in MiB, from /proc/PID/status (VmRSS; VmHWM is the peak). */
    Memory memory() {
        if (!isAlive()) {
            return new Memory(-1, -1);
        }
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            return new Memory(rss / 1024.0, hwm / 1024.0);
        } catch (IOException | RuntimeException e) {
            return new Memory(-1, -1); // not Linux, or the process just ended
        }
    }

    record Memory(double rssMiB, double peakMiB) {
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Stops the service gracefully (SIGTERM, so it stops its embedded PostgreSQL), forcibly after 30 s. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println("  the service did not stop within 30 s; killing pid " + process.pid());
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        stopOrphanedPostgres();
    }

    /**
     * The embedded PostgreSQL is started by the service but is not its child (it is re-parented), so a killed
     * service leaves it running. Its postmaster.pid in our own data folder names it; stop only that process, and
     * only when its command line still points at our data folder.
     */
    private void stopOrphanedPostgres() throws InterruptedException {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
            if (!Files.exists(cmdline)
                    || !new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(dataDir.resolve("postgres").toString())) {
                return;
            }
            ProcessHandle.of(pid).ifPresent(handle -> {
                System.err.println("  stopping the embedded PostgreSQL left running (pid " + pid + ")");
                handle.destroy();
                handle.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> null).join();
            });
        } catch (IOException | RuntimeException e) {
            System.err.println("  could not check for a leftover PostgreSQL: " + e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
