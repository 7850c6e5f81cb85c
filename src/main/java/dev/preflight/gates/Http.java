package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.core.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small REST client over {@link HttpClient} shared by the Jira, ServiceNow and PagerDuty
 * drivers: it adds the service's auth headers (never logged or put in messages), retries
 * 429 (after Retry-After, seconds or HTTP date, bounded) and 5xx / connection failures (bounded
 * backoff), turns 401/403 into a clear authentication error, and follows redirects itself so
 * credentials are never sent to another host. Thread-safe.
 */
public final class Http {
    /** How waiting is done; tests pass one that records the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        /** Waits before a retry; {@code why} says what failed and what is retried, for whoever is watching. */
        default void sleep(Duration d, String why) throws InterruptedException {
            sleep(d);
        }

        static Sleeper real() {
            return d -> Thread.sleep(d.toMillis());
        }

        /** Real waiting that first says on {@code err} what it waits for, so a slow gate is not a silent one. */
        static Sleeper telling(PrintWriter err) {
            return new Sleeper() {
                @Override
                public void sleep(Duration d) throws InterruptedException {
                    Thread.sleep(d.toMillis());
                }

                @Override
                public void sleep(Duration d, String why) throws InterruptedException {
                    synchronized (err) {
                        err.println("preflight: " + why);
                        err.flush();
                    }
                    sleep(d);
                }
            };
        }
    }

    /** Retry bounds: attempts in all, the longest Retry-After honoured, the first 5xx backoff. */
    public record Retries(int attempts, Duration maxRetryAfter, Duration backoff) {
        public static final Retries DEFAULT = new Retries(4, Duration.ofSeconds(60), Duration.ofSeconds(1));
    }

    /** A response as read: status, headers and the whole body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.parse(text());
            } catch (IllegalArgumentException e) {
                throw new GateException("the response (HTTP " + status + ") is not JSON" + snippet(body),
                        "check the URL: it may point at a login page or a proxy");
            }
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        /**
         * The server's clock as its {@code Date} header gives it (RFC 1123), if it sent one that
         * reads: a time this machine's clock did not make.
         */
        public Optional<Instant> date() {
            return header("Date").flatMap(v -> {
                try {
                    return Optional.of(ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                } catch (DateTimeParseException e) {
                    return Optional.empty();
                }
            });
        }
    }

    private final HttpClient client;
    private final String service;
    private final String authHint;
    private final Map<String, String> auth;
    private final Sleeper sleeper;
    private final Retries retries;
    private final Clock clock;
    private final String authHost;
    private final boolean secretUrl;

    /**
     * @param service  name used in messages ({@code jira}, {@code servicenow}, {@code pagerduty})
     * @param auth     headers that carry credentials (sent only to the host of the request's first URL)
     * @param authHint what to check when the service refuses the credentials
     */
    public Http(String service, Map<String, String> auth, String authHint, Sleeper sleeper, Retries retries, Clock clock) {
        this(service, null, false, auth, authHint, sleeper, retries, clock);
    }

    /**
     * @param authHost  the only host credentials are sent to (the configured base URL's host); null:
     *                  the host of each request's first URL
     * @param secretUrl the URL itself is a secret (a webhook): messages name the service, never the URL
     */
    public Http(String service, String authHost, boolean secretUrl, Map<String, String> auth, String authHint,
                Sleeper sleeper, Retries retries, Clock clock) {
        this.authHost = authHost;
        this.secretUrl = secretUrl;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.service = service;
        this.auth = Map.copyOf(auth);
        this.authHint = authHint;
        this.sleeper = sleeper;
        this.retries = retries;
        this.clock = clock;
    }

    public Response get(URI uri, Map<String, String> headers) {
        return send("GET", uri, headers, HttpRequest.BodyPublishers.noBody());
    }

    public Response post(URI uri, Map<String, String> headers, byte[] body) {
        return send("POST", uri, headers, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Sends with retries; any status other than 2xx after them is a {@link GateException}. */
    public Response send(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body) {
        String what = secretUrl ? method + " to the " + service + " URL" : method + " " + redactQuery(uri);
        URI target = uri;
        String authHost = this.authHost != null ? this.authHost : uri.getHost();
        int redirects = 0;
        int attempt = 0;
        while (true) {
            attempt++;
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60)).method(method, body);
            headers.forEach(b::header);
            if (target.getHost() != null && target.getHost().equalsIgnoreCase(authHost)) {
                auth.forEach(b::header);
            }
            HttpResponse<byte[]> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // The host and port are named even for a secret URL: the secret is its path, not its host.
                String why = (secretUrl ? "the connection failed" : Errors.describe(e)) + " ("
                        + hostPort(target) + ")";
                if (attempt < retries.attempts()) {
                    pause(backoff(attempt), what + ": " + why, attempt);
                    continue;
                }
                throw new GateException(service + ": cannot reach " + what + " after " + attempt + " attempt(s): "
                        + why, "check that " + hostPort(target) + " is the right host and port and that this host "
                        + "can reach it (proxy, firewall, VPN)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GateException(service + ": interrupted during " + what, null, e);
            }
            int s = r.statusCode();
            if (s >= 200 && s < 300) {
                return new Response(s, r.headers().map(), r.body());
            }
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && redirects < 5) {
                Optional<String> loc = r.headers().firstValue("Location");
                if (loc.isPresent()) {
                    target = target.resolve(loc.get());
                    redirects++;
                    attempt--;
                    continue;
                }
            }
            if (s == 401 || s == 403) {
                throw new GateException(service + ": authentication failed (HTTP " + s + ") for " + what
                        + (s == 403 ? ": the credentials are not allowed to do this" : ": the credentials were refused"),
                        authHint);
            }
            if (s == 404) {
                throw new GateException(service + ": not found (HTTP 404): " + what, "check the ticket / id in the plan");
            }
            if (s == 429) {
                Duration wait = retryAfter(r).orElse(backoff(attempt));
                if (wait.compareTo(retries.maxRetryAfter()) > 0) {
                    throw new GateException(service + ": rate limited (HTTP 429) for " + what + ": Retry-After "
                            + wait.toSeconds() + "s is longer than the " + retries.maxRetryAfter().toSeconds()
                            + "s Preflight waits", "try again later");
                }
                if (attempt < retries.attempts()) {
                    pause(wait, what + ": rate limited (HTTP 429)", attempt);
                    continue;
                }
                throw new GateException(service + ": still rate limited (HTTP 429) for " + what + " after " + attempt
                        + " attempts", "try again later");
            }
            if (s >= 500) {
                if (attempt < retries.attempts()) {
                    pause(backoff(attempt), what + ": server error (HTTP " + s + ")", attempt);
                    continue;
                }
                throw new GateException(service + ": server error (HTTP " + s + ") for " + what + " after " + attempt
                        + " attempts" + snippet(r.body()), "the service is failing; try again later");
            }
            throw new GateException(service + ": unexpected HTTP " + s + " for " + what + snippet(r.body()), null);
        }
    }

    /** Waits before attempt {@code failed + 1}, saying why and for how long. */
    private void pause(Duration d, String why, int failed) {
        try {
            sleeper.sleep(d, service + ": " + why + "; retry " + (failed + 1) + " of " + retries.attempts() + " in "
                    + Progress.elapsed(d.toMillis() / 1000.0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GateException(service + ": interrupted while waiting to retry", null, e);
        }
    }

    private static String hostPort(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
        return uri.getHost() + ":" + port;
    }

    private Duration backoff(int attempt) {
        return retries.backoff().multipliedBy(1L << Math.min(attempt - 1, 5));
    }

    private Optional<Duration> retryAfter(HttpResponse<?> r) {
        Optional<String> h = r.headers().firstValue("Retry-After");
        if (h.isEmpty()) {
            return Optional.empty();
        }
        String v = h.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static String snippet(byte[] body) {
        String t = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return t.isEmpty() ? "" : ": " + (t.length() > 200 ? t.substring(0, 200) + "..." : t);
    }

    // Query strings can carry ids but never credentials here; still, keep messages short.
    private static String redactQuery(URI u) {
        return u.getScheme() + "://" + u.getAuthority() + u.getRawPath();
    }
}
