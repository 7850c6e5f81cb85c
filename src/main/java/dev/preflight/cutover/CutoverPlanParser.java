package dev.preflight.cutover;

import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.PlanSchema;
import dev.preflight.plan.Secret;
import dev.preflight.plan.SectionParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    /** The blue/green cutover (runbook §4.2); docs/plan-reference.md explains each key. */
    @Override
    public Map<String, Object> schema() {
        Map<String, Object> check = PlanSchema.object(Map.of("name", PlanSchema.str("Check name."), "url", PlanSchema.str("http(s) URL to GET."),
                "status", Map.of("type", "integer"), "max_latency", PlanSchema.str("e.g. 2s."),
                "contains", PlanSchema.str("Text the response must contain.")), List.of("url"));
        Map<String, Object> side = PlanSchema.object(Map.of("name", PlanSchema.str("Stack name."), "health_url", PlanSchema.str("Health URL (HTTP 200)."),
                "servers", PlanSchema.strings("nginx: upstream host:port; haproxy: server names of the backend."),
                "marker", PlanSchema.str("Text a response of this colour contains (default the name).")), List.of("name", "health_url"));
        Map<String, Object> lb = new LinkedHashMap<>();
        lb.put("type", Map.of("enum", List.of("nginx", "haproxy", "command")));
        lb.put("include_file", PlanSchema.str("nginx: the upstream include file, rewritten atomically."));
        lb.put("upstream", PlanSchema.str("nginx: the upstream block's name."));
        lb.put("nginx", PlanSchema.strings("nginx: argv prefix for -t and -s reload (default [nginx])."));
        lb.put("socket", PlanSchema.str("haproxy: admin socket (stats socket ... level admin)."));
        lb.put("backend", PlanSchema.str("haproxy: the backend whose servers are blue and green."));
        for (String k : List.of("switch_to_blue", "switch_to_green", "verify_blue", "verify_green")) {
            lb.put(k, PlanSchema.strings("command: argv."));
        }
        lb.put("verify_url", PlanSchema.str("URL through the load balancer that shows which colour answers."));
        lb.put("verify_settle", PlanSchema.str("How long only the target colour must answer (default 1s)."));
        lb.put("verify_timeout", PlanSchema.str("Give up verifying after (default 30s)."));
        Map<String, Object> db = PlanSchema.object(Map.of("host", PlanSchema.str("Host."), "port", Map.of("type", "integer"),
                "user", PlanSchema.str("User."), "password", PlanSchema.str("Use ${ENV_VAR}."), "database", PlanSchema.str("Database.")),
                List.of("host", "database"));
        Map<String, Object> monitor = PlanSchema.object(Map.of("name", PlanSchema.str("Name."), "url", PlanSchema.str("URL."),
                "samples", Map.of("type", "integer"), "max_error_rate", Map.of("type", "number"),
                "max_latency", PlanSchema.str("p95 limit, e.g. 2s.")), List.of("url"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("environment", PlanSchema.str("The environment being cut over."));
        p.put("blue", side);
        p.put("green", side);
        p.put("load_balancer", PlanSchema.object(lb, List.of("type")));
        p.put("prepare", PlanSchema.object(Map.of("checks", Map.of("type", "array", "items", check),
                "workers", PlanSchema.strings("argv; exit 0 when green's workers are up.")), List.of()));
        p.put("replica", db);
        p.put("expand", PlanSchema.object(Map.of("command", PlanSchema.strings("Expand migrations argv."), "dir", PlanSchema.str("Working directory."),
                "table", PlanSchema.str("Migrations table (default migrations)."), "migrations_dir", PlanSchema.str("Migration files."),
                "contract_pattern", PlanSchema.str("Regex naming contract migrations.")), List.of("command")));
        p.put("promote", PlanSchema.object(Map.of("lag_query", PlanSchema.str("Default SHOW REPLICA STATUS."), "max_lag", Map.of("type", "integer"),
                "sql", PlanSchema.strings("Default [SET GLOBAL read_only=OFF]."), "verify_query", PlanSchema.str("Default SELECT @@global.read_only."),
                "verify_expect", PlanSchema.str("Default 0.")), List.of()));
        p.put("smoke", Map.of("type", "array", "items", check));
        p.put("stable", PlanSchema.object(Map.of("window", PlanSchema.str("Default 24h."), "policy", Map.of("enum", List.of("alert", "failback")),
                "interval", PlanSchema.str("Default 1m."), "checks", Map.of("type", "array", "items", monitor),
                "commands", Map.of("type", "array", "items", Map.of("type", "array", "items", Map.of("type", "string")))),
                List.of()));
        p.put("contract", PlanSchema.object(Map.of("command", PlanSchema.strings("Contract migrations argv (the point of no return)."),
                "dir", PlanSchema.str("Working directory.")), List.of("command")));
        p.put("failback_bound", PlanSchema.str("Default 5m."));
        p.put("backup_max_age", PlanSchema.str("Default 24h."));
        Map<String, Object> out = PlanSchema.object(p, List.of("environment", "blue", "green", "load_balancer"));
        out.put("description", "Blue/green cutover (runbook §4.2).");
        return out;
    }

    @Override
    public CutoverPlan parse(Node node, PlanReader r, Plan plan) {
        if (!((Node) r.mapping(node, "cutover") instanceof MappingNode m)) {
            return null;
        }
        String p = "cutover";
        Map<String, Node> k = r.keys(m, p, List.of("environment", "blue", "green", "load_balancer", "prepare",
                "expand", "replica", "promote", "smoke", "stable", "contract", "failback_bound", "backup_max_age"));
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
            Map<String, Node> pk = r.keys(pm, p + ".prepare", List.of("checks", "workers"));
            prepare = new CutoverPlan.Prepare(checks(r, pk.get("checks"), p + ".prepare.checks"),
                    argv(r, pk, p + ".prepare", "workers"));
        }
        CutoverPlan.Expand expand = null;
        if (k.get("expand") != null && (Node) r.mapping(k.get("expand"), p + ".expand") instanceof MappingNode em) {
            String ep = p + ".expand";
            Map<String, Node> ek = r.keys(em, ep, List.of("command", "dir", "table", "migrations_dir", "contract_pattern"));
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
        CutoverPlan.Database replica = null;
        if (k.get("replica") != null && (Node) r.mapping(k.get("replica"), p + ".replica") instanceof MappingNode dm) {
            String dp = p + ".replica";
            Map<String, Node> dk = r.keys(dm, dp, List.of("host", "port", "user", "password", "database"));
            String host = r.required(dm, dk, dp, "host");
            Integer port = r.integer(dk, dp, "port", 3306, 1, 65535);
            String db = r.required(dm, dk, dp, "database");
            Secret pw = r.secret(dk, dp, "password");
            replica = new CutoverPlan.Database(host, port == null ? 3306 : port, r.optional(dk, dp, "user", "root"),
                    pw, db);
        }
        CutoverPlan.Promote promote = null;
        if (k.get("promote") != null && (Node) r.mapping(k.get("promote"), p + ".promote") instanceof MappingNode pm) {
            String pp = p + ".promote";
            Map<String, Node> pk = r.keys(pm, pp, List.of("lag_query", "max_lag", "sql", "verify_query", "verify_expect"));
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
        List<CutoverPlan.HttpCheck> smoke = checks(r, k.get("smoke"), p + ".smoke");
        CutoverPlan.Stable stable = new CutoverPlan.Stable(Duration.ofHours(24), "alert", Duration.ofMinutes(1), List.of(),
                List.of());
        if (k.get("stable") != null && (Node) r.mapping(k.get("stable"), p + ".stable") instanceof MappingNode sm) {
            String sp = p + ".stable";
            Map<String, Node> sk = r.keys(sm, sp, List.of("window", "policy", "interval", "checks", "commands"));
            List<CutoverPlan.MonitorCheck> mc = r.list(sk.get("checks"), sp + ".checks", (cm, cp) -> {
                Map<String, Node> ck = r.keys(cm, cp, List.of("name", "url", "samples", "max_error_rate", "max_latency"));
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
            stable = new CutoverPlan.Stable(r.duration(sk, sp, "window", Duration.ofHours(24)),
                    r.oneOf(sk, sp, "policy", List.of("alert", "failback"), "alert"),
                    r.duration(sk, sp, "interval", Duration.ofMinutes(1)), mc, commands);
        }
        CutoverPlan.Contract contract = null;
        if (k.get("contract") != null && (Node) r.mapping(k.get("contract"), p + ".contract") instanceof MappingNode cm) {
            Map<String, Node> ck = r.keys(cm, p + ".contract", List.of("command", "dir"));
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
                || stable.window() == null || stable.policy() == null || stable.interval() == null) {
            return null;
        }
        return new CutoverPlan(env, blue, green, lb, prepare, expand, replica, promote, smoke, stable, contract,
                bound, backupAge);
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
        Map<String, Node> sk = r.keys(m, p, List.of("name", "health_url", "servers", "marker"));
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
        Map<String, Node> k = r.keys(m, p, List.of("type", "include_file", "upstream", "nginx", "socket", "backend",
                "switch_to_blue", "switch_to_green", "verify_blue", "verify_green", "verify_url", "verify_timeout",
                "verify_settle"));
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

    private static List<CutoverPlan.HttpCheck> checks(PlanReader r, Node n, String path) {
        Set<String> names = new HashSet<>();
        return r.list(n, path, (m, p) -> {
            Map<String, Node> k = r.keys(m, p, List.of("name", "url", "status", "max_latency", "contains"));
            String url = url(r, m, k, p);
            String name = r.optional(k, p, "name", url);
            r.unique(k.getOrDefault("name", m), p + ".name", name, names, "check");
            Integer status = r.integer(k, p, "status", 200, 100, 599);
            Duration lat = r.duration(k, p, "max_latency", Duration.ofSeconds(5));
            return url == null || status == null || lat == null ? null
                    : new CutoverPlan.HttpCheck(name, url, status, lat, r.optional(k, p, "contains"));
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
