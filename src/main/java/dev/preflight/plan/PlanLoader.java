package dev.preflight.plan;

import dev.preflight.core.Secrets;
import dev.preflight.exec.HostUri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads {@code preflight.yaml} into a {@link Plan}. Works on the YAML node tree so every problem
 * carries its line and column, and collects all problems before failing. Interpolates
 * {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${file:PATH}}; {@code $${} is a literal
 * {@code ${}. Every interpolated value becomes a secret.
 */
public final class PlanLoader {
    /** Top-level keys of version 1, in the runbook's order. */
    public static final List<String> TOP_LEVEL = List.of("version", "project", "ledger", "environments",
            "requirements", "waivers", "backups", "restore_test", "dependencies", "feature_flags", "cutover",
            "change_window", "gates", "risks");

    private static final Pattern VAR = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String file;
    private final Path baseDir;
    private final Map<String, String> env;
    private final List<PlanProblem> problems = new ArrayList<>();
    private final Set<String> secretValues = new LinkedHashSet<>();

    private PlanLoader(String file, Path baseDir, Map<String, String> env) {
        this.file = file;
        this.baseDir = baseDir;
        this.env = env;
    }

    public static Plan load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlanException(List.of(new PlanProblem(file.toString(), 1, 1, "", "cannot read the plan file: "
                    + e.getMessage(), "check the path and permissions")));
        }
        Path abs = file.toAbsolutePath().normalize();
        Plan p = parse(file.toString(), text, abs.getParent(), env);
        return new Plan(abs, p.baseDir(), p.secrets(), p.version(), p.project(), p.ledger(), p.environments(),
                p.requirements(), p.sections());
    }

    public static Plan parse(String fileName, String yaml, Path baseDir, Map<String, String> env) {
        return new PlanLoader(fileName, baseDir, env).run(yaml);
    }

    private Plan run(String yaml) {
        Node root = null;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).build();
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)));
            root = composer.getSingleNode().orElse(null);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> m = e.getProblemMark();
            problems.add(new PlanProblem(file, m.map(x -> x.getLine() + 1).orElse(1),
                    m.map(x -> x.getColumn() + 1).orElse(1), "", "YAML syntax error: " + e.getProblem(),
                    e.getContext() == null ? null : e.getContext()));
            throw fail();
        } catch (YamlEngineException e) {
            problems.add(new PlanProblem(file, 1, 1, "", "YAML error: " + e.getMessage(), null));
            throw fail();
        }
        if (!(root instanceof MappingNode top)) {
            problem(root, "", "the plan must be a mapping with 'version' and 'project'",
                    "start from examples/quickstart/preflight.yaml");
            throw fail();
        }
        Map<String, Node> keys = keys(top, "", TOP_LEVEL);
        Integer version = null;
        Node v = keys.get("version");
        if (v == null) {
            problem(top, "version", "required field is missing", "add 'version: 1'");
        } else {
            String s = scalar(v, "version");
            if (s != null && !s.equals("1")) {
                problem(v, "version", "unsupported plan version '" + s + "'", "this Preflight reads version 1");
            } else if (s != null) {
                version = 1;
            }
        }
        Plan.Project project = null;
        Node pn = keys.get("project");
        if (pn == null) {
            problem(top, "project", "required field is missing", "add 'project: {name: ...}'");
        } else if (mapping(pn, "project") instanceof MappingNode pm) {
            Map<String, Node> pk = keys(pm, "project", List.of("name", "runbook", "owner"));
            String name = required(pm, pk, "project", "name");
            project = new Plan.Project(name, optional(pk, "project", "runbook"), optional(pk, "project", "owner"));
        }
        Plan.LedgerConfig ledger = null;
        if (keys.get("ledger") != null && mapping(keys.get("ledger"), "ledger") instanceof MappingNode lm) {
            Map<String, Node> lk = keys(lm, "ledger", List.of("url"));
            String url = optional(lk, "ledger", "url");
            if (url != null && !(url.isBlank() || url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:")
                    || url.startsWith("jdbc:postgresql:"))) {
                problem(lk.get("url"), "ledger.url", "unsupported ledger URL",
                        "use sqlite:PATH or jdbc:postgresql://host:5432/db");
            }
            ledger = new Plan.LedgerConfig(url == null ? null : new Secret(url));
            if (url != null) {
                secretValues.add(url);
            }
        }
        List<Plan.Environment> envs = environments(keys.get("environments"));
        List<Plan.Requirement> globalReqs = requirements(keys.get("requirements"), "requirements");
        Set<String> sections = new LinkedHashSet<>();
        for (String k : TOP_LEVEL.subList(4, TOP_LEVEL.size())) {
            Node n = keys.get(k);
            if (n != null) {
                interpolateAll(n, k);
                sections.add(k);
            }
        }
        if (!problems.isEmpty()) {
            throw fail();
        }
        return new Plan(Path.of(file), baseDir, Secrets.of(secretValues), version, project, ledger, envs, globalReqs,
                sections);
    }

    private List<Plan.Environment> environments(Node n) {
        List<Plan.Environment> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode seq)) {
            problem(n, "environments", "expected a list of environments, got " + kind(n), null);
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String path = "environments[" + i + "]";
            Node en = seq.getValue().get(i);
            if (!(mapping(en, path) instanceof MappingNode em)) {
                continue;
            }
            Map<String, Node> ek = keys(em, path, List.of("name", "hosts", "ssh", "requirements", "connections"));
            String name = required(em, ek, path, "name");
            if (name != null && !seen.add(name)) {
                problem(ek.get("name"), path + ".name", "duplicate environment name '" + name + "'",
                        "environment names must be unique");
            }
            List<Plan.Requirement> envReqs = requirements(ek.get("requirements"), path + ".requirements");
            for (String k : List.of("ssh", "connections")) {
                if (ek.get(k) != null) {
                    interpolateAll(ek.get(k), path + "." + k);
                }
            }
            List<Plan.Host> hosts = new ArrayList<>();
            Node hn = ek.get("hosts");
            if (hn instanceof SequenceNode hs) {
                Set<String> hostNames = new HashSet<>();
                for (int j = 0; j < hs.getValue().size(); j++) {
                    String hp = path + ".hosts[" + j + "]";
                    if (!(mapping(hs.getValue().get(j), hp) instanceof MappingNode hm)) {
                        continue;
                    }
                    Map<String, Node> hk = keys(hm, hp, List.of("name", "uri", "tags"));
                    String hname = required(hm, hk, hp, "name");
                    if (hname != null && !hostNames.add(hname)) {
                        problem(hk.get("name"), hp + ".name", "duplicate host name '" + hname + "'",
                                "host names must be unique within an environment");
                    }
                    String uri = required(hm, hk, hp, "uri");
                    HostUri hu = null;
                    if (uri != null) {
                        try {
                            hu = HostUri.parse(uri);
                        } catch (IllegalArgumentException e) {
                            problem(hk.get("uri"), hp + ".uri", e.getMessage(), null);
                        }
                    }
                    List<String> tags = stringList(hk.get("tags"), hp + ".tags");
                    if (hname != null && hu != null) {
                        hosts.add(new Plan.Host(hname, hu, tags));
                    }
                }
            } else if (hn != null) {
                problem(hn, path + ".hosts", "expected a list of hosts, got " + kind(hn), null);
            }
            if (name != null) {
                out.add(new Plan.Environment(name, hosts, envReqs));
            }
        }
        return out;
    }

    /** Tools the audit knows how to probe; {@code custom} brings its own command and pattern. */
    public static final List<String> TOOLS = List.of("php", "node", "npm", "composer", "mysql", "mysql-server",
            "mariadb", "redis-server", "redis", "nginx", "flutter", "git", "java", "custom");
    private static final List<String> FLAVORS = List.of("mysql", "mariadb");
    private static final List<String> REQUIREMENT_KEYS = List.of("tool", "name", "version", "flavor", "command",
            "pattern", "hosts", "tags");

    /** Checks requirement entries: known tool, a version constraint, a valid flavor, custom probes complete. */
    private List<Plan.Requirement> requirements(Node n, String path) {
        List<Plan.Requirement> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode seq)) {
            problem(n, path, "expected a list of requirements, got " + kind(n), null);
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = path + "[" + i + "]";
            if (!(mapping(seq.getValue().get(i), p) instanceof MappingNode m)) {
                continue;
            }
            Map<String, Node> k = keys(m, p, REQUIREMENT_KEYS);
            String tool = required(m, k, p, "tool");
            if (tool != null && !TOOLS.contains(tool)) {
                String near = nearest(tool, TOOLS);
                problem(k.get("tool"), p + ".tool", "unknown tool '" + tool + "'",
                        (near != null ? "did you mean '" + near + "'? " : "") + "one of: " + String.join(", ", TOOLS));
            }
            String version = required(m, k, p, "version");
            if (version != null) {
                try {
                    dev.preflight.audit.Constraint.parse(version);
                } catch (dev.preflight.audit.Constraint.ParseException e) {
                    problem(k.get("version"), p + ".version", e.getMessage(), "at index " + e.index());
                }
            }
            String flavor = optional(k, p, "flavor");
            if (flavor != null && !FLAVORS.contains(flavor)) {
                problem(k.get("flavor"), p + ".flavor", "bad value '" + flavor + "'", "one of: mysql, mariadb");
            }
            String name = optional(k, p, "name");
            String display = name != null ? name : tool;
            if (display != null && !names.add(display)) {
                problem(k.get(name != null ? "name" : "tool"), p, "duplicate requirement '" + display + "'",
                        "give one of them a distinct 'name'");
            }
            List<String> command = stringList(k.get("command"), p + ".command");
            String pattern = optional(k, p, "pattern");
            if (pattern != null) {
                try {
                    Pattern.compile(pattern);
                    // Java 17 has no API listing named groups; the syntax is unambiguous in the source.
                    if (!pattern.contains("(?<version>")) {
                        problem(k.get("pattern"), p + ".pattern", "the pattern has no named group 'version'",
                                "e.g. 'v(?<version>[0-9.]+)'");
                    }
                } catch (java.util.regex.PatternSyntaxException e) {
                    problem(k.get("pattern"), p + ".pattern", "not a valid regular expression: " + e.getDescription(),
                            "at index " + e.getIndex());
                }
            }
            if ("custom".equals(tool)) {
                if (name == null) {
                    problem(m, p + ".name", "required for a custom tool", "name the requirement");
                }
                if (command.isEmpty()) {
                    problem(m, p + ".command", "required for a custom tool", "give the probe as an argv list");
                }
                if (pattern == null) {
                    problem(m, p + ".pattern", "required for a custom tool", "a regex with a named group 'version'");
                }
            }
            if (tool != null && version != null) {
                out.add(new Plan.Requirement(display, tool, version, flavor, command, pattern));
            }
        }
        return out;
    }

    // ---- node helpers ---------------------------------------------------------------------------

    /** The keys of a mapping; unknown and duplicate keys are problems (with a did-you-mean hint). */
    private Map<String, Node> keys(MappingNode m, String path, List<String> allowed) {
        Map<String, Node> out = new java.util.LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            String p = path.isEmpty() ? key : path + "." + key;
            if (key == null) {
                problem(t.getKeyNode(), path, "keys must be plain names", null);
            } else if (!allowed.contains(key)) {
                String near = nearest(key, allowed);
                problem(t.getKeyNode(), p, "unknown key '" + key + "'",
                        near != null ? "did you mean '" + near + "'?" : "allowed here: " + String.join(", ", allowed));
            } else if (out.containsKey(key)) {
                problem(t.getKeyNode(), p, "duplicate key '" + key + "'", "each key may appear once");
            } else {
                out.put(key, t.getValueNode());
            }
        }
        return out;
    }

    private Node mapping(Node n, String path) {
        if (n instanceof MappingNode) {
            return n;
        }
        problem(n, path, "expected a mapping, got " + kind(n), null);
        return null;
    }

    private String required(MappingNode parent, Map<String, Node> keys, String path, String key) {
        Node n = keys.get(key);
        String p = path.isEmpty() ? key : path + "." + key;
        if (n == null) {
            problem(parent, p, "required field is missing", "add '" + key + ": ...'");
            return null;
        }
        String s = scalar(n, p);
        if (s != null && s.isBlank()) {
            problem(n, p, "must not be empty", null);
            return null;
        }
        return s;
    }

    private String optional(Map<String, Node> keys, String path, String key) {
        Node n = keys.get(key);
        return n == null ? null : scalar(n, path + "." + key);
    }

    private List<String> stringList(Node n, String path) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode s)) {
            problem(n, path, "expected a list of strings, got " + kind(n), null);
            return out;
        }
        for (int i = 0; i < s.getValue().size(); i++) {
            String v = scalar(s.getValue().get(i), path + "[" + i + "]");
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** A scalar's value, interpolated; a problem (and null) for mappings and lists. */
    private String scalar(Node n, String path) {
        if (!(n instanceof ScalarNode s)) {
            problem(n, path, "expected a single value, got " + kind(n), null);
            return null;
        }
        return interpolate(s, path);
    }

    /** Interpolates every scalar below a section not yet modelled, so its secrets are known and masked. */
    private void interpolateAll(Node n, String path) {
        if (n instanceof ScalarNode s) {
            interpolate(s, path);
        } else if (n instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                interpolateAll(seq.getValue().get(i), path + "[" + i + "]");
            }
        } else if (n instanceof MappingNode m) {
            Set<String> seen = new HashSet<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                if (!seen.add(key)) {
                    problem(t.getKeyNode(), path + "." + key, "duplicate key '" + key + "'", "each key may appear once");
                }
                interpolateAll(t.getValueNode(), path + "." + key);
            }
        }
    }

    private String interpolate(ScalarNode s, String path) {
        String raw = s.getValue();
        if (!raw.contains("${")) {
            return raw;
        }
        Matcher m = VAR.matcher(raw);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            if (m.group(1) == null) {
                m.appendReplacement(sb, Matcher.quoteReplacement("${"));
                continue;
            }
            String expr = m.group(1);
            String value;
            if (expr.startsWith("file:")) {
                Path p = baseDir.resolve(expr.substring(5).strip());
                try {
                    value = Files.readString(p, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
                } catch (IOException e) {
                    problem(s, path, "cannot read secret file " + p + " (" + e.getClass().getSimpleName() + ")",
                            "check the path in ${file:...}");
                    value = "";
                }
            } else {
                int dflt = expr.indexOf(":-");
                String name = dflt >= 0 ? expr.substring(0, dflt) : expr;
                if (!NAME.matcher(name).matches()) {
                    problem(s, path, "bad interpolation '${" + expr + "}'",
                            "use ${VAR}, ${VAR:-default} or ${file:/path}");
                    value = "";
                } else if (env.get(name) != null) {
                    value = env.get(name);
                } else if (dflt >= 0) {
                    value = expr.substring(dflt + 2);
                } else {
                    problem(s, path, "environment variable " + name + " is not set",
                            "export " + name + ", or write ${" + name + ":-default}");
                    value = "";
                }
            }
            secretValues.add(value);
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        } else if (n instanceof SequenceNode) {
            return "a list";
        } else if (n instanceof ScalarNode s) {
            return "'" + s.getValue() + "'";
        }
        return "nothing";
    }

    private void problem(Node n, String path, String message, String hint) {
        int line = 1;
        int col = 1;
        if (n != null && n.getStartMark().isPresent()) {
            line = n.getStartMark().get().getLine() + 1;
            col = n.getStartMark().get().getColumn() + 1;
        }
        problems.add(new PlanProblem(file, line, col, path, message, hint));
    }

    private PlanException fail() {
        List<PlanProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(PlanProblem::line).thenComparingInt(PlanProblem::column));
        return new PlanException(sorted);
    }

    static String nearest(String key, List<String> allowed) {
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
