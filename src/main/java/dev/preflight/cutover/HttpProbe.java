package dev.preflight.cutover;

import static dev.preflight.report.Durations.millis;

import dev.preflight.core.Errors;
import dev.preflight.exec.HttpCheck;
import dev.preflight.exec.HttpGet;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP requests the cutover makes itself: health and smoke checks, monitor samples and the
 * "who is serving" probe behind the load balancer. Thread-safe (one {@link HttpGet}).
 */
public final class HttpProbe {
    private final HttpGet http = new HttpGet(Duration.ofSeconds(5), true, "preflight-cutover");

    /**
     * One response, or the reason there was none.
     *
     * @param status 0 when no response came (refused, reset, timeout)
     * @param text   the body followed by the header values, for marker and {@code contains} matching
     */
    public record Sample(int status, long latencyMs, String text, String error) {
        public boolean responded() {
            return error == null;
        }
    }

    /** A check's result: passed, with a one-line detail. */
    public record CheckResult(String name, String url, boolean passed, String detail) {
    }

    public Sample get(String url, Duration timeout) {
        HttpGet.Answer a = http.get(url, timeout);
        if (!a.responded()) {
            return new Sample(0, a.latencyMs(), "", a.error());
        }
        StringBuilder text = new StringBuilder(a.body());
        for (Map.Entry<String, List<String>> h : a.headers().entrySet()) {
            text.append('\n').append(h.getKey()).append(": ").append(String.join(",", h.getValue()));
        }
        return new Sample(a.status(), a.latencyMs(), text.toString(), null);
    }

    /**
     * One GET on a new connection that is closed afterwards ({@code Connection: close}): what a
     * new client gets now, never an answer over a kept-alive connection to a process the load
     * balancer is retiring.
     */
    public Sample getFresh(String url, Duration timeout) {
        long t0 = System.nanoTime();
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("Connection", "close");
            c.setRequestProperty("User-Agent", "preflight-cutover");
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            StringBuilder text = new StringBuilder(in == null ? "" : new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
            for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
                if (h.getKey() != null) {
                    text.append('\n').append(h.getKey()).append(": ").append(String.join(",", h.getValue()));
                }
            }
            return new Sample(status, (System.nanoTime() - t0) / 1_000_000, text.toString(), null);
        } catch (IOException | IllegalArgumentException e) {
            return new Sample(0, (System.nanoTime() - t0) / 1_000_000, "", Errors.describe(e));
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** Runs one check: the status must match, within the latency bound, with the expected text. */
    public CheckResult check(HttpCheck c) {
        // The request may take a little longer than the bound so a slow answer is reported as slow, not as no answer.
        Sample s = get(c.url(), c.maxLatency().plusSeconds(5));
        if (!s.responded()) {
            return new CheckResult(c.name(), c.url(), false, "no response: " + s.error());
        }
        if (s.status() != c.status()) {
            return new CheckResult(c.name(), c.url(), false, "HTTP " + s.status() + ", expected " + c.status());
        }
        if (s.latencyMs() > c.maxLatency().toMillis()) {
            return new CheckResult(c.name(), c.url(), false, "took " + millis(Duration.ofMillis(s.latencyMs()))
                    + ", limit " + millis(c.maxLatency()));
        }
        if (c.contains() != null && !s.text().contains(c.contains())) {
            return new CheckResult(c.name(), c.url(), false, "response does not contain '" + c.contains() + "'");
        }
        return new CheckResult(c.name(), c.url(), true, "HTTP " + s.status() + " in " + millis(Duration.ofMillis(s.latencyMs())));
    }
}
