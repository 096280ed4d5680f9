package org.clicktocall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the service JVM is started: the fat jar as Maven builds it, or the production launch README describes (the
 * jar extracted with Spring Boot's jarmode tools and a class-data-sharing archive recorded by one training start).
 */
record Launch(String label, List<String> args, double prepareSeconds) {

    static Launch fatJar(Path jar) {
        return new Launch("java -jar (the fat jar as built)", List.of("-jar", jar.toString()), 0);
    }

    /**
     * Extracts the jar into {@code dir}, then starts it once with {@code -XX:ArchiveClassesAtExit} until its
     * context is refreshed ({@code -Dspring.context.exit=onRefresh}, its own throwaway data folder and port), which
     * records the classes it loaded. Later starts map that archive instead of loading and verifying each class.
     */
    static Launch cds(Path jar, Path dir, List<String> jvmFlags, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path app = dir.resolve("app");
        Path archive = dir.resolve("app.jsa");
        Files.createDirectories(dir);
        run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", app.toString()),
                dir, Map.of(), dir.resolve("extract.log"), timeout);
        Path appJar = app.resolve(jar.getFileName());
        List<String> training = new ArrayList<>();
        training.add(java());
        training.addAll(jvmFlags);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        training.add("-Dspring.context.exit=onRefresh");
        training.add("-jar");
        training.add(appJar.toString());
        Map<String, String> trainingEnv = new java.util.HashMap<>(env);
        trainingEnv.put("APP_DATA_DIR", dir.resolve("training-data").toString());
        trainingEnv.put("SERVER_PORT", "0");
        run(training, dir, trainingEnv, dir.resolve("training.log"), timeout);
        if (!Files.exists(archive)) {
            throw new IllegalStateException("The training start wrote no class-data archive; see " + dir.resolve("training.log"));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Launch("extracted jar + class-data-sharing archive (README's production launch)",
                List.of("-XX:SharedArchiveFile=" + archive, "-jar", appJar.toString()), seconds);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void run(List<String> command, Path dir, Map<String, String> env, Path log, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Timed out: " + String.join(" ", command) + "; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Exit " + process.exitValue() + ": " + String.join(" ", command) + "; see " + log);
        }
    }
}
