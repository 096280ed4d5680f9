package org.clicktocall.routes;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Live route reload, switched on by {@code app.routes-reload.enabled} (the dev profile sets it; ProductionSettings
 * refuses it under prod). Camel's own {@code camel.main.routes-reload-enabled} stays off: its watcher would reload
 * a file without RouteCheck, alongside this one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "app.routes-reload.enabled", havingValue = "true")
public class RoutesReloadConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesReloadConfiguration.class);

    @Bean
    CheckedRouteReload checkedRouteReload(CamelContext camel,
                                          @Value("${app.routes-reload.directory:routes}") String directory) throws Exception {
        Path folder = Path.of(directory);
        CheckedRouteReload reload = new CheckedRouteReload(folder, RouteCheck.create());
        if (Files.isDirectory(folder)) {
            camel.addService(reload); // started with the Camel context
        } else {
            LOG.warn("Live route reload is on but {} is not a folder here: nothing to watch", folder.toAbsolutePath());
        }
        return reload;
    }
}
