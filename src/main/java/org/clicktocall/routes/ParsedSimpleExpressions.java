package org.clicktocall.routes;

import java.util.ArrayList;
import java.util.List;
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
 * ({@link ParsedBeanCalls.PropertyPath}); a null on the way, a map, a name that is no component or getter, or any
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
            ParsedBeanCalls.PropertyPath path = path(check.group(1), super.createExpression("${variable." + check.group(1) + "}"));
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

    /** Camel's own expression for the text, never the direct reading (what a fallback must use). */
    Expression camelExpression(String text) {
        return super.createExpression(text);
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

    private static ParsedBeanCalls.PropertyPath path(String dotted, Expression byCamel) {
        return new ParsedBeanCalls.PropertyPath(dotted.split("\\."), byCamel);
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
                Object value = ((ParsedBeanCalls.PropertyPath) part).directValue(exchange);
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
