package dev.preflight.restore;

import dev.preflight.backup.BackupPlan;
import dev.preflight.exec.HttpCheck;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.Shape;
import dev.preflight.plan.Secret;
import dev.preflight.plan.SectionParser;
import dev.preflight.restore.RestorePlan.MysqlTarget;
import dev.preflight.restore.RestorePlan.RedisTarget;
import dev.preflight.restore.RestorePlan.SqlCheck;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Reads and validates the plan's {@code restore_test} section into a {@link RestorePlan}. */
public final class RestorePlanParser implements SectionParser<RestorePlan> {
    private static final Pattern DB_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    @Override
    public String key() {
        return "restore_test";
    }

    static final Shape.Obj TARGET = Shape.obj("The scratch MySQL/MariaDB server restores go to.",
            Shape.optional("host", Shape.text("Host (default 127.0.0.1).")),
            Shape.optional("port", Shape.port("Port (default 3306).")),
            Shape.optional("user", Shape.text("User (default root).")),
            Shape.optional("password", Shape.text("Password; use ${ENV_VAR}.")),
            Shape.optional("database", Shape.text("Scratch database name (default a random pf_restore_* name).")),
            Shape.optional("client_command", Shape.command("The client's argv prefix.")));
    static final Shape.Obj SQL_CHECK = Shape.obj("A query on the restored database.",
            Shape.required("name", Shape.text("Check name.")),
            Shape.required("sql", Shape.text("One SELECT.")),
            Shape.required("expect", Shape.text("Expectation on its single value, e.g. '> 0'.")));
    static final Shape.Obj HTTP_CHECK = Shape.obj("An HTTP check run after the restore.",
            Shape.required("name", Shape.text("Check name.")),
            Shape.required("url", Shape.text("http(s) URL.")),
            Shape.optional("status", Shape.whole(100, 599, "Expected status (default 200).")),
            Shape.optional("max_latency", Shape.duration("Latency limit (default 5s).")),
            Shape.optional("body_contains", Shape.text("Text the body must contain.")));
    static final Shape.Obj REDIS = Shape.obj("The Redis snapshot restore test.",
            Shape.required("source", Shape.text("A redis backup source.")),
            Shape.optional("server_command", Shape.command("redis-server argv prefix.")),
            Shape.optional("start_timeout", Shape.duration("How long the scratch server may take to load (default 5m).")),
            Shape.optional("allow_empty", Shape.flag("A snapshot with no keys passes (default: the section's).")));
    static final Shape.Obj SHAPE = Shape.obj("Restore validation in staging (runbook §2 step 4).",
            Shape.optional("source", Shape.text("The mysql backup source to restore.")),
            Shape.optional("target", TARGET),
            Shape.optional("row_count_tolerance", Shape.decimal(0.0, 1.0,
                    "Relative tolerance against backup-time row counts, e.g. 0.05.")),
            Shape.optional("timeout", Shape.duration("Restore time limit (default 6h).")),
            Shape.optional("sql_checks", Shape.listOf(SQL_CHECK, "Queries on the restored database.")),
            Shape.optional("http_checks", Shape.listOf(HTTP_CHECK, "HTTP checks.")),
            Shape.optional("redis", REDIS),
            Shape.optional("parallel", Shape.whole(1, 64, "Client connections the dump is loaded over at once (default "
                    + RestorePlan.DEFAULT_PARALLEL + "; 1 = a plain serial load).")),
            Shape.optional("allow_empty", Shape.flag("A dump with no tables (or a snapshot with no keys) passes instead "
                    + "of a WARNING that blocks GO (default false).")));

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public RestorePlan parse(Node node, PlanReader r, Plan context) {
        MappingNode m = r.mapping(node, "restore_test");
        if (m == null) {
            return null;
        }
        String p = "restore_test";
        Map<String, Node> k = r.keys(m, p, SHAPE);
        String source = r.optional(k, p, "source");
        if (source != null) {
            reference(r, context, k.get("source"), p + ".source", source, BackupPlan.Kind.MYSQL, "restore_test.redis.source");
        }
        Boolean allowEmpty = r.bool(k, p, "allow_empty", false);
        Double tolerance = r.decimal(k, p, "row_count_tolerance", 0.0, 0.0, 1.0);
        Duration timeout = r.duration(k, p, "timeout", Duration.ofHours(6));
        Integer parallel = r.integer(k, p, "parallel", RestorePlan.DEFAULT_PARALLEL, 1, 64);
        MysqlTarget target = null;
        if (k.get("target") != null && (Node) r.mapping(k.get("target"), p + ".target") instanceof MappingNode tm) {
            String tp = p + ".target";
            Map<String, Node> tk = r.keys(tm, tp, TARGET);
            String host = r.optional(tk, tp, "host", "127.0.0.1");
            Integer port = r.integer(tk, tp, "port", 3306, 1, 65535);
            String user = r.optional(tk, tp, "user", "root");
            Secret pws = r.secret(tk, tp, "password");
            String pw = pws == null ? null : pws.value();
            String db = r.optional(tk, tp, "database");
            if (db != null && !DB_NAME.matcher(db).matches()) {
                r.problem(tk.get("database"), tp + ".database", "bad database name '" + db + "'",
                        "letters, digits and '_' only, at most 64");
                db = null;
            }
            List<String> client = r.command(tk.get("client_command"), tp + ".client_command", "[/usr/bin/mariadb]");
            if (port != null) {
                target = new MysqlTarget(new Plan.Endpoint(host, port, user, pw == null || pw.isEmpty() ? null
                        : new Secret(pw), db), client);
            }
        }
        if (source != null && k.get("target") == null) {
            r.problem(m, p + ".target", "required field is missing",
                    "add target: {host: staging-db, user: restore, password: ${STAGING_DB_PASSWORD}}");
        }
        if (source == null && k.get("target") != null) {
            r.problem(k.get("target"), p + ".source", "a target needs a source",
                    "add source: <the name of a mysql source in backups.sources>");
        }
        Set<String> names = new HashSet<>();
        List<SqlCheck> sql = r.list(k.get("sql_checks"), p + ".sql_checks", (cm, cp) -> {
            Map<String, Node> ck = r.keys(cm, cp, SQL_CHECK);
            String name = r.required(cm, ck, cp, "name");
            r.unique(ck.get("name"), cp + ".name", name, names, "check");
            String q = r.required(cm, ck, cp, "sql");
            String e = r.required(cm, ck, cp, "expect");
            Expectation ex = null;
            if (e != null) {
                try {
                    ex = Expectation.parse(e);
                } catch (IllegalArgumentException x) {
                    r.problem(ck.get("expect"), cp + ".expect", x.getMessage(),
                            "e.g. \"> 0\", \"= 42\", \"ok\" or \"within 24h of backup\"");
                }
            }
            return name == null || q == null || ex == null ? null : new SqlCheck(name, q, ex);
        });
        if (!sql.isEmpty() && source == null) {
            r.problem(k.get("sql_checks"), p + ".sql_checks", "SQL checks need a restored database",
                    "add source and target");
        }
        List<HttpCheck> http = r.list(k.get("http_checks"), p + ".http_checks", (cm, cp) -> {
            Map<String, Node> ck = r.keys(cm, cp, HTTP_CHECK);
            String name = r.required(cm, ck, cp, "name");
            r.unique(ck.get("name"), cp + ".name", name, names, "check");
            String url = r.required(cm, ck, cp, "url");
            if (url != null) {
                try {
                    URI u = URI.create(url);
                    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                        throw new IllegalArgumentException("scheme");
                    }
                } catch (IllegalArgumentException x) {
                    r.problem(ck.get("url"), cp + ".url", "not an http(s) URL: '" + url + "'", null);
                    url = null;
                }
            }
            Integer status = r.integer(ck, cp, "status", 200, 100, 599);
            Duration lat = r.duration(ck, cp, "max_latency", Duration.ofSeconds(5));
            String body = r.optional(ck, cp, "body_contains");
            return name == null || url == null || status == null || lat == null ? null
                    : new HttpCheck(name, url, status, lat, body);
        });
        RedisTarget redis = null;
        if (k.get("redis") != null && (Node) r.mapping(k.get("redis"), p + ".redis") instanceof MappingNode rm) {
            String rp = p + ".redis";
            Map<String, Node> rk = r.keys(rm, rp, REDIS);
            String rs = r.required(rm, rk, rp, "source");
            if (rs != null) {
                reference(r, context, rk.get("source"), rp + ".source", rs, BackupPlan.Kind.REDIS, "restore_test.source");
            }
            List<String> cmd = r.command(rk.get("server_command"), rp + ".server_command", "[/usr/bin/redis-server]");
            Duration start = r.duration(rk, rp, "start_timeout", Duration.ofMinutes(5));
            Boolean redisEmpty = r.bool(rk, rp, "allow_empty", allowEmpty != null && allowEmpty);
            if (rs != null && start != null && redisEmpty != null) {
                redis = new RedisTarget(rs, cmd, start, redisEmpty);
            }
        }
        if (source == null && k.get("redis") == null) {
            r.problem(m, p + ".source", "nothing to restore", "add source and target (MySQL/MariaDB) or redis");
        }
        if (tolerance == null || timeout == null || parallel == null || allowEmpty == null) {
            return null;
        }
        return new RestorePlan(source, target, tolerance, timeout, sql, http, redis, parallel, allowEmpty);
    }

    /**
     * A source this section restores must be a source of the backups section, of the right kind: a
     * typo would otherwise validate and only fail when the restore test runs (or never run at all).
     */
    private static void reference(PlanReader r, Plan context, Node node, String path, String name,
                                  BackupPlan.Kind kind, String other) {
        if (!context.configures("backups")) {
            r.problem(node, path, "no backup source named '" + name + "': the plan has no backups section",
                    "restore tests restore what 'backups' records; add a backups section with this source");
            return;
        }
        BackupPlan backups = context.section("backups", BackupPlan.class).orElse(null);
        if (backups == null) {
            return; // the backups section has problems of its own, reported there
        }
        BackupPlan.Source s = backups.source(name).orElse(null);
        if (s == null) {
            List<String> names = backups.sources().stream().filter(x -> x.kind() == kind).map(BackupPlan.Source::name)
                    .toList();
            String near = PlanLoader.nearest(name, backups.sources().stream().map(BackupPlan.Source::name).toList());
            r.problem(node, path, "no backup source named '" + name + "'",
                    (near != null ? "did you mean '" + near + "'? " : "")
                            + (names.isEmpty() ? "the backups section has no " + kind.id() + " source"
                            : kind.id() + " sources: " + String.join(", ", names)));
        } else if (s.kind() != kind) {
            r.problem(node, path, "backup source '" + name + "' is of type " + s.kind().id() + ", not " + kind.id(),
                    s.kind() == BackupPlan.Kind.S3 ? "bucket copies are not restore-tested"
                            : "restore it with " + other + " instead");
        }
    }

}
