package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

/** With the call log unreachable nothing is dialled, yet the CRM still gets a tel: link to open. */
@DirtiesContext
class DatabaseUnavailableTest extends ServiceTest {

    @Autowired
    EmbeddedPostgres postgres;

    @Test
    void aClickWhileTheDatabaseIsDownIs503WithATelLinkAndNoDialpadCall() throws Exception {
        connectRep("rep-db-down");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"1\"}")));
        postgres.close();

        long start = System.nanoTime();
        Answer answer = postCall("{\"rep_id\": \"rep-db-down\", \"to_number\": \"(555) 123-4567\"}");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("database_unavailable");
        assertThat(answer.json().get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("jdbc").doesNotContain("postgres");
        assertThat(dialpadRequests()).as("no call is placed that could not be logged").isEmpty();
        assertThat(millis).as("answered within the pool's 2 s connection timeout").isLessThan(5000);
    }
}
