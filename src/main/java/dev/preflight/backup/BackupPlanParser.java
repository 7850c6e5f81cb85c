package dev.preflight.backup;

import static dev.preflight.plan.Shape.choice;
import static dev.preflight.plan.Shape.command;
import static dev.preflight.plan.Shape.duration;
import static dev.preflight.plan.Shape.flag;
import static dev.preflight.plan.Shape.listOf;
import static dev.preflight.plan.Shape.obj;
import static dev.preflight.plan.Shape.optional;
import static dev.preflight.plan.Shape.port;
import static dev.preflight.plan.Shape.required;
import static dev.preflight.plan.Shape.strings;
import static dev.preflight.plan.Shape.text;

import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan.Kind;
import dev.preflight.backup.BackupPlan.MysqlSource;
import dev.preflight.backup.BackupPlan.RedisSource;
import dev.preflight.backup.BackupPlan.S3Endpoint;
import dev.preflight.backup.BackupPlan.S3Source;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.Secret;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads and validates the plan's {@code backups} section into a {@link BackupPlan}. */
public final class BackupPlanParser implements SectionParser<BackupPlan> {
    static final String DEFAULT_LOG = "docs/upgrade/backups/backup-log.md";
    // Names become file names and lock names: keep them to a safe alphabet.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PATTERN = Pattern.compile("(?!\\.)([A-Za-z0-9._-]|\\{date}|\\{time}|\\{source})+");

    @Override
    public String key() {
        return "backups";
    }

    private static final List<String> S3_KEYS = List.of("region", "endpoint", "path_style", "access_key", "secret_key");

    /** S3 connection settings shared by destinations, bucket sources and their target. */
    private static Shape.Field[] s3Endpoint() {
        return new Shape.Field[] {
            optional("region", text("Region (default us-east-1).")),
            optional("endpoint", text("Any S3-compatible endpoint URL.")),
            optional("path_style", flag("Path-style addressing (default: true when endpoint is set).")),
            optional("access_key", text("Access key; use ${ENV_VAR}. Empty: the SDK's default chain.")),
            optional("secret_key", text("Secret key; use ${ENV_VAR}."))};
    }

    private static Shape.Field[] join(Shape.Field[] a, Shape.Field... b) {
        List<Shape.Field> out = new ArrayList<>(List.of(b));
        out.addAll(List.of(a));
        return out.toArray(Shape.Field[]::new);
    }

    static final Shape.Obj DESTINATION = obj("Where copies are stored: a local directory or an S3 bucket.", join(s3Endpoint(),
            required("name", text("Destination name (letters, digits, . _ -).")),
            required("type", choice("local or s3.", "local", "s3")),
            optional("path", text("local: the directory.")),
            optional("bucket", text("s3: the bucket.")),
            optional("prefix", text("s3: key prefix."))))
            .withVariants("type", variants(
                    "local", new Shape.Variant(List.of("name", "type", "path"), List.of("path")),
                    "s3", new Shape.Variant(concat(List.of("name", "type", "bucket", "prefix"), S3_KEYS), List.of("bucket"))));
    static final Shape.Obj MYSQL = obj("The database to dump.",
            optional("host", text("Host (default 127.0.0.1).")),
            optional("port", port("Port (default 3306).")),
            optional("user", text("User (default root).")),
            optional("password", text("Password; use ${ENV_VAR}.")),
            required("database", text("Database.")));
    static final Shape.Obj REDIS = obj("The Redis server to snapshot.",
            optional("host", text("Host (default 127.0.0.1).")),
            optional("port", port("Port (default 6379).")),
            optional("username", text("ACL user.")),
            optional("password", text("Password; use ${ENV_VAR}.")),
            optional("mode", choice("sync (default: the replication protocol) or redis-cli.", "sync", "redis-cli")));
    static final Shape.Obj S3_TARGET = obj("Where the bucket is copied to, when another service.", s3Endpoint());
    static final Shape.Obj S3 = obj("The bucket to copy.", join(s3Endpoint(),
            required("bucket", text("Source bucket.")),
            optional("prefix", text("Source key prefix.")),
            required("target_bucket", text("Bucket the objects are copied to ({date} allowed).")),
            optional("target_prefix", text("Target key prefix.")),
            optional("target", S3_TARGET)));
    private static final List<String> SOURCE_COMMON = List.of("name", "type", "compression", "retention", "name_pattern",
            "destinations", "timeout");
    static final Shape.Obj SOURCE = obj("What is backed up: a MySQL/MariaDB database, a Redis server or an S3 bucket.",
            required("name", text("Source name (letters, digits, . _ -).")),
            required("type", choice("mysql, redis or s3.", "mysql", "redis", "s3")),
            optional("mysql", MYSQL),
            optional("redis", REDIS),
            optional("s3", S3),
            optional("compression", choice("none (default) or gzip.", "none", "gzip")),
            optional("retention", duration("How long backups are kept, e.g. 30d.")),
            optional("name_pattern", text("File name pattern with {source}, {date}, {time}.")),
            optional("destinations", strings("Destination names (default: all).")),
            optional("dump_command", command("The dump tool's argv prefix.")),
            optional("client_command", command("mysql: the client's argv prefix.")),
            optional("timeout", duration("Limit per backup (default 6h).")))
            .withVariants("type", variants(
                    "mysql", new Shape.Variant(concat(SOURCE_COMMON, List.of("mysql", "dump_command", "client_command")),
                            List.of("mysql")),
                    "redis", new Shape.Variant(concat(SOURCE_COMMON, List.of("redis", "dump_command")), List.of("redis")),
                    "s3", new Shape.Variant(concat(SOURCE_COMMON, List.of("s3")), List.of("s3"))));
    static final Shape.Obj SHAPE = obj("Backups (runbook §2): sources, destinations, retention.",
            optional("log", text("Markdown backup log (default docs/upgrade/backups/backup-log.md).")),
            optional("lock_dir", text("Where per-source locks live (default .preflight/locks).")),
            required("destinations", listOf(DESTINATION, "Where every backup is copied (at least one).")),
            required("sources", listOf(SOURCE, "What is backed up (at least one).")));

