package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, started the way operations start it but from an unrelated working directory: it must find
 * its routes and configuration inside itself, start the embedded database, and take a call.
 */
class PackagedJarIT {

    private static final String KEY = "jar-test-crm-key-0123456789";
    private static final String ADMIN_KEY = "jar-test-admin-key-0123456789";

    @TempDir
    Path workingDirectory;

    @Test
    void startsFromAnotherWorkingDirectoryAndTakesACall() throws Exception {
        Path jar = Path.of(System.getProperty("app.jar")).toAbsolutePath();
        startAndTakeACall(new ProcessBuilder(javaBinary(), "-jar", jar.toString()));
    }

    /**
     * README's production launch is the one command the build produced: target/app/click-to-call. With
     * {@code -Xshare:on} the JVM refuses to start unless it maps the class-data archive the build recorded, so a
     * build that shipped a stale or missing archive fails here rather than silently starting slower. The archive
     * must cover the whole start, not only Spring's context refresh: the classes that load Camel's routes and start
     * Tomcat's connector come from it too, not from the jars.
     */
    @Test
    void theBuiltProductionLaunchStartsWithItsClassDataArchiveAndTakesACall() throws Exception {
        Path launch = Path.of(System.getProperty("app.launch")).toAbsolutePath();
        assertThat(launch).isExecutable();
        assertThat(launch.resolveSibling("app.jsa")).exists();
        Path classLog = workingDirectory.resolve("classes.log");
        ProcessBuilder builder = new ProcessBuilder(launch.toString());
        builder.environment().put("JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classLog);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        startAndTakeACall(builder);

        List<String> loaded = Files.readAllLines(classLog);
        for (String started : List.of("org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader",
                "org.apache.tomcat.util.net.NioEndpoint$Poller")) {
            assertThat(loaded).as("where %s was loaded from", started)
                    .anyMatch(line -> line.contains(" " + started + " source: shared objects file"));
        }
    }

    /**
     * Operations copy the folder to the host: another path, new file times. The JVM ignores an archive recorded with
     * other jars (and would start about twice as slowly), so the first start there records one as it stops, and
     * the next start uses it.
     */
    @Test
    void aCopyOfTheFolderElsewhereRecordsItsOwnArchiveOnItsFirstStartAndUsesItFromTheNext() throws Exception {
        Path built = Path.of(System.getProperty("app.launch")).toAbsolutePath().getParent();
        Path copy = workingDirectory.resolve("copied-app");
        try (Stream<Path> files = Files.walk(built)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, copy.resolve(built.relativize(file).toString()));   // new file times
            }
        }
        Path launch = copy.resolve("click-to-call");
        assertThat(launch.toFile().setExecutable(true)).isTrue();

        ProcessBuilder first = new ProcessBuilder(launch.toString());
        first.environment().put("JAVA_HOME", System.getProperty("java.home"));
        first.environment().remove("JAVA_OPTS");
        String firstLog = startAndTakeACall(first);   // stopped with SIGTERM: it writes its archive as it exits
        assertThat(firstLog).contains("this start records one as it stops");
        assertThat(archives(copy)).singleElement().asString().startsWith("app.jsa.recorded-");

