package dev.preflight.restore;

import dev.preflight.exec.HttpCheck;
import dev.preflight.exec.HttpGet;
import java.time.Duration;

/**
 * Runs the plan's HTTP smoke checks against the staging application with {@link HttpGet}: the
 * status must match, the body must contain the given text, and the answer must come within the
 * latency bound (measured from sending the request to the end of the body).
 */
final class HttpChecker {
    private final HttpGet http = new HttpGet(Duration.ofSeconds(10), false, null);

    Check run(HttpCheck c) {
        // Wait a little past the bound so that "too slow" can say by how much, but never hang.
        Duration wait = c.maxLatency().multipliedBy(2).plusSeconds(5);
        HttpGet.Answer resp = http.get(c.url(), wait);
        if (resp.timedOut()) {
            return Check.fail("http", c.name(), "GET " + c.url() + ": no answer within " + wait.toMillis()
                    + " ms (bound " + c.maxLatency().toMillis() + " ms)");
        }
        if (!resp.responded()) {
            return Check.fail("http", c.name(), "GET " + c.url() + ": " + resp.error());
        }
        long ms = resp.latencyMs();
        StringBuilder problems = new StringBuilder();
        if (resp.status() != c.status()) {
            problems.append("status ").append(resp.status()).append(", expected ").append(c.status()).append("; ");
        }
        if (c.contains() != null && !resp.body().contains(c.contains())) {
            problems.append("body does not contain '").append(c.contains()).append("'; ");
        }
        if (ms > c.maxLatency().toMillis()) {
            problems.append("too slow: ").append(ms).append(" ms, bound ").append(c.maxLatency().toMillis())
                    .append(" ms; ");
        }
        if (problems.length() > 0) {
            return Check.fail("http", c.name(), "GET " + c.url() + ": "
                    + problems.substring(0, problems.length() - 2));
        }
        return Check.pass("http", c.name(), "GET " + c.url() + ": " + resp.status() + " in " + ms + " ms"
                + (c.contains() == null ? "" : ", body contains '" + c.contains() + "'"));
    }
}
