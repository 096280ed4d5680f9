package org.clicktocall.calls;

import java.util.Map;
import java.util.UUID;

import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/** GET /calls/{id}: a well-formed id to look up, and the stored row or a 404. */
@Component("callLookups")
public class CallLookups {

    private final CallAnswers answers;

    public CallLookups(CallAnswers answers) {
        this.answers = answers;
    }

    /** SQL parameters for the lookup; an id that is not a UUID cannot exist, so it is a 404 too. */
    public Map<String, Object> byId(String id) {
        try {
            if (id == null || id.length() != 36) {
                throw new IllegalArgumentException("not a canonical UUID");
            }
            return Map.of("id", UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.notFound("No call with this id");
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> found(Object row) {
        if (!(row instanceof Map<?, ?> map)) {
            throw ApiException.notFound("No call with this id");
        }
        return answers.stored((Map<String, Object>) map);
    }
}
