package org.clicktocall.routes;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.BeanScope;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.BeanProcessorFactory;
import org.apache.camel.spi.IdAware;
import org.apache.camel.spi.RouteIdAware;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.builder.ExpressionBuilder;
import org.apache.camel.support.MessageHelper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.StringQuoteHelper;
import org.springframework.stereotype.Component;

/**
 * The routes' {@code bean} steps with their arguments parsed once, when the route is built, instead of on every call.
 *
 * <p>A step such as
 * {@code method: "decide(${variable.attempt.destination}, ${variable.attempt.receivedAt}, ${variable.start.doNotCall})"}
 * keeps its arguments visible in the YAML; Camel's bean component, though, splits that string and looks each
 * argument up in the simple language's cache on every call, and walks {@code attempt.destination} through its OGNL
 * support (a copy of the exchange per step): about a tenth of a click's CPU (bench/RESULTS.md). Here each argument
 * becomes an expression of the context's simple language once ({@link ParsedSimpleExpressions} reads
 * {@code ${variable.x.y}} directly); the values are converted to the parameter types with Camel's type converters
 * and the result becomes the body, as Camel's bean step does.
 *
 * <p>Anything else is left to Camel's own factory: steps without arguments, names matching more than one method of
 * that arity, beans that are not singletons, non-static methods of a {@code beanType}, methods returning a callable
 * or a future, and argument forms beyond a single {@code ${...}} or {@code null} (other literals, type hints).
 */
@Component
public class ParsedBeanCalls implements BeanProcessorFactory, CamelContextConfiguration {

    private BeanProcessorFactory camelFactory;
    private final AtomicInteger parsedSteps = new AtomicInteger();
    private final Queue<String> argumentsLeftToCamel = new ConcurrentLinkedQueue<>();

    @Override
    public void beforeApplicationStart(CamelContext context) {
        camelFactory = PluginHelper.getBeanProcessorFactory(context);
        context.getCamelContextExtension().addContextPlugin(BeanProcessorFactory.class, this);
    }

    @Override
    public void afterApplicationStart(CamelContext context) {
        // nothing to do
    }

    @Override
    public Processor createBeanProcessor(CamelContext context, Object bean, Method method) throws Exception {
        return camelFactory.createBeanProcessor(context, bean, method);
    }

    @Override
    public Processor createBeanProcessor(CamelContext context, Object bean, String beanType, Class<?> beanClass,
                                         String ref, String method, BeanScope scope) throws Exception {
        Processor parsed = parse(context, bean, beanType, beanClass, ref, method, scope);
        if (parsed != null) {
            parsedSteps.incrementAndGet();
            return parsed;
        }
        if (method != null && method.contains("(")) {
            argumentsLeftToCamel.add(method);
        }
        return camelFactory.createBeanProcessor(context, bean, beanType, beanClass, ref, method, scope);
    }

    /** How many bean steps built so far are parsed ones. */
    public int parsedSteps() {
        return parsedSteps.get();
    }

    /** The bean steps with arguments that are Camel's own (their method text), in the order they were built. */
    public List<String> argumentsLeftToCamel() {
        return List.copyOf(argumentsLeftToCamel);
    }

    /** A processor for a step whose bean, method and every argument could be resolved now; else null. */
    static Processor parse(CamelContext context, Object bean, String beanType, Class<?> beanClass, String ref,
                           String method, BeanScope scope) throws ClassNotFoundException {
        if (method == null || scope != BeanScope.Singleton || !method.endsWith(")")) {
            return null;
        }
        int open = method.indexOf('(');
        if (open <= 0) {
            return null;
        }
        String name = method.substring(0, open).trim();
        String inside = method.substring(open + 1, method.length() - 1).trim();
        if (inside.isEmpty()) {
            return null;
        }
        String[] arguments = StringQuoteHelper.splitSafeQuote(inside, ',', true, true);

        Object target = bean;
        Class<?> type;
        if (target == null && ref != null && !ref.isBlank()) {
            target = context.getRegistry().lookupByName(ref);
            if (target == null) {
                return null; // Camel's factory reports the missing bean
            }
        }
        if (target != null) {
            type = target.getClass();
        } else if (beanClass != null) {
            type = beanClass;
        } else if (beanType != null) {
            type = context.getClassResolver().resolveMandatoryClass(beanType);
        } else {
            return null;
        }

        Method chosen = null;
        for (Method candidate : type.getMethods()) {
            if (candidate.getName().equals(name) && candidate.getParameterCount() == arguments.length
                    && !candidate.isBridge() && !candidate.isSynthetic()) {
                if (chosen != null) {
                    return null; // overloaded: Camel's own rules choose
                }
                chosen = candidate;
            }
        }
        if (chosen == null || (target == null && !Modifier.isStatic(chosen.getModifiers()))
                || Callable.class.isAssignableFrom(chosen.getReturnType())
                || CompletionStage.class.isAssignableFrom(chosen.getReturnType())) {
            return null;
        }
        if (!chosen.trySetAccessible()) {
            return null;
        }

        Expression[] compiled = new Expression[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            compiled[i] = argument(context, arguments[i].trim());
            if (compiled[i] == null) {
                return null;
            }
        }
        return new Call(Modifier.isStatic(chosen.getModifiers()) ? null : target, chosen, compiled,
                context.getTypeConverter(), method);
    }

