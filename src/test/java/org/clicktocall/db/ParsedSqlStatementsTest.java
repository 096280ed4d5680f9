package org.clicktocall.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.component.sql.SqlEndpoint;
import org.apache.camel.component.sql.SqlHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The statement strategy that parses each SQL file once must bind exactly what camel-sql's own strategy binds, for
 * every statement the routes run: the same JDBC text and the same values in the same order, read from the body
 * first, then the headers, then the variables; and it must be the one every sql endpoint uses.
 */
class ParsedSqlStatementsTest {

    private static final Pattern NAME = Pattern.compile(":#(\\w+)");

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void everyStatementBindsWhatCamelSqlWouldBind() throws Exception {
        List<Path> files;
        try (Stream<Path> sql = Files.list(Path.of("src/main/resources/sql"))) {
            files = sql.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(30);
        ParsedSqlStatements parsed = new ParsedSqlStatements();
        DefaultSqlPrepareStatementStrategy camelSql = new DefaultSqlPrepareStatementStrategy();
        for (Path file : files) {
            String query = SqlHelper.resolvePlaceholders(Files.readString(file), "#").replace(":#", ":?");
            List<String> names = new ArrayList<>();
            Matcher m = NAME.matcher(Files.readString(file).lines().filter(l -> !l.trim().startsWith("--"))
                    .reduce("", (a, b) -> a + "\n" + b));
            while (m.find()) {
                names.add(m.group(1));
            }
            // half the names in the body, one in a header, the rest in variables: the lookup order matters
            Map<String, Object> body = new LinkedHashMap<>();
            Exchange exchange = new DefaultExchange(camel);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (i % 3 == 0) {
                    body.put(name, "body-" + name);
                    exchange.getIn().setHeader(name, "header-" + name);
                } else if (i % 3 == 1) {
                    exchange.getIn().setHeader(name, "header-" + name);
                    exchange.setVariable(name, "variable-" + name);
                } else {
                    exchange.setVariable(name, "variable-" + name);
                }
            }
            exchange.getIn().setBody(body);
            for (int round = 0; round < 2; round++) { // the second round is answered from the parsed statement
                assertThat(parsed.prepareQuery(query, true, exchange)).as(file.toString())
                        .isEqualTo(camelSql.prepareQuery(query, true, exchange));
                assertThat(values(parsed.createPopulateIterator(query, null, names.size(), exchange, body)))
                        .as(file.toString())
                        .isEqualTo(values(camelSql.createPopulateIterator(query, null, names.size(), exchange, body)));
            }
        }
    }

    @Test
    void aMissingParameterIsRefusedAsCamelSqlRefusesIt() throws Exception {
        String query = "select * from calls where id = :?id and rep_id = :?repId";
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(Map.of("id", "c1"));
        Iterator<?> values = new ParsedSqlStatements().createPopulateIterator(query, null, 2, exchange, Map.of("id", "c1"));
        assertThat(values.next()).isEqualTo("c1");
        assertThatThrownBy(values::next).isInstanceOf(RuntimeExchangeException.class)
                .hasMessageContaining("Cannot find key [repId]");
    }

    @Test
    void everySqlEndpointUsesIt() throws Exception {
        ParsedSqlStatements parsed = new ParsedSqlStatements();
        camel.getRegistry().bind("dataSource", new PGSimpleDataSource());
        parsed.beforeApplicationStart(camel);
        SqlEndpoint endpoint = camel.getEndpoint("sql:select 1 where :#a = :#b?dataSource=#dataSource",
                SqlEndpoint.class);
        assertThat(endpoint.getPrepareStatementStrategy()).isSameAs(parsed);
    }

    private static List<Object> values(Iterator<?> it) {
        List<Object> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
