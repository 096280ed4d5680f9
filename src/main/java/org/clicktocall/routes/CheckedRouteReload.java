package org.clicktocall.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of a routes folder for the dev profile. Camel's file watcher notices a saved file; then, unlike
 * Camel 4.17's own reload: the file is checked with the whole folder first (RouteCheck), and a file with a problem
 * is not handed to Camel: the previous version keeps running and one line says which file, which line and what is
 * wrong (Camel alone takes a {@code direct:} call to nowhere, and logs a stack trace for a broken file). Only the
 * routes of the saved file are replaced, by id; a route Camel inlined into its REST operation keeps the REST input.
 * Should Camel still refuse a checked file (a bad endpoint option, say), the last version that loaded is loaded
 * again. REST definitions and route configurations are read at start only.
 */
public class CheckedRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedRouteReload.class);
    /** Editors write a file in more than one step: let it settle before reading it. */
    private static final long SETTLE_MILLIS = 150;

    private final Path folder;
    private final RouteCheck check;
    /** The content of each file as last handed to Camel (or refused), so a repeated event does nothing. */
    private final Map<Path, String> lastSeen = new ConcurrentHashMap<>();
    /** The content of each file as it last loaded. */
    private final Map<Path, String> lastLoaded = new ConcurrentHashMap<>();

    public CheckedRouteReload(Path folder, RouteCheck check) {
        super(folder.toString(), false);
        this.folder = folder.toAbsolutePath().normalize();
        this.check = check;
        setPattern("*.yaml");
        setRemoveAllRoutes(false); // only the routes of the saved file are replaced; the others keep running
    }

    @Override
    protected void doStart() throws Exception {
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String content = Files.readString(file);
                lastSeen.put(file, content);
                lastLoaded.put(file, content);
            }
        }
        super.doStart();
    }

    @Override
    protected String startupMessage(java.io.File dir) {
        return "Live route reload (dev profile): a saved file in " + dir + " is checked, then its routes are replaced";
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null) {
            return; // a properties change: the routes stay as they are
        }
        for (Resource resource : resources) {
            if (resource != null) {
                reload(resource);
            }
        }
    }

    private void reload(Resource resource) {
        Path file = Path.of(resource.getURI()).toAbsolutePath().normalize();
        String content;
        try {
            Thread.sleep(SETTLE_MILLIS);
            if (!Files.isRegularFile(file)) {
                return; // deleted: its routes keep running until the next restart
            }
            content = Files.readString(file);
        } catch (IOException e) {
            LOG.warn("Route file {} not reloaded, the previous version keeps running: cannot read it ({})", file, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (content.equals(lastSeen.put(file, content))) {
            return;
        }
        List<RouteCheck.Problem> problems;
        try {
            problems = check.check(folder);
        } catch (IOException e) {
            LOG.warn("Route file {} not reloaded, the previous version keeps running: cannot read the folder ({})", file, e.getMessage());
            return;
        }
        if (!problems.isEmpty()) {
            RouteCheck.Problem first = problems.stream().filter(p -> p.file().toAbsolutePath().normalize().equals(file))
                    .findFirst().orElse(problems.get(0));
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: java -jar <jar> --check-routes=" + folder + ")" : "";
            LOG.warn("Route file not reloaded, the previous version keeps running: {}{}", first, more);
            return;
        }
        String notRoutes = firstItemThatIsNotARoute(content);
        if (notRoutes != null) {
            LOG.warn("Route file not reloaded, the previous version keeps running: {}:{}: REST definitions and route"
                    + " configurations are read at start: restart to apply this change", file, notRoutes);
            return;
        }
        try {
            Set<String> replaced = replaceRoutes(ResourceHelper.resolveResource(getCamelContext(), "file:" + file));
            lastLoaded.put(file, content);
            LOG.info("Route file {} reloaded: {}", file, String.join(", ", replaced));
        } catch (Exception e) {
            LOG.warn("Route file not reloaded, the previous version is loaded again: {}: Camel refused it: {}", file,
                    rootMessage(e));
            restore(file);
        }
    }

    private void restore(Path file) {
        String previous = lastLoaded.get(file);
        if (previous == null) {
            return;
        }
        try {
            replaceRoutes(ResourceHelper.fromString("file:" + file, previous));
        } catch (Exception e) {
            LOG.warn("Route file {}: its previous version could not be loaded again either: {}", file, rootMessage(e));
        }
    }

    /**
     * Replaces the routes of one file by id, leaving every other route running. Camel 4 inlines a {@code direct:}
     * route into the REST operation that calls it ({@code camel.rest.inline-routes}), so such a route runs under
     * the REST route's input: it keeps that input and takes the new steps (Camel's own watcher would replace it
     * with a bare direct: route and leave the REST path without a consumer).
     */
    private Set<String> replaceRoutes(Resource resource) throws Exception {
        CamelContext camel = getCamelContext();
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> replacements = new ArrayList<>();
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
            if (!(builder instanceof RouteBuilder routes)) {
                throw new IllegalStateException("not a file of routes");
            }
            for (RouteDefinition route : routes.configureRoutes(camel).getRoutes()) {
                RouteDefinition running = route.getId() == null ? null : model.getRouteDefinition(route.getId());
                if (running != null && Boolean.TRUE.equals(running.isRest())) {
                    running.getOutputs().clear();
                    for (ProcessorDefinition<?> step : route.getOutputs()) {
                        step.setParent(running);
                        running.getOutputs().add(step);
                    }
                    running.setRouteConfigurationId(route.getRouteConfigurationId());
                    running.setDescription(route.getDescription());
                    replacements.add(running);
                } else {
                    replacements.add(route);
                }
            }
        }
        model.addRouteDefinitions(replacements); // each replaces the route of the same id
        Set<String> ids = new LinkedHashSet<>();
        for (RouteDefinition route : replacements) {
            ids.add(route.getId());
            // the supervising route controller starts routes only at start-up: a replaced route is started here
            if (camel.getRouteController().getRouteStatus(route.getId()) != ServiceStatus.Started) {
                camel.getRouteController().startRoute(route.getId());
            }
        }
        return ids;
    }

    /** The line of the first top-level item that is not a route (a rest, a routeConfiguration), or null. */
    private static String firstItemThatIsNotARoute(String content) {
        List<String> lines = content.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("- ") && !line.startsWith("- route:")) {
                return (i + 1) + " (" + line.substring(2).trim() + ")";
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
