package dev.preflight.restore;

import dev.preflight.core.Errors;
import dev.preflight.restore.RestorePlan.HttpCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Runs the plan's HTTP smoke checks against the staging application with {@link HttpClient}: the
 * status must match, the body must contain the given text, and the answer must come within the
 * latency bound (measured from sending the request to the end of the body).
 */
final class HttpChecker {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Check run(HttpCheck c) {
        // Wait a little past the bound so that "too slow" can say by how much, but never hang.
        Duration wait = c.maxLatency().multipliedBy(2).plusSeconds(5);
        HttpRequest req = HttpRequest.newBuilder(URI.create(c.url())).timeout(wait).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<String> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return Check.fail("http", c.name(), "GET " + c.url() + ": no answer within " + wait.toMillis()
                    + " ms (bound " + c.maxLatency().toMillis() + " ms)");
        } catch (IOException e) {
            return Check.fail("http", c.name(), "GET " + c.url() + ": " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail("http", c.name(), "GET " + c.url() + ": interrupted");
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        StringBuilder problems = new StringBuilder();
        if (resp.statusCode() != c.status()) {
            problems.append("status ").append(resp.statusCode()).append(", expected ").append(c.status()).append("; ");
        }
        if (c.bodyContains() != null && !resp.body().contains(c.bodyContains())) {
            problems.append("body does not contain '").append(c.bodyContains()).append("'; ");
        }
        if (ms > c.maxLatency().toMillis()) {
            problems.append("too slow: ").append(ms).append(" ms, bound ").append(c.maxLatency().toMillis())
                    .append(" ms; ");
        }
        if (problems.length() > 0) {
            return Check.fail("http", c.name(), "GET " + c.url() + ": "
                    + problems.substring(0, problems.length() - 2));
        }
        return Check.pass("http", c.name(), "GET " + c.url() + ": " + resp.statusCode() + " in " + ms + " ms"
                + (c.bodyContains() == null ? "" : ", body contains '" + c.bodyContains() + "'"));
    }
}
