package org.clicktocall.security;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.stereotype.Component;

/**
 * Which key each REST operation needs, read from the REST definitions in {@code routes/rest-api.yaml}: an operation
 * whose {@code security} names {@code adminKey} needs an admin key, {@code crmKey} a CRM (or admin) key. An operation
 * is open only when its whole {@code rest} block declares no security definitions at all (Dialpad's signed events,
 * the OAuth redirect); an operation in a secured block that forgets {@code security} is refused to everyone.
 *
 * <p>The lookup is by the operation the router matched (its method and path template), never by the request's own
 * spelling of the path, so no encoding, case or dot-segment trick reaches an operation with the wrong key.
 */
@Component
public class Operations {

    public enum Access { OPEN, CRM, ADMIN, REFUSED }

    /** What the gate needs to know about one operation. */
    /**
     * One operation: {@code widget} when its {@code security} also lists {@code widgetToken}, so a browser widget's
     * token (bound to one rep) is accepted besides the key; {@code path} is its template, for the rep id in it.
     */
    public record Operation(String id, Access access, List<String> consumes, int maxBodyBytes, boolean widget,
                            String path) {
        Operation(String id, Access access, List<String> consumes, int maxBodyBytes) {
            this(id, access, consumes, maxBodyBytes, false, null);
        }

        public boolean takesBody() {
            return !consumes.isEmpty();
        }

        /** Only JSON operations insist on a JSON content type; Dialpad's events arrive as JWT text of any label. */
        public boolean jsonOnly() {
            return consumes.equals(List.of("application/json"));
        }
    }

    static final String CRM_KEY = "crmKey";
    static final String ADMIN_KEY = "adminKey";
    static final String WIDGET_TOKEN = "widgetToken";
    /** Ordinary request bodies (a click, a token import) are small. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    /** Dialpad's call objects can carry transcripts and link lists. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;
    /** A do-not-call import: 100,000 CSV rows of a number and a reason of up to ~60 characters (admin key only). */
    public static final int MAX_IMPORT_BYTES = 8 * 1024 * 1024;
    /** The biggest body any operation takes: anything declaring more is refused before routing. */
    public static final int LARGEST_BODY_BYTES = MAX_IMPORT_BYTES;
    private static final String EVENTS_OPERATION = "receive-dialpad-event";
    private static final String IMPORT_OPERATION = "import-do-not-call";

    private final CamelContext camel;
    /** Built whole, then published at once: a request never sees a half-read table. */
    private volatile Map<String, Operation> byMethodAndPath = Map.of();

    public Operations(CamelContext camel) {
        this.camel = camel;
    }

    /**
     * The operation served at {@code method path} (the path template the router registered, e.g.
     * {@code /reps/{rep_id}/dialpad-token}); an unknown pair is {@link Access#REFUSED}: fail closed.
     */
    public Operation find(String method, String pathTemplate, String apiContextPath) {
        if (pathTemplate != null && pathTemplate.equals(apiContextPath)) {
            return new Operation("openapi", Access.OPEN, List.of(), 0);
        }
        Operation operation = table().get(key(method, pathTemplate));
        return operation != null ? operation : new Operation("unknown", Access.REFUSED, List.of(), 0);
    }

    /** Every operation, for tests and for the start-up check. */
    public Map<String, Operation> all() {
        return table();
    }

    private Map<String, Operation> table() {
        Map<String, Operation> table = byMethodAndPath;
        return table.isEmpty() ? load() : table;
    }

    private synchronized Map<String, Operation> load() {
        if (!byMethodAndPath.isEmpty()) {
            return byMethodAndPath;
        }
        Map<String, Operation> table = new HashMap<>();
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (RestDefinition rest : model.getRestDefinitions()) {
            boolean secured = rest.getSecurityDefinitions() != null;
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = join(rest.getPath(), verb.getPath());
                // A body is taken where the operation names its media types (consumes) or its body type (type:
                // JSON, possibly optional, as the connect call's); anywhere else a body is refused.
                List<String> consumes = verb.getConsumes() != null
                        ? List.of(verb.getConsumes().toLowerCase(Locale.ROOT).replace(" ", "").split(","))
                        : verb.getType() != null ? List.of("application/json") : List.of();
                int max = EVENTS_OPERATION.equals(verb.getId()) ? MAX_EVENT_BYTES
                        : IMPORT_OPERATION.equals(verb.getId()) ? MAX_IMPORT_BYTES : MAX_BODY_BYTES;
                Access access = access(secured, verb);
                // A widget token only ever adds to a CRM operation: never to an admin one, never to an open one.
                boolean widget = access == Access.CRM && keys(verb).contains(WIDGET_TOKEN);
                table.put(key(verb.asVerb(), path), new Operation(verb.getId(), access, consumes, max, widget, path));
            }
        }
        byMethodAndPath = Map.copyOf(table);
        return byMethodAndPath;
    }

    private static List<String> keys(VerbDefinition verb) {
        return verb.getSecurity() == null ? List.of()
                : verb.getSecurity().stream().map(SecurityDefinition::getKey).toList();
    }

    private static Access access(boolean securedBlock, VerbDefinition verb) {
        List<String> keys = keys(verb);
        if (keys.contains(ADMIN_KEY)) {
            return Access.ADMIN;
        }
        if (keys.contains(CRM_KEY)) {
            return Access.CRM;
        }
        return securedBlock || !keys.isEmpty() ? Access.REFUSED : Access.OPEN;
    }

    private static String join(String base, String path) {
        String joined = (base == null ? "" : base) + (path == null ? "" : path);
        return joined.replaceAll("/{2,}", "/");
    }

    private static String key(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }
}
