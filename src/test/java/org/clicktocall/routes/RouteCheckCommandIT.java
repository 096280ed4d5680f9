package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check the team runs on a branch, without a test build and without starting the service:
 * {@code java -jar target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar --check-routes=routes/}.
 */
class RouteCheckCommandIT {

    @TempDir
    Path folder;

    @Test
    void theProjectsRoutesPassAndTheCommandSaysSo() throws Exception {
        Run run = checkRoutes(Path.of("routes").toAbsolutePath());
        System.out.println(run.output());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("route file\\(s\\) checked in \\d+ ms, 0 problem\\(s\\)");
        assertThat(run.output()).doesNotContain("Started ClickToCallApplication");
    }

    @Test
    void aBrokenFileFailsTheCommandWithItsFileAndLine() throws Exception {
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path source : files.toList()) {
                Path target = folder.resolve(Path.of("routes").relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path file = folder.resolve("calls-read.yaml");
        Files.writeString(file, Files.readString(file).replaceFirst("pattern: ", "patern: "));
        int line = lineOf(file, "patern:");

        Run run = checkRoutes(folder);

        System.out.println(run.output());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains(file + ":" + line + ": unknown key 'patern'");
        assertThat(run.output()).contains("1 problem(s)");
    }

    private record Run(int exitCode, String output) {
    }

    private Run checkRoutes(Path routes) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("app.jar")).toAbsolutePath();
        Path log = Files.createTempFile("route-check", ".log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--check-routes=" + routes)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the check ends by itself").isTrue();
        return new Run(process.exitValue(), Files.readString(log));
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
