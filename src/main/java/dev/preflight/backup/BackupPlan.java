package dev.preflight.backup;

import dev.preflight.plan.DatabaseBackups;
import dev.preflight.plan.Plan;
import dev.preflight.plan.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan's {@code backups} section (runbook §2 steps 1-3 and 5): where artifacts go, what is
 * backed up, how long it is kept, and where the human-readable backup log lives.
 *
 * @param log          the Markdown backup log, resolved against the plan
 * @param lockDir      where per-source lock files live
 * @param destinations every place an artifact may be stored
 * @param sources      what is backed up, by name
 */
public record BackupPlan(Path log, Path lockDir, List<Destination> destinations, List<Source> sources)
        implements DatabaseBackups {
    /** The origins of the MySQL/MariaDB sources: what the cutover's contract accepts a backup of. */
    @Override
    public List<String> databaseOrigins() {
        return sources.stream().filter(s -> s.kind() == Kind.MYSQL).map(Source::origin).toList();
    }

    /** Default retention of database dumps (runbook §2: 30 days). */
    public static final Duration DB_RETENTION = Duration.ofDays(30);
    /** Default retention of Redis and asset snapshots (runbook §2: 7 days). */
    public static final Duration CACHE_RETENTION = Duration.ofDays(7);

    public BackupPlan {
        destinations = List.copyOf(destinations);
        sources = List.copyOf(sources);
    }

    public Optional<Source> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Destination> destination(String name) {
        return destinations.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The destinations a source writes to: those it names, else every destination. */
    public List<Destination> destinationsOf(Source s) {
        if (s.destinations().isEmpty()) {
            return destinations;
        }
        return s.destinations().stream().map(n -> destination(n).orElseThrow()).toList();
    }

    /**
     * Whether two destinations are one place, and how ({@code "are the same directory (/x)"}), or
     * null when they are distinct. Local: real paths (symlinks resolved as far as the path exists,
     * checked again at run time) equal or nested. S3: the same bucket on the same service with
     * equal or nested prefixes.
     */
    public static String overlap(Destination a, Destination b) {
        if (a instanceof LocalDestination la && b instanceof LocalDestination lb) {
            Path x = realPath(la.path());
            Path y = realPath(lb.path());
            if (x.equals(y)) {
                return "are the same directory (" + x + ")";
            } else if (x.startsWith(y) || y.startsWith(x)) {
                return "are nested directories (" + (x.startsWith(y) ? x + " is inside " + y : y + " is inside " + x) + ")";
            }
        } else if (a instanceof S3Destination sa && b instanceof S3Destination sb) {
            if (!sa.bucket().equals(sb.bucket()) || !sameService(sa.endpoint(), sb.endpoint())) {
                return null;
            }
            String pa = keyPrefix(sa.prefix());
            String pb = keyPrefix(sb.prefix());
            String where = "s3://" + sa.bucket() + "/";
            if (pa.equals(pb)) {
                return "are the same bucket and prefix (" + where + pa + ")";
            } else if (pa.startsWith(pb) || pb.startsWith(pa)) {
                return "are nested prefixes of one bucket (" + where + pa + " and " + where + pb + ")";
            }
        }
        return null;
    }

    /**
     * Whether {@code location} (a copy's, as its store wrote it) is directly in destination {@code d}
     * as the plan has it now: a file of its directory (real paths compared), or an object of its
     * bucket under its prefix. A destination pointed elsewhere since the copy was written does not
     * hold it. The S3 endpoint is not part of a location, so only bucket and prefix are compared.
     */
    public static boolean holds(Destination d, String location) {
        if (location == null) {
            return false;
        }
        if (d instanceof LocalDestination l) {
            if (location.startsWith("s3://")) {
                return false;
            }
            Path parent = Path.of(location).getParent();
            return parent != null && realPath(parent).equals(realPath(l.path()));
        }
        S3Destination s = (S3Destination) d;
        if (!location.startsWith("s3://")) {
            return false;
        }
        String rest = location.substring(5);
        int slash = rest.indexOf('/');
        if (slash < 0 || !rest.substring(0, slash).equals(s.bucket())) {
            return false;
        }
        String key = rest.substring(slash + 1).replaceAll("^/+", "");
        String prefix = keyPrefix(s.prefix());
        return key.startsWith(prefix) && !key.substring(prefix.length()).isEmpty()
                && !key.substring(prefix.length()).contains("/");
    }

    /** Where a destination is, as written in messages: its directory or {@code s3://bucket/prefix}. */
    public static String where(Destination d) {
        return d instanceof LocalDestination l ? realPath(l.path()).toString()
                : "s3://" + ((S3Destination) d).bucket() + "/" + keyPrefix(((S3Destination) d).prefix());
    }

    /** A path with every existing part's symlinks resolved; the rest appended as written. */
    public static Path realPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Deque<Path> rest = new ArrayDeque<>();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            rest.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        Path out;
        try {
            out = existing.toRealPath();
        } catch (IOException e) {
            return abs;
        }
        while (!rest.isEmpty()) {
            out = out.resolve(rest.pop());
        }
        return out.normalize();
    }

    /** A key prefix as the S3 store uses it: empty, or ending in one slash, no leading slash. */
    /**
     * Two S3 destinations of different services (as {@link #service} spells them) whose copies would
     * be the same objects if the two were one server under two names: one bucket, equal or nested
     * prefixes. Only a request can tell (BackupRun writes through one and looks through the other).
     */
    static boolean sameKeysElsewhere(Destination a, Destination b) {
        if (!(a instanceof S3Destination sa) || !(b instanceof S3Destination sb) || !sa.bucket().equals(sb.bucket())
                || sameService(sa.endpoint(), sb.endpoint())) {
            return false;
        }
        String pa = keyPrefix(sa.prefix());
        String pb = keyPrefix(sb.prefix());
        return pa.startsWith(pb) || pb.startsWith(pa);
    }

    /** An S3 destination's endpoint as the plan spells it ({@code AWS} when none), for messages. */
    static String endpointOf(Destination d) {
        return d instanceof S3Destination s && s.endpoint() != null && s.endpoint().endpoint() != null
                ? s.endpoint().endpoint() : "AWS";
    }

    static String keyPrefix(String prefix) {
        String p = prefix == null ? "" : prefix.replaceAll("^/+", "");
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    private static boolean sameService(S3Endpoint a, S3Endpoint b) {
        return service(a).equals(service(b));
    }

    /**
     * The S3 service an endpoint names, spelled one way: AWS (no endpoint, or any
     * {@code s3[.-]region.amazonaws.com}: bucket names are global there) is {@code aws}; another is
     * scheme, host and port with the scheme's default port filled in and the loopback names
     * ({@code localhost}, {@code 127.x}, {@code ::1}) one host. Host names are not resolved (a plan
     * is validated offline), so two names of one server still read as two services.
     */
    static String service(S3Endpoint e) {
        if (e == null || e.endpoint() == null || e.endpoint().isBlank()) {
            return "aws";
        }
        String text = e.endpoint().strip();
        URI u;
        try {
            u = URI.create(text);
        } catch (IllegalArgumentException ex) {
            return text.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
        }
        String host = u.getHost() == null ? null : u.getHost().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (u.getScheme() == null || host == null) {
            return text.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
        }
        if (host.matches("s3([.-][a-z0-9-]+)*\\.amazonaws\\.com")) {
            return "aws";
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        if (host.equals("localhost") || host.equals("[::1]") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}")) {
            host = "loopback";
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + host + ":" + port + path;
    }

    /** Where a source's artifacts are stored. */
    public sealed interface Destination {
        String name();
    }

    /** A directory on this machine (the runbook's on-prem {@code /backups}). */
    public record LocalDestination(String name, Path path) implements Destination {
    }

    /** A bucket (and key prefix) on any S3-compatible store. */
    public record S3Destination(String name, S3Endpoint endpoint, String bucket, String prefix) implements Destination {
    }

    /**
     * How to reach an S3 API.
     *
     * @param endpoint  endpoint override, null for AWS itself
     * @param pathStyle path-style addressing (most S3-compatible servers need it)
     * @param accessKey null to use the SDK's default credential chain
     */
    public record S3Endpoint(String region, String endpoint, boolean pathStyle, Secret accessKey, Secret secretKey) {
        /** True when two endpoints are the same service with the same credentials (server-side copy works). */
        public boolean sameService(S3Endpoint o) {
            return Objects.equals(endpoint, o.endpoint) && Objects.equals(region, o.region)
                    && Objects.equals(accessKey == null ? null : accessKey.value(),
                    o.accessKey == null ? null : o.accessKey.value());
        }
    }

    /** Source kinds, with their default retention. */
    public enum Kind {
        MYSQL("mysql", DB_RETENTION), REDIS("redis", CACHE_RETENTION), S3("s3", CACHE_RETENTION);

        private final String id;
        private final Duration retention;

        Kind(String id, Duration retention) {
            this.id = id;
            this.retention = retention;
        }

        public String id() {
            return id;
        }

        public Duration defaultRetention() {
            return retention;
        }
    }

    /**
     * One thing to back up.
     *
     * @param retention    how long its backups are kept (the kind's default when the plan says nothing)
     * @param namePattern  artifact name without extension; {@code {date}}, {@code {time}}, {@code {source}}
     * @param destinations destination names; empty means all
     * @param compression  {@code none} or {@code gzip}
     * @param timeout      wall-clock limit of one backup
     */
    public record Source(String name, Kind kind, MysqlSource mysql, RedisSource redis, S3Source s3,
                         String compression, Duration retention, String namePattern, List<String> destinations,
                         Duration timeout) {
        public Source {
            destinations = List.copyOf(destinations);
        }

        public boolean gzip() {
            return "gzip".equals(compression);
        }

        /**
         * What is backed up, as a reviewer reads it ({@code mysql://db.internal:3306/academy},
         * {@code redis://cache:6379}, {@code s3://ENDPOINT/bucket/prefix}); no credential. A backup records
         * it, so a source pointed at another server or database since is not vouched for by a backup of
         * the old one.
         */
        public String origin() {
            return switch (kind) {
                case MYSQL -> "mysql://" + mysql.endpoint().host() + ":" + mysql.endpoint().port() + "/"
                        + mysql.endpoint().database();
                case REDIS -> "redis://" + redis.host() + ":" + redis.port();
                case S3 -> "s3://" + (s3.endpoint() == null || s3.endpoint().endpoint() == null ? "aws"
                        + (s3.endpoint() == null || s3.endpoint().region() == null ? "" : "-" + s3.endpoint().region())
                        : s3.endpoint().endpoint()) + "/" + s3.bucket() + (s3.prefix() == null ? "" : "/" + s3.prefix());
            };
        }
    }

    /**
     * A MySQL or MariaDB database dumped with the server's own dump tool.
     *
     * @param endpoint      the server and the database (the one endpoint record of the plan)
     * @param dumpCommand   argv prefix of the dump tool; empty means {@code mariadb-dump}, else {@code mysqldump}
     * @param clientCommand argv prefix of the SQL client; empty means {@code mariadb}, else {@code mysql}
     */
    public record MysqlSource(Plan.Endpoint endpoint, List<String> dumpCommand, List<String> clientCommand) {
        public MysqlSource {
            dumpCommand = List.copyOf(dumpCommand);
            clientCommand = List.copyOf(clientCommand);
        }
    }

    /**
     * A Redis server whose RDB snapshot is fetched over the replication protocol ({@code mode: sync}) or
     * by {@code redis-cli --rdb} ({@code mode: redis-cli}, {@code command} overriding the tool path).
     */
    public record RedisSource(String host, int port, String username, Secret password, String mode,
                              List<String> command) {
        public RedisSource {
            command = List.copyOf(command);
        }
    }

    /**
     * An S3 bucket copied to a dated backup bucket or prefix ({@code {date}} is replaced).
     *
     * @param targetBucket  bucket the copy goes to (may contain {@code {date}})
     * @param targetPrefix  key prefix inside it (may contain {@code {date}})
     * @param target        how to reach the target; null means the same as the source
     */
    public record S3Source(S3Endpoint endpoint, String bucket, String prefix, String targetBucket,
                           String targetPrefix, S3Endpoint target) {
    }
}
