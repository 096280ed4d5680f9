package org.clicktocall.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The clock a click's arrival is read from ({@code CallAttempt.receivedAt}, the moment the calling hours are
 * checked for): one bean, so tests can set the time of day instead of depending on when they run.
 */
@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
