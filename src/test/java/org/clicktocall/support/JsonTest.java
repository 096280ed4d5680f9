package org.clicktocall.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class JsonTest {

    private static InputStream inMemory(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A network stream: says nothing about what is left. */
    private static InputStream streamed(String text) {
        return new FilterInputStream(inMemory(text)) {
            @Override
            public int available() {
                return 0;
            }
        };
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void anAnswerIsReadWholeWhetherInMemoryOrStreamed() {
        String answer = "{\"call_id\": 6342343299702784, \"note\": \"" + "x".repeat(20_000) + "\"}";
        assertThat(text(Json.bytes(inMemory(answer), 64 * 1024))).isEqualTo(answer);
        assertThat(text(Json.bytes(streamed(answer), 64 * 1024))).isEqualTo(answer);
        assertThat(Json.tree(Json.bytes(streamed(answer), 64 * 1024)).get("call_id").asLong())
                .isEqualTo(6342343299702784L);
    }

    @Test
    void noMoreThanTheLimitIsReadOfAnOversizedAnswer() {
        String answer = "y".repeat(100);
        assertThat(text(Json.bytes(inMemory(answer), 10))).isEqualTo("y".repeat(10));
        assertThat(text(Json.bytes(streamed(answer), 10))).isEqualTo("y".repeat(10));
    }

    @Test
    void anAbsentOrEmptyAnswerIsEmptyAndNoDocument() {
        assertThat(Json.bytes(null, 10)).isEmpty();
        assertThat(Json.bytes(inMemory(""), 10)).isEmpty();
        assertThat(Json.bytes(streamed(""), 10)).isEmpty();
        assertThat(Json.tree(new byte[0])).isNull();
        assertThat(Json.tree("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
