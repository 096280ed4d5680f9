package org.clicktocall.security;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    public record Operation(String id, Access access, List<String> consumes, int maxBodyBytes) {
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
    private final Map<String, Operation> byMethodAndPath = new ConcurrentHashMap<>();

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
        if (byMethodAndPath.isEmpty()) {
            load();
        }
        Operation operation = byMethodAndPath.get(key(method, pathTemplate));
        return operation != null ? operation : new Operation("unknown", Access.REFUSED, List.of(), 0);
    }

    /** Every operation, for tests and for the start-up check. */
    public Map<String, Operation> all() {
        if (byMethodAndPath.isEmpty()) {
            load();
        }
        return Map.copyOf(byMethodAndPath);
    }

    private synchronized void load() {
        if (!byMethodAndPath.isEmpty()) {
            return;
        }
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
                byMethodAndPath.put(key(verb.asVerb(), path),
                        new Operation(verb.getId(), access(secured, verb), consumes, max));
            }
        }
    }

    private static Access access(boolean securedBlock, VerbDefinition verb) {
        List<String> keys = verb.getSecurity() == null ? List.of()
                : verb.getSecurity().stream().map(SecurityDefinition::getKey).toList();
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