        ProcessBuilder second = new ProcessBuilder(launch.toString());
        second.environment().put("JAVA_HOME", System.getProperty("java.home"));
        second.environment().put("JAVA_OPTS", "-Xshare:on");   // refuses to start unless it maps an archive
        startAndTakeACall(second);
        assertThat(archives(copy)).containsExactly("app.jsa");
    }

    /**
     * A stop while a click waits for Dialpad, on the embedded database: the stop lets the click finish, and the click
     * is answered and logged. The database must stop after the service, not beside it (the embedded PostgreSQL's
     * own shutdown hook stopped it while requests were still draining).
     */
    @Test
    void aClickInFlightWhenTheServiceStopsIsAnsweredAndLogged() throws Exception {
        WireMockServer dialpad = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        dialpad.start();
        dialpad.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"4242\"}").withFixedDelay(3_000)));
        Path launch = Path.of(System.getProperty("app.launch")).toAbsolutePath();
        try {
            int port = freePort();
            Process service = startPackaged(launch, port, dialpad.baseUrl());
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> imported;
            CompletableFuture<HttpResponse<String>> click;
            try {
                imported = http.send(HttpRequest.newBuilder(URI.create(base + "/reps/rep-stop/dialpad-token"))
                        .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"access_token\": \"stop-token\", \"dialpad_user_id\": \"7001\", \"expires_in\": 86400}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(imported.statusCode()).as(imported.body()).isBetween(200, 204);
                click = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/calls"))
                        .header("X-API-Key", KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"rep_id\": \"rep-stop\", \"to_number\": \"(555) 123-4567\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(20)).until(() -> dialpad.getAllServeEvents().stream()
                        .anyMatch(e -> e.getRequest().getUrl().equals("/api/v2/call")));
            } finally {
                service.destroy();   // SIGTERM while Dialpad is still answering
            }
            HttpResponse<String> answer = click.get(30, TimeUnit.SECONDS);
            boolean stopped = service.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                service.destroyForcibly();
            }
            assertThat(stopped).as("stopped").isTrue();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            JsonNode placed = new ObjectMapper().readTree(answer.body());
            assertThat(placed.get("action").asText()).isEqualTo("dialpad");

            // What the next start finds: the call, with Dialpad's id.
            Process again = startPackaged(launch, port, dialpad.baseUrl());
            try {
                HttpResponse<String> stored = http.send(HttpRequest.newBuilder(
                                URI.create(base + "/calls/" + placed.get("id").asText()))
                        .header("X-API-Key", KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(stored.body()).get("dialpad_call_id").asText()).isEqualTo("4242");
            } finally {
                again.destroy();
                if (!again.waitFor(60, TimeUnit.SECONDS)) {
                    again.destroyForcibly();
                }
            }
        } finally {
            dialpad.stop();
        }
    }

    /** The production launch on the embedded database in this test's folder, started and ready. */
    private Process startPackaged(Path launch, int port, String dialpadBaseUrl) throws Exception {
        Path log = workingDirectory.resolve("service-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(launch.toString()).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("SPRING_DATASOURCE_URL");
        builder.environment().put("SERVER_PORT", String.valueOf(port));
        builder.environment().put("CALLS_API_KEYS", KEY);
        builder.environment().put("CALLS_ADMIN_API_KEYS", ADMIN_KEY);
        builder.environment().put("CALLS_CALLING_HOURS", "00:00-23:59");
        builder.environment().put("DIALPAD_BASE_URL", dialpadBaseUrl);
        Process process = builder.start();
        try {
            waitForStart(process, log);
        } catch (AssertionError | RuntimeException notStarted) {
            process.destroyForcibly();
            throw notStarted;
        }
        return process;
    }

    private static List<String> archives(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("app.jsa"))
                    .filter(n -> !n.endsWith(".stamp")).sorted().toList();
        }
    }

    private String startAndTakeACall(ProcessBuilder builder) throws Exception {
        int port = freePort();
        Path log = workingDirectory.resolve("service.log");
        builder.directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SERVER_PORT", String.valueOf(port));
        builder.environment().put("CALLS_API_KEYS", KEY);
        builder.environment().put("DIALPAD_BASE_URL", "http://127.0.0.1:9");
        builder.environment().remove("SPRING_DATASOURCE_URL");

        long start = System.nanoTime();
        Process process = builder.start();
        try {
            waitForStart(process, log);
            System.out.printf("%s ready in %d ms%n", builder.command().get(0), (System.nanoTime() - start) / 1_000_000);
            assertThat(workingDirectory.resolve("routes")).doesNotExist();

            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + port + "/calls"))
                    .header("X-API-Key", KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rep_id\": \"rep-jar\", \"to_number\": \"(555) 123-4567\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            JsonNode body = new ObjectMapper().readTree(answer.body());
            assertThat(body.get("reason").asText()).isEqualTo("not_connected");
            assertThat(body.get("tel_uri").asText()).isEqualTo("tel:+15551234567");
            assertThat(workingDirectory.resolve("data/postgres/PG_VERSION")).exists();
            assertThat(workingDirectory.resolve("data/admin-api-key")).exists();
        } finally {
            process.destroy();   // SIGTERM; a start that records an archive writes it on the way out
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return Files.readString(log);
    }

    private static void waitForStart(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            if (output.contains("Started ClickToCallApplication")) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the jar exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the jar did not start within 120 s:\n" + Files.readString(log));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
