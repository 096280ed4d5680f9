package org.clicktocall.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;

/**
 * Which SQL statements a request ran, read from Camel's own counters (JMX, on in the tests): every {@code sql:} step
 * of every route, and how many exchanges each completed. Counts what the routes did, not what the database saw.
 */
public final class SqlSteps {

    private final ManagedCamelContext managed;
    /** step id → its SQL file */
    private final Map<String, String> steps = new LinkedHashMap<>();

    private SqlSteps(CamelContext camel) {
        this.managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        for (RouteDefinition route : ((ModelCamelContext) camel).getRouteDefinitions()) {
            collect(route.getOutputs());
        }
    }

    public static SqlSteps of(CamelContext camel) {
        return new SqlSteps(camel);
    }

    private void collect(List<ProcessorDefinition<?>> outputs) {
        for (ProcessorDefinition<?> node : outputs) {
            if (node instanceof SendDefinition<?> send && send.getUri() != null && send.getUri().startsWith("sql:")) {
                steps.put(node.getId(), send.getUri().replaceFirst("^sql:classpath:sql/", "").replaceFirst("\\?.*$", ""));
            }
            collect(node.getOutputs());
        }
    }

    /** The SQL files whose steps ran while {@code action} ran, one entry per statement, sorted by name. */
    public List<String> runBy(Runnable action) {
        Map<String, Long> before = totals();
        action.run();
        Map<String, Long> after = totals();
        List<String> files = new ArrayList<>();
        steps.forEach((id, file) -> {
            for (long i = after.getOrDefault(id, 0L) - before.getOrDefault(id, 0L); i > 0; i--) {
                files.add(file);
            }
        });
        files.sort(null);
        return files;
    }

    private Map<String, Long> totals() {
        Map<String, Long> totals = new LinkedHashMap<>();
        steps.keySet().forEach(id -> {
            ManagedProcessorMBean processor = managed.getManagedProcessor(id);
            totals.put(id, processor == null ? 0L : processor.getExchangesTotal());
        });
        return totals;
    }
}
