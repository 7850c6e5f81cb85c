package dev.preflight.plan;

import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.Secrets;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.SshOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads {@code preflight.yaml} into a {@link Plan}. Works on the YAML node tree so every problem
 * carries its line and column, and collects all problems before failing. Interpolates
 * {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${file:PATH}}; {@code $${} is a literal
 * {@code ${}. Secrets are typed: credential fields (read with {@link PlanReader#secret}) and
 * values tagged {@code !secret}; any other tag is an error. Hostile input is bounded: size,
 * line length, nesting depth, value length, alias expansion and {@code ${file:}} size each have a
 * limit reached before the work they guard.
 */
public final class PlanLoader {
    /** Largest plan file: real plans are a few kilobytes. */
    public static final int MAX_PLAN_BYTES = 256 * 1024;
    /** Longest line (the YAML scanner's time grows with the square of a line's length). */
    public static final int MAX_LINE_CHARS = 16 * 1024;
    /** Longest value, written or interpolated. */
    public static final int MAX_VALUE_CHARS = 64 * 1024;
    /** Deepest nesting of mappings and lists (the YAML composer recurses once per level). */
    public static final int MAX_DEPTH = 64;
    /** Largest {@code ${file:PATH}}: one secret, not a document. */
    public static final int MAX_FILE_BYTES = 64 * 1024;
    /** Most aliases of lists or mappings a plan may hold (the YAML engine's own limit, reached first here with a position). */
    static final int MAX_COLLECTION_ALIASES = 50;

    /** Most values a plan may expand to through aliases (an alias bomb is refused, not walked). */
    public static final int MAX_NODES = 100_000;
    /** The one tag a plan may use: marks a value as a credential. */
    public static final String SECRET_TAG = "!secret";
    /** Top-level keys of version 1, in the runbook's order. */
    public static final List<String> TOP_LEVEL = List.of("version", "project", "ledger", "environments",
            "requirements", "waivers", "backups", "restore_test", "dependencies", "feature_flags", "cutover",
            "change_window", "gates", "risks", "readiness");


    private final String file;
    private final Path baseDir;
    private final PlanReader r;
    private final Map<String, SectionParser<?>> parsers = parsers();
    /** Every entry of {@code environments} that is a mapping, for the parsers that add fields to one. */
    private final List<SectionParser.EnvironmentEntry> envEntries = new ArrayList<>();

    private PlanLoader(String file, Path baseDir, Map<String, String> env) {
        this.file = file;
        this.baseDir = baseDir;
        this.r = new PlanReader(file, baseDir, env);
    }

    /** The registered section parsers, by key (found once per load: cheap, and no global state). */
    static Map<String, SectionParser<?>> parsers() {
        Map<String, SectionParser<?>> out = new LinkedHashMap<>();
        for (SectionParser<?> p : ServiceLoader.load(SectionParser.class, PlanLoader.class.getClassLoader())) {
            if (!TOP_LEVEL.contains(p.key()) || out.put(p.key(), p) != null) {
                throw new IllegalStateException("section parser for unknown or duplicate key " + p.key());
            }
        }
        return out;
    }

    public static Plan load(Path file, Map<String, String> env) {
        String text = PlanText.decode(file.toString(), PlanText.read(file));
        Path abs = file.toAbsolutePath().normalize();
        return parse(file.toString(), text, abs.getParent(), env).withSource(abs);
    }

    public static Plan parse(String fileName, String yaml, Path baseDir, Map<String, String> env) {
        return new PlanLoader(fileName, baseDir, env).run(yaml);
    }

    private Plan run(String yaml) {
        if (yaml.length() > MAX_PLAN_BYTES) {
            r.problem(new PlanProblem(file, 1, 1, "", "the plan is " + yaml.length() + " characters; the limit is "
                    + MAX_PLAN_BYTES, "a plan is a few kilobytes of YAML; is this the right file?"));
            throw fail();
        }
        List<PlanProblem> textProblems = PlanText.check(file, yaml);
        if (!textProblems.isEmpty()) {
            textProblems.forEach(r::problem);
            throw fail();
        }
        Node root = null;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).setCodePointLimit(MAX_PLAN_BYTES + 1)
                    .setAllowRecursiveKeys(false).setMaxAliasesForCollections(MAX_COLLECTION_ALIASES).build();
            Composer composer = new Composer(settings,
                    new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, yaml)), MAX_DEPTH));
            root = composer.getSingleNode().orElse(null);
        } catch (DepthLimitedParser.TooDeep e) {
            Optional<Mark> m = e.mark();
            r.problem(new PlanProblem(file, m.map(x -> x.getLine() + 1).orElse(1),
                    m.map(x -> x.getColumn() + 1).orElse(1), "", "nested deeper than " + MAX_DEPTH + " levels",
                    "a plan needs a handful of levels; the limit is " + MAX_DEPTH));
            throw fail();
        } catch (DepthLimitedParser.AliasLimit e) {
            Optional<Mark> m = e.mark();
            r.problem(new PlanProblem(file, m.map(x -> x.getLine() + 1).orElse(1),
                    m.map(x -> x.getColumn() + 1).orElse(1), "", e.problem(),
                    "is this an alias bomb? a plan has a few hundred values"));
            throw fail();
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> m = e.getProblemMark();
            r.problem(new PlanProblem(file, m.map(x -> x.getLine() + 1).orElse(1),
                    m.map(x -> x.getColumn() + 1).orElse(1), "", "YAML syntax error: " + e.getProblem(),
                    e.getContext() == null ? null : e.getContext()));
            throw fail();
        } catch (YamlEngineException e) {
            r.problem(new PlanProblem(file, 1, 1, "", "YAML error: " + Errors.describe(e), null));
            throw fail();
        }
        if (root != null && !new NodeCheck(r).check(root)) {
            throw fail();
        }
        if (!(root instanceof MappingNode top)) {
            r.problem(root, "", "the plan must be a mapping with 'version' and 'project'",
                    "start from examples/quickstart/preflight.yaml");
            throw fail();
        }
        Map<String, Node> keys = r.keys(top, "", TOP_LEVEL);
        Integer version = null;
        Node v = keys.get("version");
        if (v == null) {
            r.problem(top, "version", "required field is missing", "add 'version: 1'");
        } else {
            String s = r.scalar(v, "version");
            if (s != null && !s.equals("1")) {
                r.problem(v, "version", "unsupported plan version '" + s + "'", "this Preflight reads version 1");
            } else if (s != null) {
                version = 1;
            }
        }
        Plan.Project project = null;
        Node pn = keys.get("project");
        if (pn == null) {
            r.problem(top, "project", "required field is missing", "add 'project: {name: ...}'");
        } else if ((Node) r.mapping(pn, "project") instanceof MappingNode pm) {
            Map<String, Node> pk = r.keys(pm, "project", PlanSchema.PROJECT);
            String name = r.required(pm, pk, "project", "name");
            project = new Plan.Project(name, r.optional(pk, "project", "runbook"), r.optional(pk, "project", "owner"));
        }
        Plan.LedgerConfig ledger = null;
        if (keys.get("ledger") != null && (Node) r.mapping(keys.get("ledger"), "ledger") instanceof MappingNode lm) {
            Map<String, Node> lk = r.keys(lm, "ledger", PlanSchema.LEDGER);
            Secret urlSecret = r.secretUrl(lk, "ledger", "url");
            String url = urlSecret == null ? null : urlSecret.value();
            if (url != null && !(url.isBlank() || url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:")
                    || url.startsWith("jdbc:postgresql:"))) {
                r.problem(lk.get("url"), "ledger.url", "unsupported ledger URL",
                        "use sqlite:PATH or jdbc:postgresql://host:5432/db");
            }
            ledger = new Plan.LedgerConfig(urlSecret);
        }
        List<Plan.Environment> envs = environments(keys.get("environments"));
        Set<String> sections = new LinkedHashSet<>();
        List<String> toParse = new ArrayList<>();
        for (String k : TOP_LEVEL.subList(4, TOP_LEVEL.size())) {
            Node n = keys.get(k);
            if (n != null) {
                sections.add(k);
                if (parsers.containsKey(k)) {
                    toParse.add(k);
                } else {
                    r.interpolateAll(n, k);
                }
            } else if (parsers.containsKey(k) && setsEnvironmentField(parsers.get(k))) {
                toParse.add(k);
            }
        }
        Map<String, Object> models = new LinkedHashMap<>();
        for (String k : toParse) {
            // Section parsers see the core of the plan (project, ledger, environments) already read,
            // and the models of the sections before them, so references between sections are checked.
            Plan context = new Plan(Path.of(file), baseDir, Secrets.none(), version == null ? 1 : version, project,
                    ledger, envs, sections, models, Hashing.sha256Hex(yaml));
            SectionParser<?> p = parsers.get(k);
            Object model = p.environmentFields().isEmpty() ? p.parse(keys.get(k), r, context)
                    : p.parse(keys.get(k), List.copyOf(envEntries), r, context);
            if (model != null) {
                models.put(k, model);
            }
        }
        r.checkCredentialsStayPut();
        if (r.hasProblems()) {
            throw fail();
        }
        // A plan that interpolates nothing keeps the hash of its text (the sign-offs given on it still stand).
        List<String> interpolated = r.interpolatedValues();
        String sha256 = Hashing.sha256Hex(interpolated.isEmpty() ? yaml
                : yaml + "\u0000" + String.join("\n", interpolated));
        return new Plan(Path.of(file), baseDir, Secrets.of(r.secretValues()), version, project, ledger, envs,
                sections, models, sha256);
    }

    /** Whether some environment sets one of the fields this parser adds to environments. */
    private boolean setsEnvironmentField(SectionParser<?> p) {
        return p.environmentFields().stream().anyMatch(f -> envEntries.stream().anyMatch(e -> e.keys().containsKey(f.name())));
    }

    private List<Plan.Environment> environments(Node n) {
        List<Plan.Environment> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode seq)) {
            r.problem(n, "environments", "expected a list of environments, got " + PlanReader.kind(n), null);
            return out;
        }
        Set<String> seen = new HashSet<>();
        Shape.Obj environmentShape = PlanSchema.environment(parsers);
        for (int i = 0; i < seq.getValue().size(); i++) {
            String path = "environments[" + i + "]";
            Node en = seq.getValue().get(i);
            if (!((Node) r.mapping(en, path) instanceof MappingNode em)) {
                continue;
            }
            Map<String, Node> ek = r.keys(em, path, environmentShape);
            String name = r.required(em, ek, path, "name");
            if (name != null && !seen.add(name)) {
                r.problem(ek.get("name"), path + ".name", "duplicate environment name '" + name + "'",
                        "environment names must be unique");
            }
            envEntries.add(new SectionParser.EnvironmentEntry(path, name, em, ek));
            SshOptions ssh = ssh(ek.get("ssh"), path + ".ssh");
            Plan.Connections connections = connections(ek.get("connections"), path + ".connections");
            List<Plan.Host> hosts = new ArrayList<>();
            Node hn = ek.get("hosts");
            if (hn instanceof SequenceNode hs) {
                Set<String> hostNames = new HashSet<>();
                for (int j = 0; j < hs.getValue().size(); j++) {
                    String hp = path + ".hosts[" + j + "]";
                    if (!((Node) r.mapping(hs.getValue().get(j), hp) instanceof MappingNode hm)) {
                        continue;
                    }
                    Map<String, Node> hk = r.keys(hm, hp, PlanSchema.HOST);
                    String hname = r.required(hm, hk, hp, "name");
                    if (hname != null && !hostNames.add(hname)) {
                        r.problem(hk.get("name"), hp + ".name", "duplicate host name '" + hname + "'",
                                "host names must be unique within an environment");
                    }
                    String uri = r.required(hm, hk, hp, "uri");
                    HostUri hu = null;
                    if (uri != null) {
                        try {
                            hu = HostUri.parse(uri);
                        } catch (IllegalArgumentException e) {
                            r.problem(hk.get("uri"), hp + ".uri", e.getMessage(), null);
                        }
                    }
                    List<String> tags = r.stringList(hk.get("tags"), hp + ".tags");
                    if (hname != null && hu != null) {
                        hosts.add(new Plan.Host(hname, hu, tags));
                    }
                }
            } else if (hn != null) {
                r.problem(hn, path + ".hosts", "expected a list of hosts, got " + PlanReader.kind(hn), null);
            }
            if (name != null) {
                out.add(new Plan.Environment(name, hosts, ssh, connections));
            }
        }
        return out;
    }

    /** An environment's SSH settings; null (OpenSSH's defaults) when absent. */
    private SshOptions ssh(Node n, String path) {
        if (n == null) {
            return null;
        }
        MappingNode m = r.mapping(n, path);
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, path, PlanSchema.SSH);
        SshOptions d = SshOptions.defaults();
        String kh = r.optional(k, path, "known_hosts");
        List<Path> ids = k.containsKey("identity_files")
                ? r.stringList(k.get("identity_files"), path + ".identity_files").stream().map(r::path).toList()
                : d.identityFiles();
        Boolean strict = r.bool(k, path, "strict_host_key_checking", true);
        Boolean login = r.bool(k, path, "login_shell", false);
        Duration timeout = r.duration(k, path, "connect_timeout", Duration.ofSeconds(10));
        return new SshOptions(kh == null ? d.knownHosts() : r.path(kh), ids, strict == null || strict,
                login != null && login, timeout);
    }

    /** An environment's server connections (mysql, redis) for the server-side version probes. */
    private Plan.Connections connections(Node n, String path) {
        if (n == null) {
            return Plan.Connections.NONE;
        }
        MappingNode m = r.mapping(n, path);
        if (m == null) {
            return Plan.Connections.NONE;
        }
        Map<String, Node> k = r.keys(m, path, PlanSchema.CONNECTIONS);
        return new Plan.Connections(endpoint(k.get("mysql"), path + ".mysql", 3306, true),
                endpoint(k.get("redis"), path + ".redis", 6379, false));
    }

    private Plan.Endpoint endpoint(Node n, String path, int defaultPort, boolean sql) {
        if (n == null) {
            return null;
        }
        MappingNode m = r.mapping(n, path);
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, path, sql ? PlanSchema.MYSQL_ENDPOINT : PlanSchema.REDIS_ENDPOINT);
        String host = r.required(m, k, path, "host");
        Integer port = r.integer(k, path, "port", defaultPort, 1, 65535);
        String user = r.optional(k, path, "user");
        Secret pw = r.secret(k, path, "password");
        String password = pw == null ? null : pw.value();
        String database = sql ? r.optional(k, path, "database") : null;
        if (host == null) {
            return null;
        }
        if (port == null) {
            // Already reported; keep the endpoint so no second, misleading "not configured" follows.
            port = defaultPort;
        }
        return new Plan.Endpoint(host, port, user, password == null || password.isEmpty() ? null : new Secret(password),
                database);
    }

    private PlanException fail() {
        return r.fail();
    }

    /** The allowed name closest to {@code key} (for did-you-mean hints), or null when none is close. */
    public static String nearest(String key, List<String> allowed) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = distance(key, a);
            if (d < bestD) {
                bestD = d;
                best = a;
            }
        }
        return bestD <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
