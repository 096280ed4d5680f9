package org.clicktocall;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Where the YAML routes come from: a {@code routes/} folder in the working directory when there is one (the
 * integration team edits those files and restarts, no rebuild), otherwise the copies packaged in the jar.
 * Loading both would define every route twice. An explicit {@code camel.main.routes-include-pattern} wins.
 */
public class RoutesLocation implements EnvironmentPostProcessor, Ordered {

    static final String PATTERN = "camel.main.routes-include-pattern";
    /** The clustered schedules, added once the database schema is in place (see DatabaseMigrations). */
    public static final String SCHEDULES = "app.schedule-routes-pattern";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String from = Files.isDirectory(Path.of("routes")) ? "file:" : "classpath:";
        Map<String, Object> defaults = new java.util.HashMap<>();
        if (!environment.containsProperty(PATTERN)) {
            defaults.put(PATTERN, from + "routes/*.yaml");
        }
        if (!environment.containsProperty(SCHEDULES)) {
            defaults.put(SCHEDULES, from + "routes/schedules/*.yaml");
        }
        environment.getPropertySources().addLast(new MapPropertySource("routesLocation", defaults));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
