package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.BeanProcessorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bean step whose arguments are parsed once must behave exactly as Camel's own bean step: the same values reach
 * the method (bodies, headers in any case, variables, record components and getters along a path, nulls, converted
 * types), the result becomes the body, a void method leaves it, and an exception thrown by the bean reaches the
 * route's error handling as itself. Each case runs through Camel's factory and through ours, and the answers are
 * compared; the steps whose forms are left to Camel are checked to be Camel's.
 */
class ParsedBeanCallsTest {

    private final List<CamelContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
    }

    public record Inner(String name, Integer count) {
    }

    public record Outer(Inner inner, String label) {
    }

    public static final class Getters {
        public String getTitle() {
            return "getter";
        }

        public boolean isActive() {
            return true;
        }
    }

    public static final class Probe {
        public String join(String body, String header, String inner, Integer count) {
            return body + "|" + header + "|" + inner + "|" + count;
        }

        public String describe(Outer outer, Object missing, String label) {
            return outer.label() + "|" + missing + "|" + label;
        }

        public int twice(int number) {
            return number * 2;
        }

        public String beans(String title, boolean active) {
            return title + "|" + active;
        }

        public void sideEffect(String body) {
            // returns nothing: the body stays
        }

        public String fail(String body) {
            throw new IllegalStateException("refused: " + body);
        }

        public String overloaded(String a) {
            return "one";
        }

        public String overloaded(Integer a) {
            return "other";
        }

        public String breaks(String body) {
            throw new AssertionError("broken: " + body);
        }

        public String errorName(Exception e) {
            return e == null ? "none" : e.getClass().getSimpleName();
        }

        public static String shout(String text) {
            return text.toUpperCase();
        }
    }

    private static final List<String> STEPS = List.of(
            "join(${body}, ${header.X-Rep}, ${variable.outer.inner.name}, ${variable.outer.inner.count})",
            "describe(${variable.outer}, ${variable.nothing}, ${variable.outer.label})",
            "twice(${header.number})",
            "beans(${variable.getters.title}, ${variable.getters.active})",
            "sideEffect(${body})",
            "fail(${body})",
            "join(${body}, null, ${variable.nothing.name}, ${variable.outer.inner.count})",
            "join(${header.quoted}, ${header.nullWord}, ${header.quoted}, ${variable.outer.inner.count})",
            "breaks(${body})");

    @Test
    void eachStepGivesWhatCamelsBeanStepGives() throws Exception {
        Map<String, String> camel = answers(false);
        Map<String, String> parsed = answers(true);
        System.out.println("ParsedBeanCallsTest: " + parsed);
        assertThat(parsed).isEqualTo(camel);
        assertThat(parsed).containsEntry(STEPS.get(0), "hello|rep-7|inner|3")
                .containsEntry(STEPS.get(1), "outer|null|outer")
                .containsEntry(STEPS.get(2), "42")
                .containsEntry(STEPS.get(3), "getter|true")
                .containsEntry(STEPS.get(4), "hello")
                .containsEntry(STEPS.get(5), "IllegalStateException: refused: hello");
        // a null on the way gives null, as Camel's path does; so does the literal null
        assertThat(parsed).containsEntry(STEPS.get(6), "hello|null|null|3");
        assertThat(parsed).containsEntry(STEPS.get(7), "k|null|k|3");
        assertThat(parsed).containsEntry(STEPS.get(8), "AssertionError: broken: hello");
    }

    @Test
    void stepsWithArgumentsAreParsedAndOtherFormsStayCamels() throws Exception {
        CamelContext context = context(true);
        assertThat(processor(context, "join")).isInstanceOf(ParsedBeanCalls.Call.class);
        assertThat(processor(context, "static")).isInstanceOf(ParsedBeanCalls.Call.class);
        assertThat(processor(context, "overloaded")).isNotInstanceOf(ParsedBeanCalls.Call.class);
        assertThat(processor(context, "no-arguments")).isNotInstanceOf(ParsedBeanCalls.Call.class);
        assertThat(processor(context, "literal")).isNotInstanceOf(ParsedBeanCalls.Call.class);

        ProducerTemplate template = context.createProducerTemplate();
        assertThat(template.requestBody("direct:static", "quiet", String.class)).isEqualTo("QUIET");
        assertThat(template.requestBody("direct:overloaded", "x", String.class)).isEqualTo("one");
    }

    @Test
    void theExceptionInAFallbackIsTheCaughtOne() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            CamelContext context = context(ours);
            String answer = context.createProducerTemplate().requestBody("direct:caught", "x", String.class);
            assertThat(answer).as(ours ? "parsed" : "camel").isEqualTo("IllegalStateException");
        }
    }

    private Map<String, String> answers(boolean ours) throws Exception {
        CamelContext context = context(ours);
        ProducerTemplate template = context.createProducerTemplate();
        Map<String, String> answers = new LinkedHashMap<>();
        for (int i = 0; i < STEPS.size(); i++) {
            Exchange exchange = template.request("direct:step" + i, e -> {
                e.getIn().setBody("hello");
                e.getIn().setHeader("x-rep", "rep-7"); // another case than the step's X-Rep
                e.getIn().setHeader("number", "21");   // a String for an int parameter
                e.getIn().setHeader("quoted", "\"k\""); // Camel drops surrounding quotes...
                e.getIn().setHeader("nullWord", "null"); // ...and reads the text null as null
                e.setVariable("outer", new Outer(new Inner("inner", 3), "outer"));
                e.setVariable("getters", new Getters());
                e.setVariable("at", Instant.EPOCH);
            });
            Throwable failure = exchange.getException();
            while (failure != null && failure.getCause() != null && !(failure instanceof IllegalStateException)) {
                failure = failure.getCause(); // an Error arrives wrapped; compare what was thrown
            }
            answers.put(STEPS.get(i), failure != null
                    ? failure.getClass().getSimpleName() + ": " + failure.getMessage()
                    : String.valueOf(exchange.getMessage().getBody()));
        }
        return answers;
    }

    private CamelContext context(boolean ours) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        contexts.add(context);
        context.getRegistry().bind("probe", new Probe());
        if (ours) {
            // as in the service: the parsed bean steps with the simple language that reads records directly
            context.getRegistry().bind("simple-language", new ParsedSimpleExpressions());
            new ParsedBeanCalls().beforeApplicationStart(context);
            assertThat(context.getCamelContextExtension().getContextPlugin(BeanProcessorFactory.class))
                    .isInstanceOf(ParsedBeanCalls.class);
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < STEPS.size(); i++) {
                    from("direct:step" + i).bean("probe", STEPS.get(i)).id("step" + i);
                }
                from("direct:static").bean(Probe.class, "shout(${body})").id("static");
                from("direct:overloaded").bean("probe", "overloaded(${body})").id("overloaded");
                from("direct:no-arguments").bean("probe", "sideEffect").id("no-arguments");
                from("direct:literal").bean("probe", "twice(21)").id("literal");
                from("direct:join").bean("probe", STEPS.get(0)).id("join");
                from("direct:caught")
                        .doTry().throwException(new IllegalStateException("boom"))
                        .doCatch(Exception.class).bean("probe", "errorName(${exception})")
                        .end();
            }
        });
        context.start();
        return context;
    }

    private static Processor processor(CamelContext context, String id) {
        return context.getProcessor(id);
    }
}
