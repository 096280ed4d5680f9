package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Bodies are bounded on every method and path, and before any key is checked nothing is read: a huge or endless
 * body is refused at once, and clients trickling bodies cannot take the threads that clicks and probes need.
 * Raw sockets, so the test controls exactly what and when the client sends.
 */
@TestPropertySource(properties = {"calls.http.body-timeout=2s", "calls.http.keyless-body-readers=4"})
class RequestLimitsTest extends ServiceTest {

    private static final String HUGE = "Content-Length: 300000000\r\n";

    @Test
    void aBodyOnAGetDeleteHeadOrOptionsIsRefusedWithoutReadingIt() throws IOException {
        for (String method : new String[] {"GET", "DELETE", "HEAD", "OPTIONS"}) {
            for (String path : new String[] {"/oauth/dialpad/callback", "/calls", "/actuator/health", "/nowhere"}) {
                // 300 MB announced, 1 KB sent: an answer proves nothing waited for (or buffered) the rest
                String answer = exchange(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + HUGE + "\r\n" + "x".repeat(1024), 5000);
                assertThat(answer).as(method + " " + path).startsWith("HTTP/1.1 400");
                if (!method.equals("HEAD")) {
                    assertThat(answer).as(method + " " + path).contains("\"code\":\"body_not_allowed\"");
                }
            }
        }
    }

    @Test
    void aChunkedBodyOnAGetIsRefusedToo() throws IOException {
        String answer = exchange("GET /oauth/dialpad/callback?state=x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "400\r\n" + "x".repeat(1024) + "\r\n", 5000);
        assertThat(answer).startsWith("HTTP/1.1 400").contains("body_not_allowed");
    }

    @Test
    void anAnnouncedBodyOverTheLargestLimitIsA413BeforeAnyKeyOrRoute() throws IOException {
        for (String path : new String[] {"/dialpad/events", "/calls", "/reps/r1/dialpad-token", "/nowhere"}) {
            String answer = exchange("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + HUGE
                    + "\r\n{", 5000);
            assertThat(answer).as(path).startsWith("HTTP/1.1 413").contains("payload_too_large");
        }
    }

    @Test
    void anEndlessChunkedBodyIsCutAtTheOperationsLimit() throws IOException {
        try (Socket socket = connect(); OutputStream out = socket.getOutputStream()) {
            out.write(("POST /dialpad/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/jwt\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("1000\r\n" + "x".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                while (sent < 64L * 1024 * 1024) {   // the server must stop us long before 64 MB
                    out.write(chunk);
                    sent += 4096;
                }
            } catch (IOException closedByServer) {
                // expected: the server answered and closed
            }
            assertThat(readAnswer(socket, 5000)).startsWith("HTTP/1.1 413");
            assertThat(sent).isLessThan(8L * 1024 * 1024);
        }
    }

    @Test
    void uploadsAndMadeUpCharsetsAreRefusedBeforeAnythingIsRead() throws IOException {
        for (String type : new String[] {"multipart/form-data; boundary=x", "text/plain; charset=x-nope",
                "application/json; charset=\"nope\""}) {
            for (String path : new String[] {"/dialpad/events", "/nowhere", "/actuator/health/liveness", "/calls"}) {
                // a body announced and then trickled: an answer proves nothing waits for it
                String answer = exchange("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n", 5000);
                assertThat(answer).as(type + " " + path).startsWith("HTTP/1.1 415").contains("unsupported_media_type");
            }
        }
    }

    @Test
    void oneClientCannotTakeEveryReaderOfDialpadsEvents() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {   // the per-client limit (the whole limit here is 4 too)
                Socket socket = connect();
                socket.getOutputStream().write(("POST /dialpad/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/jwt\r\n"
                        + "Content-Length: 1000\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            sleep(300);
            String fifth = exchange("POST /dialpad/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/jwt\r\n"
                    + "Content-Length: 5\r\n\r\nabcde", 5000);
            assertThat(fifth).startsWith("HTTP/1.1 503").contains("busy");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        // once they are gone, events are read again
        sleep(300);
        String next = exchange("POST /dialpad/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/jwt\r\n"
                + "Content-Length: 5\r\n\r\nabcde", 5000);
        assertThat(next).startsWith("HTTP/1.1 401").contains("invalid_signature");
    }

    @Test
    void withoutAKeyNothingOfAClickBodyIsRead() throws IOException {
        int before = callCount();
        String answer = exchange("POST /calls HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"rep_id\": \"r1\", ", 5000);
        assertThat(answer).startsWith("HTTP/1.1 401").contains("unauthorized");
        assertThat(callCount()).isEqualTo(before);
    }

    @Test
    void aBodyThatTricklesIsCutOffAndClicksAndProbesStillAnswerAtOnce() throws Exception {
        connectRep("rep-limits");
        DIALPAD.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/api/v2/call")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"call_id\": \"77\"}")));
        int slow = 250;   // more than the server's 200 request threads
        List<Socket> sockets = new ArrayList<>();
        ExecutorService trickle = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < slow; i++) {
                Socket socket = connect();
                socket.getOutputStream().write(("POST /dialpad/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/jwt\r\n"
                        + "Content-Length: 1000\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            // one byte a second on every connection
            CompletableFuture<Void> trickling = CompletableFuture.runAsync(() -> {
                for (int second = 0; second < 6; second++) {
                    for (Socket socket : sockets) {
                        try {
                            socket.getOutputStream().write('x');
                        } catch (IOException closed) {
                            // the server gave up on it: what we want
                        }
                    }
                    sleep(1000);
                }
            }, trickle);

            sleep(500);
            long start = System.nanoTime();
            Answer liveness = send("GET", "/actuator/health/liveness", null);
            long livenessMs = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            Answer click = postCall("{\"rep_id\": \"rep-limits\", \"to_number\": \"5551234567\"}");
            long clickMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(liveness.status()).isEqualTo(200);
            assertThat(click.status()).isEqualTo(201);
            assertThat(click.json().get("action").asText()).isEqualTo("dialpad");
            assertThat(livenessMs).as("liveness answered in ms").isLessThan(2000);
            assertThat(clickMs).as("click answered in ms").isLessThan(2000);

            // every slow connection got an answer (busy at once, or timed out after the body deadline), none hangs
            int answered = 0;
            for (Socket socket : sockets) {
                String answer = readAnswer(socket, 8000);
                if (answer.startsWith("HTTP/1.1 503") || answer.startsWith("HTTP/1.1 408")) {
                    answered++;
                }
            }
            assertThat(answered).isEqualTo(slow);
            trickling.cancel(true);
        } finally {
            trickle.shutdownNow();
            trickle.awaitTermination(5, TimeUnit.SECONDS);
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    // ---- raw HTTP ----------------------------------------------------------------------------------------------

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends the bytes as they are and returns what the server answered (status line, headers, body). */
    private String exchange(String request, int timeoutMs) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return readAnswer(socket, timeoutMs);
        }
    }

    /** What arrives until the server closes or stops sending for a moment; fails when nothing came in time. */
    private static String readAnswer(Socket socket, int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                seen.write(buffer, 0, n);
                socket.setSoTimeout(300);   // the rest of the answer follows at once
            }
        } catch (SocketTimeoutException e) {
            if (seen.size() == 0) {
                throw new AssertionError("no answer within " + timeoutMs + " ms");
            }
        } catch (IOException reset) {
            if (seen.size() == 0) {
                throw reset;
            }
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
