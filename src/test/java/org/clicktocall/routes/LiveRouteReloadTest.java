package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.Route;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dev profile's live reload, against a copy of routes/ (the service loads its routes from the copy and
 * watches it): a saved change replaces that file's routes within a couple of seconds, without a restart and
 * without touching the other routes; a broken save leaves the previous version running and logs one line with
 * the file, the line and what is wrong.
 */
@ActiveProfiles("dev")
@ExtendWith(OutputCaptureExtension.class)
class LiveRouteReloadTest extends ServiceTest {

    private static final Path ROUTES = copyOfTheRoutes();
    private static final Path CALLS_READ = ROUTES.resolve("calls-read.yaml");
    private static final String ORIGINAL = read(CALLS_READ);
    /** get-call's last header step; the tests add a step after it. */
    private static final String CONTENT_TYPE_STEP = """
                    - setHeader:
                        name: Content-Type
                        constant: application/json
            """;

    @DynamicPropertySource
    static void routesFromTheCopy(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", () -> "file:" + ROUTES + "/*.yaml");
        registry.add("app.schedule-routes-pattern", () -> "file:" + ROUTES + "/schedules/*.yaml");
        registry.add("app.routes-reload.directory", ROUTES::toString);
    }

    @Test
    void aSavedChangeReplacesThatFilesRoutesWithoutARestartOrTouchingTheOthers() throws Exception {
        String id = placeCall();
        assertThat(getCall(id).header("X-Route-Version")).isNotEqualTo("2");
        Route placeCall = camel.getRoute("place-call");
        Route getCall = camel.getRoute("get-call");
        long uptime = camel.getUptime().toMillis();

        // clicks keep coming on place-call while get-call is replaced: every one of them is answered
        List<Integer> clicks = new CopyOnWriteArrayList<>();
        AtomicBoolean clicking = new AtomicBoolean(true);
        Thread clicker = new Thread(() -> {
            while (clicking.get()) {
                clicks.add(postCall("{\"rep_id\": \"rep-reload\", \"to_number\": \"(555) 123-4567\"}").status());
            }
        });
        clicker.start();

        long saved = System.nanoTime();
        save(withVersionHeader("\"2\""));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> "2".equals(getCall(id).header("X-Route-Version")));
        long reloadMillis = (System.nanoTime() - saved) / 1_000_000;
        clicking.set(false);
        clicker.join();
        System.out.printf("Live reload: the changed route answered %d ms after the save%n", reloadMillis);

        assertThat(camel.getRoute("get-call")).isNotSameAs(getCall);
        assertThat(camel.getRoute("place-call")).as("a route of another file is not touched").isSameAs(placeCall);
        assertThat(camel.getRoute("list-calls")).as("the other route of the saved file is replaced too").isNotNull();
        assertThat(camel.getUptime().toMillis()).as("no restart").isGreaterThan(uptime);
        assertThat(clicks).isNotEmpty().containsOnly(201);
        assertThat(getCall(id).status()).isEqualTo(200);
    }

    @Test
    void aBrokenSaveKeepsThePreviousVersionAndNamesTheFileAndLine(CapturedOutput output) throws Exception {
        String id = placeCall();
        save(withVersionHeader("\"good\""));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> "good".equals(getCall(id).header("X-Route-Version")));
        Route running = camel.getRoute("get-call");

        String good = withVersionHeader("\"good\"");
        String unknownStep = good.replace("- setHeader:\n            name: X-Route-Version", "- setHeadr:\n            name: X-Route-Version")
                .replace("\"good\"", "\"unknown-step\"");
        String unknownOption = good.replace("name: X-Route-Version", "nme: X-Route-Version").replace("\"good\"", "\"unknown-option\"");
        String missingTarget = good.replace("constant: \"good\"\n", "constant: \"missing-target\"\n        - to:\n            uri: direct:nowhere\n");
        String invalidYaml = good.replace("            constant: \"good\"\n", "              constant: \"invalid-yaml\"\n");

        expectRefused(output, unknownStep, "setHeadr:", "unknown key 'setHeadr'", 0);
        expectRefused(output, unknownOption, "nme: X-Route-Version", "unknown key 'nme'", 0);
        expectRefused(output, missingTarget, "direct:nowhere", "no route consumes direct:nowhere", 0);
        expectRefused(output, invalidYaml, "\"invalid-yaml", "not valid YAML", 0);

        assertThat(camel.getRoute("get-call")).as("the previous version is still the one running").isSameAs(running);
        assertThat(getCall(id).header("X-Route-Version")).isEqualTo("good");
        assertThat(output.getOut()).doesNotContain("Error reloading routes from file"); // Camel's stack trace
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void expectRefused(CapturedOutput output, String content, String brokenText, String what, int linesFurther)
            throws IOException {
        int before = output.getOut().length();
        save(content);
        int line = lineOf(content, brokenText);
        Pattern refusal = Pattern.compile("Route file not reloaded, the previous version keeps running: "
                + Pattern.quote(CALLS_READ.toString()) + ":(\\d+): (.*)");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> refusal.matcher(output.getOut().substring(before)).find());
        // one more watcher poll, so a second line would have arrived
        await().pollDelay(Duration.ofMillis(2500)).until(() -> true);
        String after = output.getOut().substring(before);
        Matcher matcher = refusal.matcher(after);
        assertThat(matcher.find()).isTrue();
        System.out.println("Refused as expected: " + matcher.group());
        assertThat(Integer.parseInt(matcher.group(1))).as("line of %s", brokenText).isBetween(line, line + linesFurther);
        assertThat(matcher.group(2)).contains(what);
        assertThat(after.lines().filter(l -> l.contains("Route file not reloaded")).count()).as("one line").isEqualTo(1);
        assertThat(getCall(lastCall).header("X-Route-Version")).isEqualTo("good");
    }

    private String lastCall;

    private String placeCall() {
        Answer answer = postCall("{\"rep_id\": \"rep-reload\", \"to_number\": \"(555) 123-4567\"}");
        assertThat(answer.status()).isEqualTo(201);
        lastCall = answer.json().get("id").asText();
        return lastCall;
    }

    private Answer getCall(String id) {
        return send("GET", "/calls/" + id, null, "X-API-Key", CRM_KEY);
    }

    private static String withVersionHeader(String version) {
        assertThat(ORIGINAL).contains(CONTENT_TYPE_STEP);
        return ORIGINAL.replaceFirst(Pattern.quote(CONTENT_TYPE_STEP), Matcher.quoteReplacement(CONTENT_TYPE_STEP + """
                        - setHeader:
                            name: X-Route-Version
                            constant: %s
                """.formatted(version)));
    }

    /** Saved the way editors save: written beside the file, then moved over it. */
    private static void save(String content) throws IOException {
        Path temporary = ROUTES.resolve(".calls-read.yaml.saving");
        Files.writeString(temporary, content);
        Files.move(temporary, CALLS_READ, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int lineOf(String content, String text) {
        List<String> lines = content.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not found");
    }

    private static Path copyOfTheRoutes() {
        try {
            Files.createDirectories(Path.of("target/test-routes"));
            Path copy = Files.createTempDirectory(Path.of("target/test-routes"), "reload-").toAbsolutePath();
            try (Stream<Path> files = Files.walk(Path.of("routes"))) {
                for (Path source : files.toList()) {
                    Path target = copy.resolve(Path.of("routes").relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