    /**
     * One argument as it will be read on every call: a single {@code ${...}} becomes an expression of the context's
     * simple language, created once (with this service's, {@link ParsedSimpleExpressions}, a {@code ${variable.x.y}}
     * reads the record directly); {@code null} is null; anything else (literals, type hints) is left to Camel (null).
     */
    static Expression argument(CamelContext context, String text) {
        if (text.equals("null")) {
            return ExpressionBuilder.constantExpression(null);
        }
        if (!text.startsWith("${") || !text.endsWith("}") || text.indexOf("${", 2) >= 0) {
            return null;
        }
        Expression expression = context.resolveLanguage("simple").createExpression(text);
        expression.init(context);
        return expression;
    }

    /** One parsed bean step: read the arguments, convert them, call the method, set the result as the body. */
    public static final class Call implements Processor, IdAware, RouteIdAware {
        private final Object target;
        private final Method method;
        private final Class<?>[] types;
        private final Expression[] arguments;
        private final TypeConverter converter;
        private final boolean returnsValue;
        private final String text;
        private String id;
        private String routeId;

        Call(Object target, Method method, Expression[] arguments, TypeConverter converter, String text) {
            this.target = target;
            this.method = method;
            this.types = method.getParameterTypes();
            this.arguments = arguments;
            this.converter = converter;
            this.returnsValue = method.getReturnType() != void.class;
            this.text = text;
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            MessageHelper.resetStreamCache(exchange.getIn());
            Object[] values = new Object[arguments.length];
            for (int i = 0; i < values.length; i++) {
                Object value = arguments[i].evaluate(exchange, Object.class);
                if (value instanceof String text) {
                    // As Camel's bean step: the text "null" is null, and surrounding quotes are dropped
                    value = "null".equals(text) ? null : StringHelper.removeLeadingAndEndingQuotes(text);
                }
                if (value != null && !types[i].isInstance(value)) {
                    value = converter.mandatoryConvertTo(types[i], exchange, value);
                }
                values[i] = value;
            }
            Object result;
            try {
                result = method.invoke(target, values);
            } catch (InvocationTargetException e) {
                // On the exchange, as Camel's bean step does: an Error thrown out of a step would skip the
                // route's error handling and leave the unit of work open
                exchange.setException(e.getTargetException());
                return;
            }
            if (returnsValue) {
                setResult(exchange, result);
            }
        }

        /** As Camel's bean step: on the out message when the exchange expects one, in a plain message. */
        private static void setResult(Exchange exchange, Object result) {
            boolean out = exchange.hasOut() || ExchangeHelper.isOutCapable(exchange);
            Message old = out ? exchange.getOut() : exchange.getIn();
            if (out) {
                old.getHeaders().putAll(exchange.getIn().getHeaders());
            }
            if (old.getClass().equals(DefaultMessage.class)) {
                old.setBody(result);
            } else {
                Message message = new DefaultMessage(exchange.getContext());
                message.copyFromWithNewBody(old, result);
                ExchangeHelper.replaceMessage(exchange, message, false);
            }
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public void setId(String id) {
            this.id = id;
        }

        @Override
        public String getRouteId() {
            return routeId;
        }

        @Override
        public void setRouteId(String routeId) {
            this.routeId = routeId;
        }

        @Override
        public String toString() {
            return "bean[" + method.getDeclaringClass().getSimpleName() + "." + text + "]";
        }
    }
}
