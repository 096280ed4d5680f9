package org.clicktocall;

import org.springframework.test.context.TestPropertySource;

/**
 * DIALPAD_CALL_MODE=Initiate (capitalised): the same initiate_call request as the lower-case spelling. Before the
 * mode was resolved in one place, Java built an initiate body (no user_id) that the route posted to /api/v2/call.
 */
@TestPropertySource(properties = "dialpad.call-mode=Initiate")
class InitiateModeCapitalisedTest extends InitiateModeTest {
}
