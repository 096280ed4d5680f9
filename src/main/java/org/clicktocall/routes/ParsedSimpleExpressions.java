package org.clicktocall.routes;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.language.simple.SimpleLanguage;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.support.ExpressionToPredicateAdapter;
import org.springframework.stereotype.Component;

/**
 * Camel's simple language, with a record's component read directly in the forms the routes use most.
 *
 * <p>{@code ${variable.start.token}}, {@code ${variable.attempt.request.outboundCallerId} != null} and templates such
 * as {@code /calls/${variable.answer.id}} go through Camel's OGNL support, which copies the exchange and builds a bean
 * invocation for each step of the path on every evaluation: on the click path that was ~4 % of the CPU. Here those
 * three forms read the variable and each component with a method found once per class
 * ({@link PropertyPath}); a null on the way, a map, a name that is no component or getter, or any
 * other expression is Camel's simple language unchanged. Camel finds this language under the name
 * {@code simple-language} in the registry before its own.
 */
@Component("simple-language")
public class ParsedSimpleExpressions extends SimpleLanguage {

    private static final String PATH = "variable\\.([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+)";
    private static final Pattern ONE_PATH = Pattern.compile("\\$\\{" + PATH + "}");
    private static final Pattern NULL_CHECK = Pattern.compile("\\$\\{" + PATH + "}\\s*(==|!=)\\s*null");
    private static final Pattern ANY_FUNCTION = Pattern.compile("\\$\\{([^}]*)}");

    @Override
    public Expression createExpression(String expression) {
        Expression parsed = expression == null ? null : parse(expression.trim());
        return parsed != null ? parsed : super.createExpression(expression);
    }

    @Override
    public Predicate createPredicate(String expression) {
        String text = expression == null ? "" : expression.trim();
        Matcher check = NULL_CHECK.matcher(text);
        if (check.matches()) {
            boolean wantNull = check.group(2).equals("==");
            PropertyPath path = path(check.group(1), super.createExpression("${variable." + check.group(1) + "}"));
            return new Predicate() {
                @Override
                public boolean matches(Exchange exchange) {
                    return (path.value(exchange) == null) == wantNull;
                }

                @Override
                public void init(CamelContext context) {
                    path.init(context);
                }

                @Override
                public String toString() {
                    return text;
                }
            };
        }
        if (ONE_PATH.matcher(text).matches()) {
            return ExpressionToPredicateAdapter.toPredicate(createExpression(text));
        }
        return super.createPredicate(expression);
    }

    /** A single path, or literal text with paths in it; null for anything else. */
    private Expression parse(String text) {
        Matcher one = ONE_PATH.matcher(text);
        if (one.matches()) {
            return path(one.group(1), super.createExpression(text));
        }
        if (!text.contains("${")) {
            return null;
        }
        List<Object> parts = new ArrayList<>();
        Matcher function = ANY_FUNCTION.matcher(text);
        int at = 0;
        while (function.find()) {
            Matcher path = ONE_PATH.matcher(function.group());
            String before = text.substring(at, function.start());
            if (!path.matches() || before.contains("${") || before.contains("$simple{")) {
                return null;
            }
            if (!before.isEmpty()) {
                parts.add(before);
            }
            parts.add(path(path.group(1), null));
            at = function.end();
        }
        String rest = text.substring(at);
        if (rest.contains("${") || rest.contains("$simple{")) {
            return null;
        }
        if (!rest.isEmpty()) {
            parts.add(rest);
        }
        return new Template(text, parts, super.createExpression(text));
    }

    private static PropertyPath path(String dotted, Expression byCamel) {
        return new PropertyPath(dotted.split("\\."), byCamel);
    }

    /**
     * {@code ${variable.x.a.b}}: the variable, then each name as a no-argument method (a record component), a
     * getter or an is-getter of the value before it, found once per class. A null on the way, a map, a list, an
     * array or a name that is none of these is read by Camel's own expression, so its rules apply unchanged.
     */
    public static final class PropertyPath extends ExpressionAdapter {
        private final String[] path;
        private final Expression byCamel;
        private final Map<Class<?>, Method>[] readers;

