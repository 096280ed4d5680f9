package org.clicktocall.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonschema.core.exceptions.ProcessingException;
import com.github.fge.jsonschema.core.report.LogLevel;
import com.github.fge.jsonschema.core.report.ProcessingMessage;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchema;
import com.github.fge.jsonschema.main.JsonSchemaFactory;
import org.clicktocall.support.Json;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.util.ClassUtils;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Checks a folder of YAML routes before anything runs them: each file against the Camel YAML DSL's own JSON schema
 * (shipped in camel-yaml-dsl, so unknown keys and misplaced steps are caught, with their line), every
 * {@code direct:} target has a route consuming it, every {@code sql:classpath:} file exists, every bean
 * {@code ref} names one of this project's Spring beans and every class named exists, and every route, route
 * configuration, REST service and REST operation has an id and a description.
 *
 * <p>Run from a build: {@code java -jar target/dialpad-click-to-call-0.1.0-SNAPSHOT.jar --check-routes=routes/}.
 * It prints one {@code file:line: problem} per problem and exits 1 when there is any. The dev profile's live
 * reload runs the same check on a saved file before Camel sees it.
 */
public final class RouteCheck {

    /** The command-line option that runs this check instead of the service. */
    public static final String OPTION = "--check-routes";

    private static final String SCHEMA = "schema/camelYamlDsl.json";
    private static final String BEANS_PACKAGE = "org.clicktocall";
    private static final Set<String> VERBS = Set.of("get", "post", "put", "delete", "patch", "head");
    private static final Set<String> CLASS_KEYS = Set.of("type", "outType", "beanType", "exception");
    private static final Pattern CLASS_NAME = Pattern.compile("([a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(\\[\\])?");

