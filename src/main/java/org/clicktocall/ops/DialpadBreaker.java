package org.clicktocall.ops;

import java.util.Locale;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * The Dialpad circuit breaker as operations see it: a health component ({@code dialpad}: UP, or DEGRADED while
 * open — the service still answers with tel: links, so it is not DOWN), a state gauge and a transition counter.
 */
@Component("dialpadHealthIndicator") // health component "dialpad"
public class DialpadBreaker implements HealthIndicator, CamelContextConfiguration {

    public static final Status DEGRADED = new Status("DEGRADED", "Dialpad is failing: clicks get tel: links until it recovers");
    private static final Logger LOG = LoggerFactory.getLogger(DialpadBreaker.class);
    private static final String BREAKER_ID = "dialpad-breaker";

    private final MeterRegistry meters;
    private volatile CamelContext camel;
    private volatile CircuitBreaker breaker;

    public DialpadBreaker(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // routes are not built yet
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        camel = camelContext;
        Gauge.builder("clicktocall.dialpad.breaker.state", this, DialpadBreaker::stateCode)
                .description("Dialpad circuit breaker: 0 closed, 1 open, 2 half-open, 3 other")
                .register(meters);
        if (breaker() == null) {
            LOG.info("No circuit breaker with id {} yet (its route starts later): looked up again when asked", BREAKER_ID);
        }
    }

    /** The breaker, found once its route exists (the supervising route controller may start routes after Camel). */
    private CircuitBreaker breaker() {
        CircuitBreaker known = breaker;
        CamelContext context = camel;
        if (known != null || context == null) {
            return known;
        }
        synchronized (this) {
            if (breaker != null) {
                return breaker;
            }
            ResilienceProcessor processor = context.getProcessor(BREAKER_ID, ResilienceProcessor.class);
            if (processor == null) {
                return null;
            }
            breaker = processor.getCircuitBreaker();
            observe(breaker);
            return breaker;
        }
    }

    private void observe(CircuitBreaker breaker) {
        breaker.getEventPublisher().onStateTransition(event -> {
            Counter.builder("clicktocall.dialpad.breaker.transitions")
                    .description("Dialpad circuit breaker state changes")
                    .tag("from", event.getStateTransition().getFromState().name().toLowerCase(Locale.ROOT))
                    .tag("to", event.getStateTransition().getToState().name().toLowerCase(Locale.ROOT))
                    .register(meters).increment();
            LOG.warn("Dialpad circuit breaker {}", event.getStateTransition());
        });
    }

    @Override
    public Health health() {
        CircuitBreaker current = breaker();
        if (current == null) {
            return Health.unknown().build();
        }
        return switch (current.getState()) {
            case CLOSED, HALF_OPEN, DISABLED, METRICS_ONLY -> Health.up().withDetail("breaker", current.getState().name()).build();
            default -> Health.status(DEGRADED).withDetail("breaker", current.getState().name()).build();
        };
    }

    private double stateCode() {
        CircuitBreaker current = breaker();
        if (current == null) {
            return 3;
        }
        return switch (current.getState()) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }
}
