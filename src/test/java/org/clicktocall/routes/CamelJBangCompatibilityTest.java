package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files in routes/ are plain Camel YAML DSL, so Kaoto, Camel JBang and editors with the Camel schema open
 * them. Each file is loaded here the way Camel JBang loads it: Camel's own YAML routes loader into a plain
 * DefaultCamelContext, no Spring. (The beans and the database stay out: the routes are loaded, not run.)
 */
class CamelJBangCompatibilityTest {

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void loadsIntoAPlainCamelContextWithTheYamlRoutesLoader(Path file) throws Exception {
        String text = Files.readString(file);
        // Spring-only constructs a plain Camel runtime would not understand
        assertThat(text).as("%s has no Spring expression (#{...})", file).doesNotContain("#{");
        assertThat(text).as("%s has no spring-* endpoint", file).doesNotContainPattern("uri: *\"?spring-");

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:" + file));

            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            // (each REST operation also becomes a route of its own: those are not counted)
            long routes = model.getRouteDefinitions().stream().filter(r -> !Boolean.TRUE.equals(r.isRest())).count();
            long items = routes + model.getRestDefinitions().size()
                    + model.getRouteConfigurationDefinitions().size();
            assertThat(items).as("routes, REST services and route configurations loaded from %s", file)
                    .isEqualTo(topLevelItems(text));
            model.getRouteDefinitions().stream().filter(r -> !Boolean.TRUE.equals(r.isRest())).forEach(route ->
                    assertThat(route.getId()).as("a route in %s keeps its id", file).isNotBlank());
        }
    }

    private static long topLevelItems(String text) {
        return text.lines().filter(line -> line.matches("^- (route|rest|routeConfiguration):.*")).count();
    }
}
