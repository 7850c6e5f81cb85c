package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.preflight.exec.HttpCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP smoke checks against an in-process server: pass, wrong status, wrong body, too slow, nobody there. */
class HttpCheckerTest {
    private HttpServer server;
    private String base;
    // The slow handler answers only once the test lets it (after the client's bound has passed).
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", x -> answer(x, 200, "status: healthy"));
        server.createContext("/down", x -> answer(x, 503, "maintenance"));
        server.createContext("/slow", x -> {
            try {
                // Holds the answer well past the 50 ms bound (released early only when the test ends).
                release.await(600, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(x, 200, "status: healthy");
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void aHealthyAnswerWithinTheBoundPasses() {
        Check c = new HttpChecker().run(new HttpCheck("home", base + "/health", 200, Duration.ofSeconds(30), "healthy"));
        assertThat(c.passed()).as(c.detail()).isTrue();
        assertThat(c.detail()).contains("GET " + base + "/health: 200 in ", "body contains 'healthy'");
    }

    @Test
    void aWrongStatusFailsAndSaysWhichItGot() {
        Check c = new HttpChecker().run(new HttpCheck("home", base + "/down", 200, Duration.ofSeconds(30), null));
        assertThat(c.passed()).isFalse();
        assertThat(c.detail()).contains("status 503, expected 200");
    }

    @Test
    void aBodyWithoutTheExpectedTextFails() {
        Check c = new HttpChecker().run(new HttpCheck("home", base + "/health", 200, Duration.ofSeconds(30), "academy"));
        assertThat(c.passed()).isFalse();
        assertThat(c.detail()).contains("body does not contain 'academy'").doesNotContain("status");
    }

    @Test
    void anAnswerSlowerThanTheBoundFails() {
        Check c = new HttpChecker().run(new HttpCheck("home", base + "/slow", 200, Duration.ofMillis(50), null));
        assertThat(c.passed()).isFalse();
        assertThat(c.detail()).containsAnyOf("too slow: ", "no answer within");
        assertThat(c.detail()).contains("bound 50 ms");
    }

    @Test
    void nobodyListeningFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Check c = new HttpChecker().run(new HttpCheck("home", "http://127.0.0.1:" + port + "/", 200,
                Duration.ofSeconds(5), null));
        assertThat(c.passed()).isFalse();
        assertThat(c.detail()).contains("connection refused").doesNotContain("Exception");
    }
}
