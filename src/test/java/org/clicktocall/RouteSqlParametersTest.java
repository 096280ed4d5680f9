package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every SQL endpoint in routes/ states how many parameters its statement has ({@code parametersCount}), so
 * camel-sql does not ask PostgreSQL for them before each statement (an extra round trip per statement). A count
 * that does not match its file would fail every click that runs it, so it is checked here against the file.
 */
class RouteSqlParametersTest {

    private static final Pattern NAMED_PARAMETER = Pattern.compile(":#[A-Za-z]");

    record SqlEndpoint(String routeFile, String sqlFile, Object parametersCount) {
    }

    @Test
    void everySqlEndpointStatesTheParameterCountOfItsStatement() throws IOException {
        List<SqlEndpoint> endpoints = sqlEndpoints();
        assertThat(endpoints).hasSizeGreaterThan(20);
        for (SqlEndpoint endpoint : endpoints) {
            String sql = Files.readString(Path.of("src/main/resources/sql", endpoint.sqlFile()));
            long placeholders = NAMED_PARAMETER.matcher(sql).results().count();
            Object expected = placeholders == 0 ? null : (int) placeholders;
            assertThat(endpoint.parametersCount())
                    .as("parametersCount of %s in %s", endpoint.sqlFile(), endpoint.routeFile())
                    .isEqualTo(expected);
        }
    }

    private static List<SqlEndpoint> sqlEndpoints() throws IOException {
        List<SqlEndpoint> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    collect(file.toString(), new Yaml().load(reader), found);
                }
            }
        }
        return found;
    }

    private static void collect(String routeFile, Object node, List<SqlEndpoint> found) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("uri") instanceof String uri && uri.startsWith("sql:")) {
                Matcher file = Pattern.compile("^sql:classpath:sql/([\\w-]+\\.sql)$").matcher(uri);
                assertThat(file.matches()).as("SQL endpoint %s in %s reads a file under sql/", uri, routeFile).isTrue();
                Object parameters = map.get("parameters");
                Object count = parameters instanceof Map<?, ?> p ? p.get("parametersCount") : null;
                found.add(new SqlEndpoint(routeFile, file.group(1), count));
            }
            map.values().forEach(value -> collect(routeFile, value, found));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collect(routeFile, value, found));
        }
    }
}