    private static Map<String, Shape.Variant> variants(Object... kv) {
        Map<String, Shape.Variant> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Shape.Variant) kv[i + 1]);
        }
        return m;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public BackupPlan parse(Node node, PlanReader r, Plan context) {
        MappingNode m = r.mapping(node, "backups");
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, "backups", SHAPE);
        String log = r.optional(k, "backups", "log", DEFAULT_LOG);
        String lockDir = r.optional(k, "backups", "lock_dir", ".preflight/locks");
        Set<String> destNames = new HashSet<>();
        Map<Destination, Located> where = new IdentityHashMap<>();
        List<Destination> dests = r.list(k.get("destinations"), "backups.destinations",
                (dm, p) -> destination(r, dm, p, destNames, where));
        if (k.get("destinations") == null) {
            r.problem(m, "backups.destinations", "required field is missing",
                    "add at least one destination, e.g. {name: onprem, type: local, path: /backups}");
        } else if (isEmptyList(k.get("destinations"))) {
            r.problem(k.get("destinations"), "backups.destinations", "no destinations: a backup must be stored somewhere",
                    "add at least one destination, e.g. {name: onprem, type: local, path: /backups}");
        }
        distinct(r, dests, where);
        Set<String> srcNames = new HashSet<>();
        List<Source> sources = r.list(k.get("sources"), "backups.sources",
                (sm, p) -> source(r, sm, p, srcNames, destNames));
        if (k.get("sources") == null) {
            r.problem(m, "backups.sources", "required field is missing", "add at least one source");
        } else if (isEmptyList(k.get("sources"))) {
            r.problem(k.get("sources"), "backups.sources", "no sources: nothing would be backed up",
                    "add at least one source, e.g. {name: app-db, type: mysql, mysql: {database: app}}");
        }
        return new BackupPlan(r.path(log), r.path(lockDir), dests, sources);
    }

    /** Where a destination's location was written: its node and field path, for problems. */
    private record Located(Node node, String path) {
    }

    private static boolean isEmptyList(Node n) {
        return n instanceof SequenceNode seq && seq.getValue().isEmpty();
    }

    /**
     * Two destinations that are one place are one copy: local directories whose real paths are
     * equal or nested (symlinks resolved, as far as the path exists), and buckets on one service
     * whose prefixes are equal or nested. Reported at the second one, naming the first.
     */
    private static void distinct(PlanReader r, List<Destination> dests, Map<Destination, Located> where) {
        for (int j = 1; j < dests.size(); j++) {
            for (int i = 0; i < j; i++) {
                String same = BackupPlan.overlap(dests.get(i), dests.get(j));
                if (same != null && where.containsKey(dests.get(j))) {
                    Located at = where.get(dests.get(j));
                    r.problem(at.node(), at.path(), "destinations '" + dests.get(i).name() + "' and '"
                            + dests.get(j).name() + "' " + same + ": one place holds one copy, not two",
                            "give each destination its own location (another disk, host or bucket)");
                    break;
                }
            }
        }
    }

    private Destination destination(PlanReader r, MappingNode m, String p, Set<String> seen,
                                    Map<Destination, Located> where) {
        Map<String, Node> k = r.keys(m, p, DESTINATION);
        String name = name(r, m, k, p);
        r.unique(k.get("name"), p + ".name", name, seen, "destination");
        String type = r.oneOf(k, p, "type", List.of("local", "s3"), null);
        if (k.get("type") == null) {
            r.problem(m, p + ".type", "required field is missing", "type: local or type: s3");
        }
        if ("local".equals(type)) {
            only(r, k, p, "local", DESTINATION.keys("local"));
            String path = r.required(m, k, p, "path");
            if (name == null || path == null) {
                return null;
            }
            Destination d = new BackupPlan.LocalDestination(name, r.path(path));
            where.put(d, new Located(k.get("path"), p + ".path"));
            return d;
        } else if ("s3".equals(type)) {
            only(r, k, p, "s3", DESTINATION.keys("s3"));
            String bucket = r.required(m, k, p, "bucket");
            S3Endpoint e = endpoint(r, k, p);
            String prefix = r.optional(k, p, "prefix", "");
            if (name == null || bucket == null) {
                return null;
            }
            Destination d = new BackupPlan.S3Destination(name, e, bucket, prefix);
            where.put(d, k.get("prefix") != null ? new Located(k.get("prefix"), p + ".prefix")
                    : new Located(k.get("bucket"), p + ".bucket"));
            return d;
        }
        return null;
    }

    private Source source(PlanReader r, MappingNode m, String p, Set<String> seen, Set<String> destNames) {
        Map<String, Node> k = r.keys(m, p, SOURCE);
        String name = name(r, m, k, p);
        r.unique(k.get("name"), p + ".name", name, seen, "source");
        String type = r.oneOf(k, p, "type", List.of("mysql", "redis", "s3"), null);
        if (k.get("type") == null) {
            r.problem(m, p + ".type", "required field is missing", "type: mysql, redis or s3");
        }
        String compression = r.oneOf(k, p, "compression", List.of("none", "gzip"), "none");
        Duration retention = r.duration(k, p, "retention", null);
        Duration timeout = r.duration(k, p, "timeout", Duration.ofHours(6));
        String pattern = r.optional(k, p, "name_pattern", "{source}-{date}-{time}");
        if (pattern != null && !PATTERN.matcher(pattern).matches()) {
            r.problem(k.get("name_pattern"), p + ".name_pattern", "bad name pattern '" + pattern + "'",
                    "letters, digits, . _ - and {date} {time} {source} only, not starting with a dot");
            pattern = null;
        }
        List<String> dests = r.stringList(k.get("destinations"), p + ".destinations");
        for (int i = 0; i < dests.size(); i++) {
            if (!destNames.contains(dests.get(i))) {
                r.problem(k.get("destinations"), p + ".destinations[" + i + "]",
                        "no destination named '" + dests.get(i) + "'", "defined: " + String.join(", ", destNames));
            }
        }
        List<String> dump = r.command(k.get("dump_command"), p + ".dump_command", "dump_command: [/usr/bin/mariadb-dump]");
        List<String> client = r.command(k.get("client_command"), p + ".client_command", "client_command: [/usr/bin/mariadb]");
        Kind kind = type == null ? null : Kind.valueOf(type.toUpperCase(Locale.ROOT));
        for (String sub : List.of("mysql", "redis", "s3")) {
            if (k.get(sub) != null && type != null && !sub.equals(type)) {
                r.problem(k.get(sub), p + "." + sub, "'" + sub + "' settings on a source of type " + type,
                        "use '" + type + ":' for this source");
            }
        }
        if (type != null && k.get(type) == null) {
            r.problem(m, p + "." + type, "required field is missing", "add '" + type + ": {...}' with its connection");
        }
        if (kind != Kind.MYSQL && !client.isEmpty()) {
            r.problem(k.get("client_command"), p + ".client_command", "only mysql sources use a client command", null);
        }
        if (kind == Kind.S3 && !dump.isEmpty()) {
            r.problem(k.get("dump_command"), p + ".dump_command", "s3 sources run no dump tool", null);
        }
        MysqlSource mysql = null;
        RedisSource redis = null;
        S3Source s3 = null;
        if (kind == Kind.MYSQL && k.get("mysql") != null && (Node) r.mapping(k.get("mysql"), p + ".mysql") instanceof MappingNode mm) {
            String mp = p + ".mysql";
            Map<String, Node> mk = r.keys(mm, mp, MYSQL);
            String host = r.optional(mk, mp, "host", "127.0.0.1");
            Integer port = r.integer(mk, mp, "port", 3306, 1, 65535);
            String user = r.optional(mk, mp, "user", "root");
            String pw = value(r.secret(mk, mp, "password"));
            String db = r.required(mm, mk, mp, "database");
            if (db != null && port != null) {
                mysql = new MysqlSource(new Plan.Endpoint(host, port, user, pw == null || pw.isEmpty() ? null : new Secret(pw),
                        db), dump, client);
            }
        } else if (kind == Kind.REDIS && k.get("redis") != null && (Node) r.mapping(k.get("redis"), p + ".redis") instanceof MappingNode rm) {
            String rp = p + ".redis";
            Map<String, Node> rk = r.keys(rm, rp, REDIS);
            String host = r.optional(rk, rp, "host", "127.0.0.1");
            Integer port = r.integer(rk, rp, "port", 6379, 1, 65535);
            String user = r.optional(rk, rp, "username");
            String pw = value(r.secret(rk, rp, "password"));
            String mode = r.oneOf(rk, rp, "mode", List.of("sync", "redis-cli"), "sync");
            if (port != null && mode != null) {
                redis = new RedisSource(host, port, user == null || user.isEmpty() ? null : user,
                        pw == null || pw.isEmpty() ? null : new Secret(pw), mode, dump);
            }
        } else if (kind == Kind.S3 && k.get("s3") != null && (Node) r.mapping(k.get("s3"), p + ".s3") instanceof MappingNode s3m) {
            String sp = p + ".s3";
            Map<String, Node> sk = r.keys(s3m, sp, S3);
            String bucket = r.required(s3m, sk, sp, "bucket");
            String prefix = r.optional(sk, sp, "prefix", "");
            String tb = r.required(s3m, sk, sp, "target_bucket");
            String tp = r.optional(sk, sp, "target_prefix", "");
            S3Endpoint e = endpoint(r, sk, sp);
            S3Endpoint target = null;
            if (sk.get("target") != null && (Node) r.mapping(sk.get("target"), sp + ".target") instanceof MappingNode tm) {
                Map<String, Node> tk = r.keys(tm, sp + ".target", S3_TARGET);
                target = endpoint(r, tk, sp + ".target");
            }
            if (bucket != null && tb != null) {
                s3 = new S3Source(e, bucket, prefix, tb, tp, target);
            }
        }
        if (name == null || kind == null || compression == null || pattern == null || timeout == null
                || (mysql == null && redis == null && s3 == null)) {
            return null;
        }
        return new Source(name, kind, mysql, redis, s3, compression, retention == null ? kind.defaultRetention()
                : retention, pattern, dests, timeout);
    }

    private static String value(Secret s) {
        return s == null ? null : s.value();
    }

    private static S3Endpoint endpoint(PlanReader r, Map<String, Node> k, String p) {
        String region = r.optional(k, p, "region", "us-east-1");
        String endpoint = r.optional(k, p, "endpoint");
        Boolean pathStyle = r.bool(k, p, "path_style", endpoint != null && !endpoint.isEmpty());
        String ak = value(r.secret(k, p, "access_key"));
        String sk = value(r.secret(k, p, "secret_key"));
        return new S3Endpoint(region, endpoint == null || endpoint.isEmpty() ? null : endpoint,
                pathStyle != null && pathStyle, ak == null || ak.isEmpty() ? null : new Secret(ak),
                sk == null || sk.isEmpty() ? null : new Secret(sk));
    }

    private static String name(PlanReader r, MappingNode m, Map<String, Node> k, String p) {
        String name = r.required(m, k, p, "name");
        if (name != null && !NAME.matcher(name).matches()) {
            r.problem(k.get("name"), p + ".name", "bad name '" + name + "'",
                    "letters, digits, '.', '_' and '-' (it names files and locks)");
            return null;
        }
        return name;
    }

    private static void only(PlanReader r, Map<String, Node> k, String p, String type, List<String> allowed) {
        for (Map.Entry<String, Node> e : k.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                r.problem(e.getValue(), p + "." + e.getKey(), "not a setting of a " + type + " destination",
                        "allowed: " + String.join(", ", allowed));
            }
        }
    }

}
