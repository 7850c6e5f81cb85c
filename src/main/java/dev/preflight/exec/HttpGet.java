package dev.preflight.exec;

import dev.preflight.core.Errors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Timed GET requests over one {@link HttpClient} (thread-safe), never following redirects: the
 * runner under restore's HTTP checks and cutover's probes. Each capability judges the answer and
 * words its own messages.
 */
public final class HttpGet {
    private final HttpClient client;
    private final String userAgent;

    /**
     * @param http11    HTTP/1.1 only; otherwise the client's default (HTTP/2 where offered)
     * @param userAgent the User-Agent header, or null for the client's own
     */
    public HttpGet(Duration connectTimeout, boolean http11, String userAgent) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (http11) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        this.client = b.build();
        this.userAgent = userAgent;
    }

    /**
     * One answer, or why there was none.
     *
     * @param status    0 when no answer came
     * @param latencyMs from sending the request to the end of the body (0 when interrupted)
     * @param error     null when an answer came, else what went wrong ({@code interrupted} when interrupted)
     * @param timedOut  no answer within the request's timeout
     */
    public record Answer(int status, long latencyMs, String body, Map<String, List<String>> headers, String error,
                         boolean timedOut) {
        public boolean responded() {
            return error == null;
        }
    }

    /** GETs {@code url}, waiting at most {@code timeout} for the whole answer. */
    public Answer get(String url, Duration timeout) {
        long t0 = System.nanoTime();
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
            if (userAgent != null) {
                req.header("User-Agent", userAgent);
            }
            HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(res.statusCode(), (System.nanoTime() - t0) / 1_000_000, res.body(), res.headers().map(),
                    null, false);
        } catch (IOException | IllegalArgumentException e) {
            return new Answer(0, (System.nanoTime() - t0) / 1_000_000, "", Map.of(), Errors.describe(e),
                    e instanceof HttpTimeoutException);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, 0, "", Map.of(), "interrupted", false);
        }
    }
}
