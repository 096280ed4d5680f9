package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The database is away when the service starts: the service starts anyway, answers clicks with 503 and the tel:
 * link, and brings itself fully up (schema, clustered schedules) once the database is there.
 */
class DatabaseComesBackTest {

    private static final String KEY = "db-back-crm-key-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsWithoutItsDatabaseAndCatchesUpWhenItArrives() throws Exception {
        int dbPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            dbPort = socket.getLocalPort();
        }
        Files.createDirectories(Path.of("target/test-data"));
        Path dataDir = Files.createTempDirectory(Path.of("target/test-data"), "db-back-");
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(ClickToCallApplication.class).run(
                "--server.port=0", "--spring.autoconfigure.exclude=" + org.clicktocall.support.ServiceTest.NO_WEB_SECURITY, "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres",
                "--spring.datasource.username=postgres", "--app.data-dir=" + dataDir,
                "--calls.api-keys=" + KEY, "--dialpad.base-url=http://127.0.0.1:9")) {
            int port = ((ServletWebServerApplicationContext) service).getWebServer().getPort();
            CamelContext camel = service.getBean(CamelContext.class);

            assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
            HttpResponse<String> click = click(port);
            assertThat(click.statusCode()).isEqualTo(503);
            assertThat(click.body()).contains("\"tel_uri\":\"tel:+15551234567\"");
            assertThat(camel.getRoute("schedule-call-sweep")).isNull();

            try (EmbeddedPostgres database = EmbeddedPostgres.builder().setPort(dbPort)
                    .setDataDirectory(dataDir.resolve("pg")).setCleanDataDirectory(true).start()) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> camel.getRoute("schedule-token-refresh") != null
                                && get(port, "/actuator/health/readiness").statusCode() == 200);

                assertThat(click(port).statusCode()).isEqualTo(201);
                assertThat(camel.getRoute("schedule-call-sweep")).isNotNull();
                assertThat(service.getBean(org.quartz.Scheduler.class).isStarted()).isTrue();
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> click(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/calls"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"rep_id\": \"rep-db-back\", \"to_number\": \"(555) 123-4567\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
