package org.clicktocall;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.metrics.LogbackMetricsAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Dialpad click-to-call: the routes in {@code routes/} tell the story; the beans here do what YAML does badly. */
// Logback's event counter is a turbo filter consulted on every logger check, enabled or not (Camel asks isTraceEnabled
// many times per exchange): ~1.5 % of a click's CPU for a count this service does not publish (README, Metrics).
@SpringBootApplication(exclude = LogbackMetricsAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ClickToCallApplication {

    public static void main(String[] args) throws java.io.IOException {
        if (org.clicktocall.routes.RouteCheck.requested(args)) { // --check-routes=<folder>: check, do not start
            System.exit(org.clicktocall.routes.RouteCheck.run(args));
        }
        SpringApplication.run(ClickToCallApplication.class, args);
    }
}
