package dev.preflight.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tools the audit knows: how to ask each for its version and how to read the answer. Parsers
 * read the whole output (stdout then stderr) because real tools print warnings first
 * ({@code PHP Warning: ...}) or write their version to stderr ({@code java -version},
 * {@code nginx -v}). Server-side probes ({@code mysql-server}, {@code redis}) parse what the server
 * answers ({@code SELECT VERSION()}, {@code INFO server}).
 */
public enum Tool {
    PHP("php", List.of("php", "-n", "-r", "echo PHP_VERSION;")),
    NODE("node", List.of("node", "-v")),
    NPM("npm", List.of("npm", "-v")),
    COMPOSER("composer", List.of("composer", "--version", "--no-ansi")),
    MYSQL("mysql", List.of("mysql", "--version")),
    MARIADB("mariadb", List.of("mariadb", "--version")),
    MYSQL_SERVER("mysql-server", List.of()),
    REDIS_SERVER("redis-server", List.of("redis-server", "-v")),
    REDIS("redis", List.of()),
    NGINX("nginx", List.of("nginx", "-v")),
    FLUTTER("flutter", List.of("flutter", "--version", "--machine")),
    GIT("git", List.of("git", "--version")),
    JAVA("java", List.of("java", "-version")),
    /** A tool the plan describes itself: its own argv and a regex with a named group {@code version}. */
    CUSTOM("custom", List.of());

    private static final String V = "(\\d+(?:\\.\\d+)+[0-9A-Za-z.+~_-]*)";
    private static final Pattern PHP_BANNER = Pattern.compile("(?m)^PHP " + V + " \\(");
    private static final Pattern BARE = Pattern.compile("^v?" + V + "$");
    private static final Pattern COMPOSER_LINE = Pattern.compile("Composer (?:version )?" + V);
    private static final Pattern MARIADB_DISTRIB = Pattern.compile("Distrib (\\d+\\.\\d+\\.\\d+)-MariaDB");
    private static final Pattern MARIADB_FROM = Pattern.compile("from (\\d+\\.\\d+\\.\\d+)-MariaDB");
    private static final Pattern MYSQL_VER = Pattern.compile("Ver " + V + " for ");
    private static final Pattern SERVER_VERSION = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)(\\S*)$");
    private static final Pattern REDIS_V = Pattern.compile("Redis server v=" + V);
    private static final Pattern REDIS_INFO = Pattern.compile("(?m)^redis_version:" + V + "\\s*$");
    private static final Pattern NGINX_V = Pattern.compile("nginx/" + V);
    private static final Pattern GIT_V = Pattern.compile("git version (\\d+\\.\\d+\\.\\d+)");
    private static final Pattern JAVA_V = Pattern.compile("version \"(\\d+(?:\\.\\d+)*[^\"]*)\"");

    private final String id;
    private final List<String> argv;

    Tool(String id, List<String> argv) {
        this.id = id;
        this.argv = argv;
    }

    /** The name used in plans ({@code php}, {@code mysql-server}, ...). */
    public String id() {
        return id;
    }

    /** The default probe; empty for server probes, which need a connection. */
    public List<String> defaultArgv() {
        return argv;
    }

    /** {@code mysql} or {@code redis} for tools asked through a server connection; null for host tools. */
    public String serverKind() {
        return this == MYSQL_SERVER ? "mysql" : this == REDIS ? "redis" : null;
    }

    /**
     * Reads the version with a plan-given regex (named group {@code version}) instead of the
     * tool's own rule; the first match in the whole output counts.
     */
    public static Optional<Parsed> parse(String output, Pattern pattern) {
        Matcher m = pattern.matcher(output == null ? "" : output);
        if (!m.find() || m.group("version") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Parsed(Version.parse(m.group("version")), null, "pattern " + pattern.pattern()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static Optional<Tool> byId(String id) {
        for (Tool t : values()) {
            if (t.id.equals(id)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Reads the version from the tool's output; empty when no rule matches. */
    public Optional<Parsed> parse(String output) {
        String out = output == null ? "" : output.strip();
        return switch (this) {
            case PHP -> first(out, PHP_BANNER, null, "php -v banner").or(() -> bare(lastLine(out), null));
            case NODE, NPM -> bare(lastLine(out), null);
            case COMPOSER -> first(out, COMPOSER_LINE, null, "Composer version line");
            case MYSQL, MARIADB -> mysqlClient(out);
            case MYSQL_SERVER -> server(lastLine(out));
            case REDIS_SERVER -> first(out, REDIS_V, null, "redis-server v=");
            case REDIS -> first(out, REDIS_INFO, null, "INFO server redis_version");
            case NGINX -> first(out, NGINX_V, null, "nginx/VERSION");
            case FLUTTER -> flutter(out);
            case GIT -> first(out, GIT_V, null, "git version");
            case JAVA -> first(out, JAVA_V, null, "java -version quoted version");
            case CUSTOM -> Optional.empty();
        };
    }

    private static Optional<Parsed> mysqlClient(String out) {
        // MariaDB's client reports its own client version first ("Ver 15.1"); the server line
        // version is the Distrib/from part. Reading "Ver X" blindly gives 15.1.
        Optional<Parsed> m = first(out, MARIADB_DISTRIB, "mariadb", "MariaDB 'Distrib X-MariaDB'");
        if (m.isPresent()) {
            return m;
        }
        m = first(out, MARIADB_FROM, "mariadb", "MariaDB 'from X-MariaDB'");
        if (m.isPresent()) {
            return m;
        }
        return first(out, MYSQL_VER, "mysql", "MySQL 'Ver X for'");
    }

    private static Optional<Parsed> server(String line) {
        Matcher m = SERVER_VERSION.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        boolean maria = m.group(2).contains("MariaDB");
        return Optional.of(new Parsed(Version.parse(maria ? m.group(1) : m.group(1) + m.group(2)),
                maria ? "mariadb" : "mysql", "SELECT VERSION()"));
    }

    private static Optional<Parsed> flutter(String out) {
        int brace = out.indexOf('{');
        if (brace < 0) {
            return Optional.empty();
        }
        try {
            // A first-run banner may precede the JSON; parse from the first brace.
            JsonNode n = Json.parse(out.substring(brace));
            String v = n.path("frameworkVersion").asText("");
            return v.isEmpty() ? Optional.empty()
                    : Optional.of(new Parsed(Version.parse(v), null, "flutter --machine frameworkVersion"));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Parsed> bare(String s, String flavor) {
        Matcher m = BARE.matcher(s.strip());
        return m.matches() ? Optional.of(new Parsed(Version.parse(m.group(1)), flavor, "bare version"))
                : Optional.empty();
    }

    private static Optional<Parsed> first(String out, Pattern p, String flavor, String rule) {
        Matcher m = p.matcher(out);
        return m.find() ? Optional.of(new Parsed(Version.parse(m.group(1)), flavor, rule)) : Optional.empty();
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\\R");
        return lines[lines.length - 1].strip();
    }
}
