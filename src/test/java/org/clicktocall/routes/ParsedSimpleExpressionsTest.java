package org.clicktocall.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.language.simple.SimpleLanguage;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simple language with records read directly must give what Camel's simple language gives, for every form it
 * reads directly (a path, a null check, a template) and for the cases it leaves to Camel (a null on the way, a map,
 * a name that is no component), as values, as predicates and as errors.
 */
class ParsedSimpleExpressionsTest {

    public record Request(String outboundCallerId, String repId) {
    }

    public record Attempt(String id, Request request, Map<String, Object> extra) {
    }

    public static final class Bean {
        public String getTitle() {
            return "getter";
        }

        public boolean isLogged() {
            return true;
        }
    }

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    private static final List<String> EXPRESSIONS = List.of(
            "${variable.attempt.id}",
            "${variable.attempt.request.repId}",
            "${variable.attempt.request.outboundCallerId}",
            "${variable.bean.title}",
            "${variable.bean.logged}",
            "${variable.absent.id}",
            "${variable.attempt.extra.key}",
            "${variable.empty.request.repId}",
            "${variable.attempt.nothing}",
            "/calls/${variable.attempt.id}",
            "http://dialpad.test/api/v2/users/${variable.attempt.request.repId}/initiate_call",
            "rep ${variable.attempt.request.repId} calls ${variable.attempt.request.outboundCallerId} now",
            "${variable.attempt.id} and ${header.x}",
            "${body}");

    private static final List<String> PREDICATES = List.of(
            "${variable.attempt.request.outboundCallerId} != null",
            "${variable.attempt.request.outboundCallerId} == null",
            "${variable.attempt.request.repId} != null",
            "${variable.absent.id} == null",
            "${variable.bean.logged}",
            "${variable.empty.request.repId} != null",
            "${variable.attempt.id} == 'call-1'");

    @Test
    void everyFormGivesWhatCamelsSimpleGives() {
        SimpleLanguage plain = start(new SimpleLanguage());
        ParsedSimpleExpressions parsed = start(new ParsedSimpleExpressions());

        Map<String, String> camelAnswers = answers(text -> evaluate(plain, text));
        Map<String, String> ours = answers(text -> evaluate(parsed, text));
        System.out.println("ParsedSimpleExpressionsTest: " + ours);

        assertThat(ours).isEqualTo(camelAnswers);
        assertThat(ours).containsEntry("${variable.attempt.id}", "call-1")
                .containsEntry("${variable.attempt.request.outboundCallerId}", "null")
                .containsEntry("/calls/${variable.attempt.id}", "/calls/call-1")
                .containsEntry("${variable.attempt.extra.key}", "RuntimeBeanExpressionException") // a map needs [key], as in Camel
                .containsEntry("${variable.attempt.request.outboundCallerId} != null", "false")
                .containsEntry("${variable.bean.logged}", "true");
        // the ones read directly are not Camel's expressions
        assertThat(parsed.createExpression("${variable.attempt.id}")).isInstanceOf(ParsedSimpleExpressions.PropertyPath.class);
        assertThat(parsed.createExpression("/calls/${variable.attempt.id}"))
                .isInstanceOf(ParsedSimpleExpressions.Template.class);
    }

    private Map<String, String> answers(Function<String, String> evaluate) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String text : EXPRESSIONS) {
            answers.put(text, evaluate.apply(text));
        }
        for (String text : PREDICATES) {
            answers.put(text, evaluate.apply("?" + text));
        }
        return answers;
    }

    private String evaluate(SimpleLanguage language, String text) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody("the body");
        exchange.getIn().setHeader("X", "header");
        exchange.setVariable("attempt", new Attempt("call-1", new Request(null, "rep-7"), Map.of("key", "from the map")));
        exchange.setVariable("bean", new Bean());
        exchange.setVariable("empty", new Attempt("call-2", null, Map.of()));
        try {
            if (text.startsWith("?")) {
                return String.valueOf(language.createPredicate(text.substring(1)).matches(exchange));
            }
            return String.valueOf(language.createExpression(text).evaluate(exchange, Object.class));
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    private <T extends SimpleLanguage> T start(T language) {
        language.setCamelContext(camel);
        ServiceHelper.startService(language);
        return language;
    }
}
