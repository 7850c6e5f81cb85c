package dev.preflight.exec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a host's programs run: {@code local}, or {@code ssh://user@host[:port]} (port 22 by
 * default). Parsing is strict because a typo here sends commands to the wrong machine.
 *
 * @param scheme {@code local} or {@code ssh}
 * @param user   login user (ssh only)
 * @param host   host name or address (ssh only)
 * @param port   TCP port (ssh only; 22 by default)
 */
public record HostUri(String scheme, String user, String host, int port) {

    public static final HostUri LOCAL = new HostUri("local", null, null, 0);

    public HostUri {
        Objects.requireNonNull(scheme, "scheme");
    }

    public boolean isLocal() {
        return "local".equals(scheme);
    }

    /**
     * Parses {@code local} or {@code ssh://user@host[:port]}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and what is expected
     */
    public static HostUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty host URI (expected 'local' or 'ssh://user@host:port')");
        }
        String t = text.strip();
        if (t.equals("local") || t.equals("localhost-local")) {
            return LOCAL;
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: '" + t + "' (expected 'local' or 'ssh://user@host:port')");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("ssh")) {
            throw new IllegalArgumentException("unsupported host URI '" + t
                    + "': only 'local' and 'ssh://user@host:port' are supported");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("host URI '" + t + "' has no valid host name");
        }
        if (uri.getUserInfo() == null || uri.getUserInfo().isBlank()) {
            throw new IllegalArgumentException("host URI '" + t + "' names no user (expected ssh://user@host:port)");
        }
        if (uri.getUserInfo().contains(":")) {
            throw new IllegalArgumentException("host URI '" + t
                    + "' carries a password; use key authentication (identity file) instead");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("host URI '" + t + "' must not have a path, query or fragment");
        }
        int port = uri.getPort() == -1 ? 22 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("host URI '" + t + "' has port " + port + " outside 1-65535");
        }
        return new HostUri("ssh", uri.getUserInfo(), uri.getHost(), port);
    }

    @Override
    public String toString() {
        return isLocal() ? "local" : "ssh://" + user + "@" + host + ":" + port;
    }
}