        /** {@code byCamel} reads the same path the slow way; null: the caller falls back itself (directValue). */
        @SuppressWarnings("unchecked")
        PropertyPath(String[] path, Expression byCamel) {
            this.path = path;
            this.byCamel = byCamel;
            this.readers = new Map[path.length];
            for (int i = 1; i < path.length; i++) {
                readers[i] = new ConcurrentHashMap<>(4);
            }
        }

        @Override
        public Object evaluate(Exchange exchange) {
            return value(exchange);
        }

        /** The value, read directly when possible, else by Camel. */
        public Object value(Exchange exchange) {
            Object value = read(exchange);
            if (value != UNREADABLE) {
                return value;
            }
            return byCamel == null ? null : byCamel.evaluate(exchange, Object.class);
        }

        /** The value read directly; null when it is null or cannot be read directly. */
        public Object directValue(Exchange exchange) {
            Object value = read(exchange);
            return value == UNREADABLE ? null : value;
        }

        /** An absent variable is null (as in Camel); a null further on is Camel's to report (UNREADABLE). */
        private Object read(Exchange exchange) {
            Object value = exchange.getVariable(path[0]);
            if (value == null) {
                return null;
            }
            for (int i = 1; i < path.length; i++) {
                if (value == null || value instanceof Map || value instanceof List || value.getClass().isArray()) {
                    return UNREADABLE;
                }
                String name = path[i];
                Method reader = readers[i].computeIfAbsent(value.getClass(), type -> reader(type, name));
                if (reader == NO_READER) {
                    return UNREADABLE;
                }
                try {
                    value = reader.invoke(value);
                } catch (ReflectiveOperationException e) {
                    return UNREADABLE;
                }
            }
            return value;
        }

        @Override
        public void init(CamelContext context) {
            if (byCamel != null) {
                byCamel.init(context);
            }
        }

        @Override
        public String toString() {
            return "${variable." + String.join(".", path) + "}";
        }
    }

    private static final Method NO_READER;
    private static final Object UNREADABLE = new Object();

    static {
        try {
            NO_READER = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The public no-argument method {@code name()}, {@code getName()} or {@code isName()} of a type, or NO_READER. */
    static Method reader(Class<?> type, String name) {
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : List.of(name, "get" + capitalised, "is" + capitalised)) {
            try {
                Method method = type.getMethod(candidate);
                if (method.getReturnType() != void.class && !Modifier.isStatic(method.getModifiers())
                        && method.trySetAccessible()) {
                    return method;
                }
            } catch (NoSuchMethodException e) {
                // try the next form
            }
        }
        return NO_READER;
    }

    /**
     * Literal text with {@code ${variable.x.y}} parts: each part converted to text by Camel's converters; a part that
     * is null or cannot be read directly makes the whole template Camel's (which renders null its own way).
     */
    static final class Template extends ExpressionAdapter {
        private final String text;
        private final List<Object> parts;
        private final Expression byCamel;

        Template(String text, List<Object> parts, Expression byCamel) {
            this.text = text;
            this.parts = parts;
            this.byCamel = byCamel;
        }

        @Override
        public Object evaluate(Exchange exchange) {
            StringBuilder out = new StringBuilder(text.length() + 32);
            for (Object part : parts) {
                if (part instanceof String literal) {
                    out.append(literal);
                    continue;
                }
                Object value = ((PropertyPath) part).directValue(exchange);
                if (value == null) {
                    return byCamel.evaluate(exchange, Object.class);
                }
                out.append(value instanceof String s ? s
                        : exchange.getContext().getTypeConverter().convertTo(String.class, exchange, value));
            }
            return out.toString();
        }

        @Override
        public void init(CamelContext context) {
            byCamel.init(context);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
