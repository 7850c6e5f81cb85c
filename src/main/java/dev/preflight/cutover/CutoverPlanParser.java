package dev.preflight.cutover;


import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.exec.HttpCheck;
import dev.preflight.plan.DatabaseBackups;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.Secret;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the plan's {@code cutover} section into a {@link CutoverPlan}, with every problem located
 * ({@code file:line:col: cutover.field:}). Each load-balancer type has its own required fields.
 */
public final class CutoverPlanParser implements SectionParser<CutoverPlan> {
    static final List<String> LB_TYPES = List.of("nginx", "haproxy", "command");
    /** Laravel migration names that drop, rename or remove things: contract work, never expand. */
    public static final String DEFAULT_CONTRACT_PATTERN = "(?i)_(drop|remove|delete|rename)_";

    @Override
    public String key() {
        return "cutover";
    }

    static final Shape.Obj CHECK = Shape.obj("An HTTP check.",
            Shape.optional("name", Shape.text("Check name (default the URL).")),
            Shape.required("url", Shape.text("http(s) URL to GET.")),
            Shape.optional("status", Shape.whole(100, 599, "Expected status (default 200).")),
            Shape.optional("max_latency", Shape.duration("Latency limit (default 5s).")),
            Shape.optional("contains", Shape.text("Text the response must contain.")));
    static final Shape.Obj SIDE = Shape.obj("One colour's stack.",
            Shape.required("name", Shape.text("Stack name.")),
            Shape.required("health_url", Shape.text("Health URL (HTTP 200).")),
            Shape.optional("servers", Shape.strings("nginx: upstream host:port; haproxy: server names of the backend.")),
            Shape.optional("marker", Shape.text("Text a response of this colour contains (default the name).")));
    static final Shape.Obj LOAD_BALANCER = Shape.obj("The load balancer switched between the colours.",
            Shape.required("type", new Shape.Choice(LB_TYPES, "nginx, haproxy or command.")),
            Shape.optional("include_file", Shape.text("nginx: the upstream include file, rewritten atomically.")),
            Shape.optional("upstream", Shape.text("nginx: the upstream block's name.")),
            Shape.optional("nginx", Shape.strings("nginx: argv prefix for -t and -s reload (default [nginx]).")),
            Shape.optional("socket", Shape.text("haproxy: admin socket (stats socket ... level admin).")),
            Shape.optional("backend", Shape.text("haproxy: the backend whose servers are blue and green.")),
            Shape.optional("switch_to_blue", Shape.strings("command: argv.")),
            Shape.optional("switch_to_green", Shape.strings("command: argv.")),
            Shape.optional("verify_blue", Shape.strings("command: argv; exit 0 when it routes to blue.")),
            Shape.optional("verify_green", Shape.strings("command: argv; exit 0 when it routes to green.")),
            Shape.optional("verify_url", Shape.text("URL through the load balancer that shows which colour answers.")),
            Shape.optional("verify_timeout", Shape.duration("Give up verifying after (default 30s).")),
            Shape.optional("verify_settle", Shape.duration("How long only the target colour must answer (default 1s).")));
    static final Shape.Obj PREPARE = Shape.obj("Checks that green is ready.",
            Shape.optional("checks", Shape.listOf(CHECK, "HTTP checks beyond green's health_url.")),
            Shape.optional("workers", Shape.strings("argv; exit 0 when green's workers are up.")));
    static final Shape.Obj EXPAND = Shape.obj("The expand migrations.",
            Shape.required("command", Shape.strings("Expand migrations argv.")),
            Shape.optional("dir", Shape.text("Working directory.")),
            Shape.optional("table", Shape.text("Migrations table (default migrations).")),
            Shape.optional("migrations_dir", Shape.text("Migration files.")),
            Shape.optional("contract_pattern", Shape.text("Regex naming contract migrations.")));
    static final Shape.Obj DATABASE = Shape.obj("Green's MySQL/MariaDB database.",
            Shape.required("host", Shape.text("Host.")),
            Shape.optional("port", Shape.port("Port (default 3306).")),
            Shape.optional("user", Shape.text("User (default root).")),
            Shape.optional("password", Shape.text("Use ${ENV_VAR}.")),
            Shape.required("database", Shape.text("Database.")));
    static final Shape.Obj PROMOTE = Shape.obj("Making green's database writable.",
            Shape.optional("lag_query", Shape.text("Default SHOW REPLICA STATUS.")),
            Shape.optional("max_lag", Shape.whole(0, 86_400, "Seconds (default 0).")),
            Shape.optional("sql", Shape.strings("Default [SET GLOBAL read_only=OFF].")),
            Shape.optional("verify_query", Shape.text("Default SELECT @@global.read_only.")),
            Shape.optional("verify_expect", Shape.text("Default 0.")));
    static final Shape.Obj MONITOR = Shape.obj("A probe of the stable window.",
            Shape.optional("name", Shape.text("Name (default the URL).")),
            Shape.required("url", Shape.text("URL.")),
            Shape.optional("samples", Shape.whole(1, 10_000, "Requests per round (default 10).")),
            Shape.optional("max_error_rate", Shape.decimal(0.0, 1.0, "Default 0.01.")),
            Shape.optional("max_latency", Shape.duration("p95 limit (default 2s).")));
    static final Shape.Obj STABLE = Shape.obj("The stable window after the switch.",
            Shape.optional("window", Shape.duration("Default 24h.")),
            Shape.optional("policy", Shape.choice("alert (default) or failback.", "alert", "failback")),
            Shape.optional("interval", Shape.duration("Default 1m.")),
            Shape.optional("max_gap", Shape.duration("Longest gap between monitor rounds that still counts as "
                    + "watching (default 3 x interval); after a longer one the window is watched again from there.")),
            Shape.optional("checks", Shape.listOf(MONITOR, "Monitor probes (none: green's health_url).")),
            Shape.optional("commands", Shape.listOf(Shape.strings("argv."), "Commands run every round; non-zero is a breach.")));
    static final Shape.Obj CONTRACT = Shape.obj("The contract migrations (the point of no return).",
            Shape.required("command", Shape.strings("Contract migrations argv.")),
            Shape.optional("dir", Shape.text("Working directory.")));
    /** The blue/green cutover (runbook §4.2); docs/plan-reference.md explains each key. */
    static final Shape.Obj SHAPE = Shape.obj("Blue/green cutover (runbook §4.2).",
            Shape.required("environment", Shape.text("The environment being cut over.")),
            Shape.required("blue", SIDE),
            Shape.required("green", SIDE),
            Shape.required("load_balancer", LOAD_BALANCER),
            Shape.optional("prepare", PREPARE),
            Shape.optional("expand", EXPAND),
            Shape.optional("replica", DATABASE),
            Shape.optional("promote", PROMOTE),
            Shape.optional("smoke", Shape.listOf(CHECK, "HTTP checks against green before the switch.")),
            Shape.optional("stable", STABLE),
            Shape.optional("contract", CONTRACT),
            Shape.optional("failback_bound", Shape.duration("Default 5m.")),
            Shape.optional("backup_max_age", Shape.duration("Default 24h.")));

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public CutoverPlan parse(Node node, PlanReader r, Plan plan) {
        if (!((Node) r.mapping(node, "cutover") instanceof MappingNode m)) {
            return null;
        }
        String p = "cutover";
        Map<String, Node> k = r.keys(m, p, SHAPE);
        String env = r.required(m, k, p, "environment");
        if (env != null && plan.environment(env).isEmpty()) {
            List<String> names = plan.environments().stream().map(Plan.Environment::name).toList();
            String near = PlanLoader.nearest(env, names);
            r.problem(k.get("environment"), p + ".environment", "no environment named '" + env + "' in the plan",
                    (near != null ? "did you mean '" + near + "'? " : "")
                            + (names.isEmpty() ? "the plan defines no environments" : "one of: " + String.join(", ", names)));
        }
        CutoverPlan.Side blue = side(r, m, k, Colour.BLUE);
        CutoverPlan.Side green = side(r, m, k, Colour.GREEN);
        if (blue != null && green != null && blue.name().equals(green.name())) {
            r.problem(k.get("green"), p + ".green.name", "blue and green have the same name '" + blue.name() + "'",
                    "the two stacks must be distinct");
        }
        CutoverPlan.LoadBalancerConfig lb = null;
        if (k.get("load_balancer") == null) {
            r.problem(m, p + ".load_balancer", "required field is missing", "add 'load_balancer: {type: nginx, ...}'");
        } else {
            lb = loadBalancer(r, k.get("load_balancer"), p + ".load_balancer", blue, green, k);
        }
        CutoverPlan.Prepare prepare = new CutoverPlan.Prepare(List.of(), List.of());
        if (k.get("prepare") != null && (Node) r.mapping(k.get("prepare"), p + ".prepare") instanceof MappingNode pm) {
            Map<String, Node> pk = r.keys(pm, p + ".prepare", PREPARE);
            prepare = new CutoverPlan.Prepare(checks(r, pk.get("checks"), p + ".prepare.checks"),
                    argv(r, pk, p + ".prepare", "workers"));
        }
        CutoverPlan.Expand expand = null;
        if (k.get("expand") != null && (Node) r.mapping(k.get("expand"), p + ".expand") instanceof MappingNode em) {
            String ep = p + ".expand";
            Map<String, Node> ek = r.keys(em, ep, EXPAND);
            List<String> cmd = argv(r, ek, ep, "command");
            if (cmd.isEmpty() && !ek.containsKey("command")) {
                r.problem(em, ep + ".command", "required field is missing", "e.g. command: [php, artisan, migrate, --force]");
            }
            String dir = r.optional(ek, ep, "dir");
            String mdir = r.optional(ek, ep, "migrations_dir");
            String pattern = r.optional(ek, ep, "contract_pattern", DEFAULT_CONTRACT_PATTERN);
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                r.problem(ek.get("contract_pattern"), ep + ".contract_pattern", "not a regular expression: "
                        + e.getDescription(), null);
            }
            String table = r.optional(ek, ep, "table", "migrations");
            if (!table.matches("[A-Za-z0-9_$.]+")) {
                r.problem(ek.get("table"), ep + ".table", "bad table name '" + table + "'", "letters, digits, _ and $ only");
            }
            expand = new CutoverPlan.Expand(cmd, dir == null ? null : r.path(dir), table,
                    mdir == null ? null : r.path(mdir), pattern);
        }
        Plan.Endpoint replica = null;
        if (k.get("replica") != null && (Node) r.mapping(k.get("replica"), p + ".replica") instanceof MappingNode dm) {
            String dp = p + ".replica";
            Map<String, Node> dk = r.keys(dm, dp, DATABASE);
            String host = r.required(dm, dk, dp, "host");
            Integer port = r.integer(dk, dp, "port", 3306, 1, 65535);
            String db = r.required(dm, dk, dp, "database");
            Secret pw = r.secret(dk, dp, "password");
            replica = new Plan.Endpoint(host, port == null ? 3306 : port, r.optional(dk, dp, "user", "root"),
                    pw, db);
        }
        CutoverPlan.Promote promote = null;
        if (k.get("promote") != null && (Node) r.mapping(k.get("promote"), p + ".promote") instanceof MappingNode pm) {
            String pp = p + ".promote";
            Map<String, Node> pk = r.keys(pm, pp, PROMOTE);
            Integer maxLag = r.integer(pk, pp, "max_lag", 0, 0, 86_400);
            List<String> sql = pk.containsKey("sql") ? r.stringList(pk.get("sql"), pp + ".sql")
                    : List.of("SET GLOBAL read_only=OFF");
            promote = new CutoverPlan.Promote(r.optional(pk, pp, "lag_query", "SHOW REPLICA STATUS"),
                    maxLag == null ? 0 : maxLag, sql, r.optional(pk, pp, "verify_query", "SELECT @@global.read_only"),
                    r.optional(pk, pp, "verify_expect", "0"));
        }
        if ((expand != null || promote != null) && replica == null && k.get("replica") == null) {
            r.problem(m, p + ".replica", "required when expand or promote is configured",
                    "add 'replica: {host: ..., user: ..., password: \"${DB_PASSWORD}\", database: ...}'");
        }
        List<HttpCheck> smoke = checks(r, k.get("smoke"), p + ".smoke");
        CutoverPlan.Stable stable = new CutoverPlan.Stable(Duration.ofHours(24), "alert", Duration.ofMinutes(1), List.of(),
                List.of(), Duration.ofMinutes(3));
        if (k.get("stable") != null && (Node) r.mapping(k.get("stable"), p + ".stable") instanceof MappingNode sm) {
            String sp = p + ".stable";
            Map<String, Node> sk = r.keys(sm, sp, STABLE);
            List<CutoverPlan.MonitorCheck> mc = r.list(sk.get("checks"), sp + ".checks", (cm, cp) -> {
                Map<String, Node> ck = r.keys(cm, cp, MONITOR);
                String url = url(r, cm, ck, cp);
                Integer samples = r.integer(ck, cp, "samples", 10, 1, 10_000);
                Double rate = r.decimal(ck, cp, "max_error_rate", 0.01, 0.0, 1.0);
                Duration lat = r.duration(ck, cp, "max_latency", Duration.ofSeconds(2));
                return url == null || samples == null || rate == null || lat == null ? null
                        : new CutoverPlan.MonitorCheck(r.optional(ck, cp, "name", url), url, samples, rate, lat);
            });
            List<List<String>> commands = new ArrayList<>();
            List<Node> cn = r.sequence(sk.get("commands"), sp + ".commands");
            for (int i = 0; i < cn.size(); i++) {
                List<String> argv = r.stringList(cn.get(i), sp + ".commands[" + i + "]");
                if (argv.isEmpty()) {
                    r.problem(cn.get(i), sp + ".commands[" + i + "]", "must be a non-empty argv list", "e.g. [/opt/checks/queue-depth, --max, 100]");
                } else {
                    commands.add(argv);
                }
            }
            Duration interval = r.duration(sk, sp, "interval", Duration.ofMinutes(1));
            stable = new CutoverPlan.Stable(r.duration(sk, sp, "window", Duration.ofHours(24)),
                    r.oneOf(sk, sp, "policy", List.of("alert", "failback"), "alert"), interval, mc, commands,
                    r.duration(sk, sp, "max_gap", interval == null ? null : interval.multipliedBy(3)));
        }
        CutoverPlan.Contract contract = null;
        if (k.get("contract") != null && (Node) r.mapping(k.get("contract"), p + ".contract") instanceof MappingNode cm) {
            Map<String, Node> ck = r.keys(cm, p + ".contract", CONTRACT);
            String dir = r.optional(ck, p + ".contract", "dir");
            contract = new CutoverPlan.Contract(argv(r, ck, p + ".contract", "command"), dir == null ? null : r.path(dir));
            if (contract.command().isEmpty()) {
                r.problem(cm, p + ".contract.command", "required field is missing",
                        "e.g. command: [php, artisan, migrate, --path=database/migrations/contract, --force]");
            }
        }
        Duration bound = r.duration(k, p, "failback_bound", Duration.ofMinutes(5));
        Duration backupAge = r.duration(k, p, "backup_max_age", Duration.ofHours(24));
        if (env == null || blue == null || green == null || lb == null || bound == null || backupAge == null
                || stable.window() == null || stable.policy() == null || stable.interval() == null
                || stable.maxGap() == null) {
            return null;
        }
        return new CutoverPlan(env, blue, green, lb, prepare, expand, replica, promote, smoke, stable, contract,
                bound, backupAge, plan.project() == null ? null : plan.project().name(),
                plan.section("backups", DatabaseBackups.class).map(DatabaseBackups::databaseOrigins).orElse(List.of()));
    }

    private static CutoverPlan.Side side(PlanReader r, MappingNode parent, Map<String, Node> k, Colour c) {
        String p = "cutover." + c.label();
        Node n = k.get(c.label());
        if (n == null) {
            r.problem(parent, p, "required field is missing", "add '" + c.label() + ": {name: ..., health_url: ...}'");
            return null;
        }
        if (!((Node) r.mapping(n, p) instanceof MappingNode m)) {
            return null;
        }
        Map<String, Node> sk = r.keys(m, p, SIDE);
        String name = r.required(m, sk, p, "name");
        String health = r.required(m, sk, p, "health_url");
        checkUrl(r, sk.get("health_url"), p + ".health_url", health);
        List<String> servers = r.stringList(sk.get("servers"), p + ".servers");
        String marker = r.optional(sk, p, "marker", name);
        return name == null || health == null ? null : new CutoverPlan.Side(c, name, health, servers, marker);
    }

    private static CutoverPlan.LoadBalancerConfig loadBalancer(PlanReader r, Node n, String p, CutoverPlan.Side blue,
                                                               CutoverPlan.Side green, Map<String, Node> sides) {
        if (!((Node) r.mapping(n, p) instanceof MappingNode m)) {
            return null;
        }
        Map<String, Node> k = r.keys(m, p, LOAD_BALANCER);
        if (!k.containsKey("type")) {
            r.problem(m, p + ".type", "required field is missing", "one of: " + String.join(", ", LB_TYPES));
        }
        String type = r.oneOf(k, p, "type", LB_TYPES, null);
        String include = r.optional(k, p, "include_file");
        String socket = r.optional(k, p, "socket");
        List<String> nginx = k.containsKey("nginx") ? r.stringList(k.get("nginx"), p + ".nginx") : List.of("nginx");
        String verifyUrl = r.optional(k, p, "verify_url");
        checkUrl(r, k.get("verify_url"), p + ".verify_url", verifyUrl);
        Duration timeout = r.duration(k, p, "verify_timeout", Duration.ofSeconds(30));
        Duration settle = r.duration(k, p, "verify_settle", Duration.ofSeconds(1));
        List<String> toBlue = argv(r, k, p, "switch_to_blue");
        List<String> toGreen = argv(r, k, p, "switch_to_green");
        if ("nginx".equals(type)) {
            need(r, m, k, p, "include_file", "the upstream include file nginx.conf includes");
            need(r, m, k, p, "upstream", "the upstream block's name");
            if (nginx.isEmpty()) {
                r.problem(k.get("nginx"), p + ".nginx", "must not be empty", "the nginx program, e.g. [nginx, -c, /etc/nginx/nginx.conf]");
            }
            needServers(r, sides, blue, green, p, "upstream addresses such as 10.0.1.11:80");
        } else if ("haproxy".equals(type)) {
            need(r, m, k, p, "socket", "haproxy's admin socket (stats socket ... level admin)");
            need(r, m, k, p, "backend", "the backend whose servers are blue and green");
            needServers(r, sides, blue, green, p, "server names of the backend");
        } else if ("command".equals(type)) {
            need(r, m, k, p, "switch_to_blue", "argv that moves traffic to blue");
            need(r, m, k, p, "switch_to_green", "argv that moves traffic to green");
        }
        if (blue != null && green != null && !blue.servers().isEmpty()) {
            Set<String> seen = new HashSet<>(blue.servers());
            for (String s : green.servers()) {
                if (seen.contains(s)) {
                    r.problem(sides.get("green"), "cutover.green.servers", "server '" + s + "' is in both blue and green", null);
                }
            }
        }
        return type == null || timeout == null || settle == null ? null : new CutoverPlan.LoadBalancerConfig(type, include == null ? null : r.path(include),
                r.optional(k, p, "upstream"), nginx, socket == null ? null : r.path(socket), r.optional(k, p, "backend"),
                toBlue, toGreen, argv(r, k, p, "verify_blue"), argv(r, k, p, "verify_green"), verifyUrl, timeout, settle);
    }

    private static void need(PlanReader r, MappingNode m, Map<String, Node> k, String p, String key, String what) {
        if (!k.containsKey(key)) {
            r.problem(m, p + "." + key, "required for this load balancer type", what);
        }
    }

    private static void needServers(PlanReader r, Map<String, Node> sides, CutoverPlan.Side blue, CutoverPlan.Side green,
                                    String p, String what) {
        for (CutoverPlan.Side s : new CutoverPlan.Side[] {blue, green}) {
            if (s != null && s.servers().isEmpty()) {
                r.problem(sides.get(s.colour().label()), "cutover." + s.colour().label() + ".servers",
                        "required for load balancer type at " + p, "list the " + what);
            }
        }
    }

    private static List<String> argv(PlanReader r, Map<String, Node> k, String p, String key) {
        List<String> out = r.stringList(k.get(key), p + "." + key);
        if (k.containsKey(key) && out.isEmpty()) {
            r.problem(k.get(key), p + "." + key, "must not be empty", "an argv list such as [program, arg]");
        }
        return out;
    }

    private static List<HttpCheck> checks(PlanReader r, Node n, String path) {
        Set<String> names = new HashSet<>();
        return r.list(n, path, (m, p) -> {
            Map<String, Node> k = r.keys(m, p, CHECK);
            String url = url(r, m, k, p);
            String name = r.optional(k, p, "name", url);
            r.unique(k.getOrDefault("name", m), p + ".name", name, names, "check");
            Integer status = r.integer(k, p, "status", 200, 100, 599);
            Duration lat = r.duration(k, p, "max_latency", Duration.ofSeconds(5));
            return url == null || status == null || lat == null ? null
                    : new HttpCheck(name, url, status, lat, r.optional(k, p, "contains"));
        });
    }

    private static String url(PlanReader r, MappingNode m, Map<String, Node> k, String p) {
        String url = r.required(m, k, p, "url");
        checkUrl(r, k.get("url"), p + ".url", url);
        return url;
    }

    private static void checkUrl(PlanReader r, Node n, String p, String url) {
        if (url != null && !url.matches("(?i)https?://\\S+")) {
            r.problem(n, p, "not an http(s) URL: '" + url + "'", "e.g. https://green.example.internal/health");
        }
    }

}
