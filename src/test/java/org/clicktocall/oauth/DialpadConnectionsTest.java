package org.clicktocall.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;

/** Without DIALPAD_RETURN_URL the callback answers with a page: it must say plainly why nothing was connected. */
class DialpadConnectionsTest {

    @Test
    void aUniqueViolationHoweverWrappedIsDialpadUserInUse() {
        assertThat(DialpadConnections.reasonOf(new RuntimeException(new DuplicateKeyException("x")))).isEqualTo("dialpad_user_in_use");
        assertThat(DialpadConnections.reasonOf(new DataIntegrityViolationException("x", new SQLException("dup", "23505"))))
                .isEqualTo("dialpad_user_in_use");
        assertThat(DialpadConnections.reasonOf(new DataIntegrityViolationException("x", new SQLException("null", "23502"))))
                .isEqualTo("connect_failed");
    }

    @Test
    void thePageExplainsARefusedAccount() {
        assertThat(DialpadConnections.explanation("dialpad_user_in_use"))
                .contains("already connected to another CRM user").contains("dialpad_user_in_use");
        assertThat(DialpadConnections.explanation("dialpad_email_mismatch"))
                .contains("not yours").contains("Nothing was connected");
        assertThat(DialpadConnections.explanation("token_exchange_failed")).contains("could not be connected");
    }
}
