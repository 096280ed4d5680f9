package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes the integration team edits are checked before anything runs them (RouteCheck): the project's own
 * routes/ folder passes, and each kind of mistake is reported with its file and line.
 */
class RouteCheckTest {

    private static RouteCheck check;

    @TempDir
    Path copy;

    @BeforeAll
    static void loadTheSchema() {
        check = RouteCheck.create();
    }

    @Test
    void everyRouteFileInTheProjectPasses() throws IOException {
        long started = System.nanoTime();
        List<RouteCheck.Problem> problems = check.check(Path.of("routes"));
        System.out.printf("RouteCheck: routes/ checked in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(problems).isEmpty();
    }

    @Test
    void anUnknownKeyIsReportedWithItsFileAndLine() throws IOException {
        Path file = copyWith("calls-read.yaml", "            parameters:\n              parametersCount: 1\n",
                "            parmeters:\n              parametersCount: 1\n");
        assertThat(problemsIn(file)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(lineOf(file, "parmeters:"));
            assertThat(p.message()).contains("unknown key 'parmeters'");
            assertThat(p.toString()).startsWith(file + ":" + lineOf(file, "parmeters:") + ": ");
        });
    }

    @Test
    void anUnknownStepIsReported() throws IOException {
        Path file = copyWith("calls-read.yaml", "        - setBody:\n            simple: ${variable.answer}\n",
                "        - setBodyy:\n            simple: ${variable.answer}\n");
        assertThat(problemsIn(file)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(lineOf(file, "setBodyy:"));
            assertThat(p.message()).contains("unknown key 'setBodyy'");
        });
    }

    @Test
    void stepsUnderTheWrongKeyAreReported() throws IOException {
        // the two steps after the first SQL call, indented one level too deep: now inside the to
        Path file = copyWith("calls-read.yaml", """
                        - to:
                            id: find-call
                """, """
                        - to:
                            steps:
                              - log: a step nested in a to, which Camel would silently ignore
                            id: find-call
                """);
        assertThat(problemsIn(file)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(lineOf(file, "- log: a step nested") - 1);
            assertThat(p.message()).contains("unknown key 'steps'");
        });
    }

    @Test
    void invalidYamlIsReportedWithItsLine() throws IOException {
        Path file = copyWith("calls-read.yaml", "    description: Return one stored call", "    description: \"Return one stored call");
        assertThat(problemsIn(file)).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("not valid YAML");
            assertThat(p.line()).isGreaterThanOrEqualTo(lineOf(file, "description: \"Return"));
        });
    }

    @Test
    void aDirectTargetWithoutARouteIsReported() throws IOException {
        Path file = copyWith("calls-place.yaml", "uri: direct:start-click\n", "uri: direct:start-clik\n");
        assertThat(problemsIn(file)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(lineOf(file, "direct:start-clik"));
            assertThat(p.message()).contains("no route consumes direct:start-clik");
        });
    }

    @Test
    void aMissingSqlFileAnUnknownBeanAndAMissingDescriptionAreReported() throws IOException {
        Path file = copyWith("calls-read.yaml", "sql/find-call.sql", "sql/find-cal.sql");
        replace(file, "ref: callLookups\n              method: byId", "ref: callLookup\n              method: byId");
        replace(file, "    description: Return one stored call with its event timeline (404 when unknown)\n", "");
        assertThat(problemsIn(file)).extracting(RouteCheck.Problem::toString).containsExactly(
                file + ":2: route without a description (get-call)",
                file + ":" + lineOf(file, "ref: callLookup") + ": bean 'callLookup' is not a Spring bean of this project"
                        + " (no @Component or @Bean of that name under org.clicktocall)",
                file + ":" + lineOf(file, "sql/find-cal.sql") + ": SQL file classpath:sql/find-cal.sql does not exist");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** routes/ copied to a temporary folder, with one text replaced in one file. */
    private Path copyWith(String name, String text, String replacement) throws IOException {
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
        Path file = copy.resolve(name);
        replace(file, text, replacement);
        return file;
    }

    private static void replace(Path file, String text, String replacement) throws IOException {
        String content = Files.readString(file);
        assertThat(content).as("%s contains the text the test changes", file).contains(text);
        Files.writeString(file, content.replaceFirst(java.util.regex.Pattern.quote(text),
                java.util.regex.Matcher.quoteReplacement(replacement)));
    }

    private List<RouteCheck.Problem> problemsIn(Path file) throws IOException {
        List<RouteCheck.Problem> problems = check.check(copy);
        problems.forEach(System.out::println);
        assertThat(problems).allSatisfy(p -> assertThat(p.file()).isEqualTo(file));
        return problems;
    }

    private static int lineOf(Path file, String text) throws IOException {
        return lineOf(file, text, 1);
    }

    private static int lineOf(Path file, String text, int occurrence) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text) && ++seen == occurrence) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
