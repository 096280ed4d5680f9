package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.tokens.TokenCipher;
import org.junit.jupiter.api.Test;
import org.oauthtestserver.TestAuthorizationServer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/** The scheduled refresh against a real OAuth 2.0 server that rotates refresh tokens (Spring Authorization Server). */
class RefreshAgainstRealOAuthServerTest {

    private static final String ADMIN_KEY = "real-oauth-admin-key-0123456789";

    @Test
    void tokensAreRefreshedAndTheRotatedRefreshTokenIsUsedNextTime() throws Exception {
        try (ConfigurableApplicationContext oauth = new SpringApplicationBuilder(TestAuthorizationServer.class)
                .run("--server.port=0", "--spring.config.location=optional:classpath:/none/", "--spring.main.banner-mode=off")) {
            int oauthPort = ((ServletWebServerApplicationContext) oauth).getWebServer().getPort();
            OAuth2AuthorizationService authorizations = oauth.getBean(OAuth2AuthorizationService.class);
            TestAuthorizationServer.grantRefreshToken(authorizations, "rep-real-oauth", "seed-refresh-token-1");

            Files.createDirectories(Path.of("target/test-data"));
            Path dataDir = Files.createTempDirectory(Path.of("target/test-data"), "real-oauth-");
            try (ConfigurableApplicationContext service = new SpringApplicationBuilder(ClickToCallApplication.class).run(
                    "--server.port=0", "--spring.autoconfigure.exclude=" + ServiceTest.NO_WEB_SECURITY,
                    "--app.data-dir=" + dataDir, "--calls.admin-api-keys=" + ADMIN_KEY,
                    "--dialpad.base-url=http://127.0.0.1:" + oauthPort,
                    "--dialpad.oauth.client-id=" + TestAuthorizationServer.CLIENT_ID,
                    "--dialpad.oauth.client-secret=" + TestAuthorizationServer.CLIENT_SECRET,
                    "--dialpad.oauth.redirect-uri=https://ctc.example.com/oauth/dialpad/callback",
                    "--tokens.refresh.cron=0 0 0 1 1 ? 2099", "--calls.sweep.cron=0 0 0 1 1 ? 2099")) {
                int port = ((ServletWebServerApplicationContext) service).getWebServer().getPort();
                HttpResponse<String> imported = HttpClient.newHttpClient().send(HttpRequest
                        .newBuilder(URI.create("http://127.0.0.1:" + port + "/reps/rep-real-oauth/dialpad-token"))
                        .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("""
                                {"access_token": "seed-access-rep-real-oauth", "refresh_token": "seed-refresh-token-1",
                                 "expires_in": 60, "dialpad_user_id": "5105429914877111"}"""))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
                ProducerTemplate producer = service.getBean(ProducerTemplate.class);
                JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
                TokenCipher cipher = service.getBean(TokenCipher.class);

                producer.sendBody("direct:refresh-expiring-tokens", null);
                Map<String, Object> first = jdbc.queryForMap("SELECT * FROM dialpad_tokens WHERE rep_id = 'rep-real-oauth'");
                String firstRefresh = cipher.decrypt("rep-real-oauth", "refresh_token", (String) first.get("refresh_token"));
                String firstAccess = cipher.decrypt("rep-real-oauth", "access_token", (String) first.get("access_token"));

                assertThat(first).containsEntry("status", "active");
                assertThat(firstRefresh).isNotEqualTo("seed-refresh-token-1");
                assertThat(firstAccess.split("\\.")).as("a JWT from the server").hasSize(3);
                assertThat(authorizations.findByToken("seed-refresh-token-1", null))
                        .as("the server no longer knows the used refresh token").isNull();
                assertThat(authorizations.findByToken(firstRefresh, null)).isNotNull();

                // the next refresh must present the rotated token, or the server would refuse it
                jdbc.update("UPDATE dialpad_tokens SET expires_at = now() + interval '1 minute' WHERE rep_id = 'rep-real-oauth'");
                producer.sendBody("direct:refresh-expiring-tokens", null);
                Map<String, Object> second = jdbc.queryForMap("SELECT * FROM dialpad_tokens WHERE rep_id = 'rep-real-oauth'");
                String secondRefresh = cipher.decrypt("rep-real-oauth", "refresh_token", (String) second.get("refresh_token"));

                assertThat(second).containsEntry("status", "active").containsEntry("refresh_failures", 0);
                assertThat(secondRefresh).isNotEqualTo(firstRefresh).isNotEqualTo("seed-refresh-token-1");
            }
        }
    }
}