    /** One finding: the file, its 1-based line, and what is wrong. */
    public record Problem(Path file, int line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    private final JsonSchema schema;
    private final Set<String> beanNames;
    private final ClassLoader classLoader;

    private RouteCheck(JsonSchema schema, Set<String> beanNames, ClassLoader classLoader) {
        this.schema = schema;
        this.beanNames = beanNames;
        this.classLoader = classLoader;
    }

    /** A checker with the YAML DSL schema and the bean names of the classes on the current classpath. */
    public static RouteCheck create() {
        ClassLoader loader = ClassUtils.getDefaultClassLoader();
        try (InputStream in = loader.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA + " is not on the classpath (it ships in camel-yaml-dsl)");
            }
            JsonNode schemaJson = Json.MAPPER.readTree(in);
            JsonSchema schema = JsonSchemaFactory.byDefault().getJsonSchema(schemaJson);
            return new RouteCheck(schema, projectBeanNames(loader), loader);
        } catch (IOException | ProcessingException e) {
            throw new IllegalStateException("Cannot read the Camel YAML DSL schema " + SCHEMA, e);
        }
    }

    // ---- the check --------------------------------------------------------------------------------------------

    /** Every problem in the YAML files of {@code folder} and its sub-folders, ordered by file and line. */
    public List<Problem> check(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile).sorted().toList();
        }
        return check(files);
    }

    /** Every problem in these files, which are checked together (a direct: target may be in any of them). */
    public List<Problem> check(List<Path> files) throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<Parsed> parsed = new ArrayList<>();
        int unreadable = 0;
        for (Path file : files) {
            Parsed one = parse(file, problems);
            if (one != null) {
                parsed.add(one);
                validateAgainstSchema(one, problems);
            } else {
                unreadable++;
            }
        }
        // a file that is not YAML may hold the route another file calls: its callers are not reported then
        checkReferencesAndNames(parsed, unreadable == 0, problems);
        problems.sort(Comparator.comparing((Problem p) -> p.file().toString()).thenComparingInt(Problem::line));
        return problems;
    }

    /** A YAML file as JSON, with the line of each JSON pointer (of a key, or of a list item). */
    private record Parsed(Path file, JsonNode json, Map<String, Integer> lines) {
        int line(String pointer) {
            String p = pointer;
            while (true) {
                Integer line = lines.get(p);
                if (line != null) {
                    return line;
                }
                if (p.isEmpty()) {
                    return 1;
                }
                p = p.substring(0, p.lastIndexOf('/'));
            }
        }
    }

    private static Parsed parse(Path file, List<Problem> problems) throws IOException {
        Node root;
        try (Reader reader = Files.newBufferedReader(file)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            problems.add(new Problem(file, mark == null ? 1 : mark.getLine() + 1, "not valid YAML: " + oneLine(what)));
            return null;
        } catch (YAMLException e) {
            problems.add(new Problem(file, 1, "not valid YAML: " + oneLine(e.getMessage())));
            return null;
        }
        if (root == null) {
            return new Parsed(file, JsonNodeFactory.instance.arrayNode(), Map.of());
        }
        Map<String, Integer> lines = new HashMap<>();
        return new Parsed(file, toJson(root, "", lines), lines);
    }

    /** SnakeYAML's node tree to Jackson's, scalars typed as an editor with the schema would see them. */
    private static JsonNode toJson(Node node, String pointer, Map<String, Integer> lines) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        lines.putIfAbsent(pointer, node.getStartMark().getLine() + 1);
        if (node instanceof MappingNode mapping) {
            ObjectNode object = f.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(tuple.getKeyNode());
                String child = pointer + "/" + escape(key);
                lines.put(child, tuple.getKeyNode().getStartMark().getLine() + 1);
                object.set(key, toJson(tuple.getValueNode(), child, lines));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = f.arrayNode();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                array.add(toJson(items.get(i), pointer + "/" + i, lines));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        try {
            if (Tag.INT.equals(tag)) {
                return f.numberNode(new java.math.BigInteger(value.replace("_", "")));
            }
            if (Tag.FLOAT.equals(tag)) {
                return f.numberNode(new java.math.BigDecimal(value.replace("_", "")));
            }
        } catch (NumberFormatException e) {
            return f.textNode(value);
        }
        if (Tag.BOOL.equals(tag)) {
            return f.booleanNode(Boolean.parseBoolean(value.toLowerCase()) || "yes".equalsIgnoreCase(value) || "on".equalsIgnoreCase(value));
        }
        if (Tag.NULL.equals(tag)) {
            return f.nullNode();
        }
        return f.textNode(value);
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    // ---- the schema -------------------------------------------------------------------------------------------

    private void validateAgainstSchema(Parsed parsed, List<Problem> problems) {
        ProcessingReport report;
        try {
            report = schema.validate(parsed.json(), true);
        } catch (ProcessingException e) {
            problems.add(new Problem(parsed.file(), 1, "schema check failed: " + oneLine(e.getMessage())));
            return;
        }
        if (report.isSuccess()) {
            return;
        }
        // Each error at the top is usually a oneOf/anyOf with nested reports; the deepest leaf is what is wrong.
        Map<String, JsonNode> worstPerItem = new LinkedHashMap<>();
        for (ProcessingMessage message : report) {
            if (message.getLogLevel().compareTo(LogLevel.ERROR) < 0) {
                continue; // the schema's own warnings (e.g. its "deprecated" keyword), not the file's
            }
            JsonNode best = null;
            for (JsonNode leaf : remaining(message.asJson())) {
                if (best == null || rank(leaf) > rank(best)) {
                    best = leaf;
                }
            }
            if (best != null) {
                String item = topItem(pointerOf(best));
                JsonNode seen = worstPerItem.get(item);
                if (seen == null || rank(best) > rank(seen)) {
                    worstPerItem.put(item, best);
                }
            }
        }
        for (JsonNode error : worstPerItem.values()) {
            problems.add(describe(parsed, error));
        }
    }

    /**
     * The errors left once Camel's own reading of scalars is applied: the YAML DSL reads {@code constant: 201} or
     * {@code true} as the text it is, so a number or boolean where the schema allows a string is not an error. A
     * oneOf/anyOf with a branch that has nothing left is satisfied.
     */
    private static List<JsonNode> remaining(JsonNode message) {
        String level = message.path("level").asText("error");
        if (!level.equals("error") && !level.equals("fatal")) {
            return List.of();
        }
        JsonNode reports = message.get("reports");
        if (reports == null || !reports.isObject() || reports.isEmpty()) {
            return scalarReadAsText(message) ? List.of() : List.of(message);
        }
        boolean anyBranch = Set.of("oneOf", "anyOf").contains(message.path("keyword").asText());
        List<JsonNode> left = new ArrayList<>();
        Iterator<JsonNode> branches = reports.elements();
        while (branches.hasNext()) {
            List<JsonNode> branchLeft = new ArrayList<>();
            for (JsonNode nested : branches.next()) {
                branchLeft.addAll(remaining(nested));
            }
            if (anyBranch && branchLeft.isEmpty()) {
                return List.of();
            }
            left.addAll(branchLeft);
        }
        return left.isEmpty() ? List.of(message) : left;
    }

    private static boolean scalarReadAsText(JsonNode error) {
        if (!"type".equals(error.path("keyword").asText())) {
            return false;
        }
        String found = error.path("found").asText();
        boolean textAllowed = false;
        for (JsonNode allowed : error.path("expected")) {
            textAllowed |= allowed.asText().equals("string");
        }
        return textAllowed && Set.of("integer", "number", "boolean").contains(found);
    }

    /** Deeper in the document first; at the same depth, an unknown key beats a type or one-of mismatch. */
    private static long rank(JsonNode error) {
        String pointer = pointerOf(error);
        long depth = pointer.isEmpty() ? 0 : pointer.split("/").length;
        String keyword = error.path("keyword").asText();
        int kind = switch (keyword) {
            case "additionalProperties" -> 4;
            case "required", "maxProperties", "minProperties" -> 3;
            case "enum" -> 2;
            case "type" -> 0;
            default -> 1;
        };
        return depth * 10 + kind;
    }

    private static String pointerOf(JsonNode error) {
        return error.path("instance").path("pointer").asText("");
    }

    private static String topItem(String pointer) {
        String[] parts = pointer.split("/");
        return parts.length > 1 ? parts[1] : "";
    }

    private static Problem describe(Parsed parsed, JsonNode error) {
        String pointer = pointerOf(error);
        String where = pointer.isEmpty() ? "/" : pointer;
        if ("additionalProperties".equals(error.path("keyword").asText()) && error.path("unwanted").size() > 0) {
            String key = error.path("unwanted").get(0).asText();
            return new Problem(parsed.file(), parsed.line(pointer + "/" + escape(key)),
                    "unknown key '" + key + "' under " + where + " (not in the Camel YAML DSL schema)");
        }
        return new Problem(parsed.file(), parsed.line(pointer),
                where + ": " + oneLine(error.path("message").asText()) + " (Camel YAML DSL schema)");
    }

    // ---- references and names ---------------------------------------------------------------------------------

    private record Use(Parsed file, String pointer, String value) {
    }

    private void checkReferencesAndNames(List<Parsed> files, boolean allRead, List<Problem> problems) {
        Map<String, Use> consumers = new HashMap<>();
        Map<String, Use> routeIds = new HashMap<>();
        List<Use> producers = new ArrayList<>();
        List<Use> refs = new ArrayList<>();
        List<Use> classes = new ArrayList<>();
        for (Parsed file : files) {
            JsonNode root = file.json();
            if (!root.isArray()) {
                problems.add(new Problem(file.file(), 1, "a route file is a YAML list (- route: ..., - rest: ...)"));
                continue;
            }
            for (int i = 0; i < root.size(); i++) {
                JsonNode item = root.get(i);
                String at = "/" + i;
                if (item.has("route")) {
                    JsonNode route = item.get("route");
                    requireIdAndDescription(file, at + "/route", route, "route", problems);
                    String id = route.path("id").asText("");
                    if (!id.isEmpty() && routeIds.putIfAbsent(id, new Use(file, at + "/route/id", id)) != null) {
                        problems.add(new Problem(file.file(), file.line(at + "/route/id"), "route id '" + id
                                + "' is also used at " + where(routeIds.get(id))));
                    }
                    String from = route.path("from").path("uri").asText("");
                    if (from.startsWith("direct:")) {
                        consumers.putIfAbsent(endpointName(from), new Use(file, at + "/route/from/uri", from));
                    }
                } else if (item.has("routeConfiguration")) {
                    requireIdAndDescription(file, at + "/routeConfiguration", item.get("routeConfiguration"),
                            "route configuration", problems);
                } else if (item.has("rest")) {
                    JsonNode rest = item.get("rest");
                    requireIdAndDescription(file, at + "/rest", rest, "REST service", problems);
                    rest.fields().forEachRemaining(verb -> {
                        if (VERBS.contains(verb.getKey()) && verb.getValue().isArray()) {
                            for (int j = 0; j < verb.getValue().size(); j++) {
                                requireIdAndDescription(file, at + "/rest/" + verb.getKey() + "/" + j,
                                        verb.getValue().get(j), "REST operation " + verb.getKey().toUpperCase(), problems);
                            }
                        }
                    });
                }
                collect(file, item, at, producers, refs, classes);
            }
        }
        for (Use use : producers) {
            String uri = use.value();
            if (uri.startsWith("direct:") && allRead && !uri.contains("${") && !consumers.containsKey(endpointName(uri))) {
                problems.add(problem(use, "no route consumes " + uri.split("\\?")[0] + " (no route has it as from)"));
            } else if (uri.startsWith("sql:classpath:")) {
                String resource = uri.substring("sql:classpath:".length()).split("\\?")[0];
                if (!resourceExists(resource)) {
                    problems.add(problem(use, "SQL file classpath:" + resource + " does not exist"));
                }
            }
        }
        for (Use use : refs) {
            if (!beanNames.contains(use.value())) {
                problems.add(problem(use, "bean '" + use.value() + "' is not a Spring bean of this project"
                        + " (no @Component or @Bean of that name under " + BEANS_PACKAGE + ")"));
            }
        }
        for (Use use : classes) {
            String name = use.value().replace("[]", "");
            try {
                Class.forName(name, false, classLoader);
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add(problem(use, "class " + name + " does not exist"));
            }
        }
    }

    private static void requireIdAndDescription(Parsed file, String pointer, JsonNode node, String what,
                                                List<Problem> problems) {
        for (String key : List.of("id", "description")) {
            if (node.path(key).asText("").isBlank()) {
                problems.add(new Problem(file.file(), file.line(pointer), what + " without " + (key.equals("id") ? "an id" : "a description")
                        + (node.hasNonNull("id") ? " (" + node.get("id").asText() + ")" : "")));
            }
        }
    }

    /** Endpoint URIs this item sends to, bean refs and class names, anywhere under it. */
    private static void collect(Parsed file, JsonNode node, String pointer, List<Use> producers, List<Use> refs,
                                List<Use> classes) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String key = field.getKey();
                JsonNode value = field.getValue();
                String child = pointer + "/" + escape(key);
                boolean fromUri = pointer.endsWith("/from");
                if (value.isTextual()) {
                    String text = value.asText();
                    if ((key.equals("uri") && !fromUri) || key.equals("to") || key.equals("toD")) {
                        producers.add(new Use(file, child, text));
                    } else if (key.equals("ref")) {
                        refs.add(new Use(file, child, text));
                    } else if (CLASS_KEYS.contains(key) && CLASS_NAME.matcher(text).matches()) {
                        classes.add(new Use(file, child, text));
                    }
                } else if (key.equals("exception") && value.isArray()) {
                    for (int i = 0; i < value.size(); i++) {
                        if (CLASS_NAME.matcher(value.get(i).asText()).matches()) {
                            classes.add(new Use(file, child + "/" + i, value.get(i).asText()));
                        }
                    }
                } else {
                    collect(file, value, child, producers, refs, classes);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(file, node.get(i), pointer + "/" + i, producers, refs, classes);
            }
        }
    }

    private static String endpointName(String uri) {
        return uri.substring("direct:".length()).replaceFirst("^//", "").split("\\?")[0];
    }

    private boolean resourceExists(String resource) {
        return classLoader.getResource(resource) != null
                || Files.isRegularFile(Path.of("src/main/resources").resolve(resource));
    }

    private static Problem problem(Use use, String message) {
        return new Problem(use.file().file(), use.file().line(use.pointer()), message);
    }

    private static String where(Use use) {
        return use.file().file() + ":" + use.file().line(use.pointer());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** The names Spring gives this project's beans: components by their (generated) names, and @Bean methods. */
    private static Set<String> projectBeanNames(ClassLoader loader) {
        Set<String> names = new HashSet<>();
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(true);
        scanner.setResourceLoader(new org.springframework.core.io.DefaultResourceLoader(loader));
        AnnotationBeanNameGenerator generator = AnnotationBeanNameGenerator.INSTANCE;
        DefaultListableBeanFactory registry = new DefaultListableBeanFactory();
        for (BeanDefinition candidate : scanner.findCandidateComponents(BEANS_PACKAGE)) {
            names.add(generator.generateBeanName(candidate, registry));
            if (candidate instanceof AnnotatedBeanDefinition annotated) {
                annotated.getMetadata().getAnnotatedMethods(Bean.class.getName()).forEach(method -> {
                    Object declared = method.getAnnotationAttributes(Bean.class.getName()).get("name");
                    String[] given = declared instanceof String[] array ? array : new String[0];
                    names.add(given.length > 0 ? given[0] : method.getMethodName());
                });
            }
        }
        return names;
    }

    // ---- command line -----------------------------------------------------------------------------------------

    /** Whether the service was started to check routes rather than to run. */
    public static boolean requested(String[] args) {
        return args.length > 0 && (args[0].equals(OPTION) || args[0].startsWith(OPTION + "="));
    }

    /** Checks the folder named by {@code --check-routes=<folder>} (default {@code routes}); 0 = no problem. */
    public static int run(String[] args) throws IOException {
        String folder = args[0].startsWith(OPTION + "=") ? args[0].substring(OPTION.length() + 1) : "routes";
        Path path = Path.of(folder.isBlank() ? "routes" : folder);
        if (!Files.isDirectory(path)) {
            System.err.println(path + ": not a folder of routes");
            return 2;
        }
        long started = System.nanoTime();
        RouteCheck check = create();
        List<Problem> problems = check.check(path);
        long files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).count();
        }
        problems.forEach(System.out::println);
        System.out.printf("%s: %d route file(s) checked in %d ms, %d problem(s)%n", path, files,
                (System.nanoTime() - started) / 1_000_000, problems.size());
        return problems.isEmpty() ? 0 : 1;
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args.length == 0 ? new String[] {OPTION} : new String[] {OPTION + "=" + args[0]}));
    }
}
