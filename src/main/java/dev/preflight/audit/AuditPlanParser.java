package dev.preflight.audit;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the plan's {@code requirements} and each environment's own into an {@link AuditPlan}: known
 * tool, a version constraint in the audit's semantics, a valid flavor, custom probes complete, and
 * a server connection for each server-side probe. Every problem with its position, all at once.
 */
public final class AuditPlanParser implements SectionParser<AuditPlan> {
    /** Tools the audit knows how to probe; {@code custom} brings its own command and pattern. */
    public static final List<String> TOOLS = List.of("php", "node", "npm", "composer", "mysql", "mysql-server",
            "mariadb", "redis-server", "redis", "nginx", "flutter", "git", "java", "custom");
    private static final List<String> FLAVORS = List.of("mysql", "mariadb");

    /** {@code requirements[]} and {@code environments[].requirements[]}. */
    static final Shape.Obj REQUIREMENT = Shape.obj(null,
            Shape.required("tool", new Shape.Choice(TOOLS, "The tool whose version is checked.")),
            Shape.optional("name", Shape.text("Display name; required for custom tools.")),
            Shape.required("version", Shape.text("Version constraint, e.g. 8.3, 20, '>=8.0.36 <8.1'.")),
            Shape.optional("flavor", Shape.choice("mysql or mariadb.", "mysql", "mariadb")),
            Shape.optional("command", Shape.strings("Probe argv replacing the default (the tool's parser is kept).")),
            Shape.optional("pattern", Shape.text("Regex with a named group 'version' replacing the parser.")),
            Shape.optional("hosts", Shape.strings("Host names or globs it applies to.")),
            Shape.optional("tags", Shape.strings("Host tags it applies to.")));

    @Override
    public String key() {
        return AuditPlan.KEY;
    }

    @Override
    public Shape shape() {
        return Shape.listOf(REQUIREMENT, "Tool versions every host must have.");
    }

    @Override
    public List<Shape.Field> environmentFields() {
        return List.of(Shape.optional("requirements", Shape.listOf(REQUIREMENT, "Requirements of this environment only.")));
    }

    @Override
    public AuditPlan parse(Node node, PlanReader reader, Plan context) {
        return parse(node, List.of(), reader, context);
    }

    @Override
    public AuditPlan parse(Node node, List<EnvironmentEntry> environments, PlanReader r, Plan context) {
        Read read = new Read(r);
        // Environments first: a node shared through an alias keeps the path it was first read at, as before.
        Map<String, List<AuditPlan.Requirement>> byEnv = new LinkedHashMap<>();
        List<List<Tool>> envTools = new ArrayList<>();
        for (EnvironmentEntry e : environments) {
            int before = read.tools.size();
            List<AuditPlan.Requirement> reqs = read.requirements(e.keys().get("requirements"), e.path() + ".requirements");
            envTools.add(new ArrayList<>(read.tools.subList(before, read.tools.size())));
            read.tools.subList(before, read.tools.size()).clear();
            if (e.name() != null) {
                byEnv.computeIfAbsent(e.name(), k -> new ArrayList<>()).addAll(reqs);
            }
        }
        List<AuditPlan.Requirement> global = read.requirements(node, "requirements");
        for (int i = 0; i < environments.size(); i++) {
            checkServers(r, environments.get(i), read.tools, envTools.get(i));
        }
        return new AuditPlan(global, byEnv);
    }

    /** A requirement's tool and display name as read, whether or not the rest of it was valid. */
    private record Tool(String tool, String display) {
    }

    /**
     * Server-side probes need the environment's connection: said at load time, not mid-audit.
     * Checked on what the file declares (hosts, connection keys), not on what survived validation,
     * so that this cross-field problem is reported in the same run as the others.
     */
    private static void checkServers(PlanReader r, EnvironmentEntry e, List<Tool> global, List<Tool> own) {
        if (!(e.keys().get("hosts") instanceof SequenceNode hs) || hs.getValue().isEmpty()) {
            return;
        }
        Node connections = e.keys().get("connections");
        Set<Tool> tools = new LinkedHashSet<>(global);
        tools.addAll(own);
        for (Tool t : tools) {
            String need = switch (t.tool()) {
                case "mysql-server" -> hasKey(connections, "mysql") ? null : "mysql";
                case "redis" -> hasKey(connections, "redis") ? null : "redis";
                default -> null;
            };
            if (need != null) {
                String name = e.name() == null ? e.path() : e.name();
                r.problem(e.node(), "environments." + name + ".connections." + need,
                        "requirement '" + t.display() + "' asks the " + need + " server for its version, but the "
                                + "environment has no connections." + need,
                        "add connections: {" + need + ": {host: ..., port: ...}} to the environment");
            }
        }
    }

    private static boolean hasKey(Node n, String key) {
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One load's reading of requirement lists, collecting the tools named for the server check. */
    private static final class Read {
        private final PlanReader r;
        /** Tools named by requirements as read (valid or not), for the cross-field checks. */
        private final List<Tool> tools = new ArrayList<>();

        Read(PlanReader r) {
            this.r = r;
        }

        /** Checks requirement entries: known tool, a version constraint, a valid flavor, custom probes complete. */
        List<AuditPlan.Requirement> requirements(Node n, String path) {
            List<AuditPlan.Requirement> out = new ArrayList<>();
            if (n == null) {
                return out;
            }
            if (!(n instanceof SequenceNode seq)) {
                r.problem(n, path, "expected a list of requirements, got " + PlanReader.kind(n), null);
                return out;
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                String p = path + "[" + i + "]";
                if (!((Node) r.mapping(seq.getValue().get(i), p) instanceof MappingNode m)) {
                    continue;
                }
                Map<String, Node> k = r.keys(m, p, REQUIREMENT);
                String tool = r.required(m, k, p, "tool");
                if (tool != null && !TOOLS.contains(tool)) {
                    String near = PlanLoader.nearest(tool, TOOLS);
                    r.problem(k.get("tool"), p + ".tool", "unknown tool '" + tool + "'",
                            (near != null ? "did you mean '" + near + "'? " : "") + "one of: " + String.join(", ", TOOLS));
                }
                String version = r.required(m, k, p, "version");
                if (version != null) {
                    try {
                        Constraint.parse(version);
                    } catch (Constraint.ParseException e) {
                        r.problem(k.get("version"), p + ".version", e.getMessage(), "at index " + e.index());
                    }
                }
                String flavor = r.oneOf(k, p, "flavor", FLAVORS, null);
                String name = r.optional(k, p, "name");
                String display = name != null ? name : tool;
                if (tool != null && TOOLS.contains(tool)) {
                    tools.add(new Tool(tool, display));
                }
                if (display != null && !names.add(display)) {
                    r.problem(k.get(name != null ? "name" : "tool"), p, "duplicate requirement '" + display + "'",
                            "give one of them a distinct 'name'");
                }
                List<String> command = r.stringList(k.get("command"), p + ".command");
                String pattern = r.optional(k, p, "pattern");
                checkPattern(k, p, pattern);
                if ("custom".equals(tool)) {
                    if (name == null) {
                        r.problem(m, p + ".name", "required for a custom tool", "name the requirement");
                    }
                    if (command.isEmpty()) {
                        r.problem(m, p + ".command", "required for a custom tool", "give the probe as an argv list");
                    }
                    if (pattern == null) {
                        r.problem(m, p + ".pattern", "required for a custom tool", "a regex with a named group 'version'");
                    }
                }
                if (tool != null && version != null) {
                    out.add(new AuditPlan.Requirement(display, tool, version, flavor, command, pattern,
                            r.stringList(k.get("hosts"), p + ".hosts"), r.stringList(k.get("tags"), p + ".tags")));
                }
            }
            return out;
        }

        private void checkPattern(Map<String, Node> k, String p, String pattern) {
            if (pattern == null) {
                return;
            }
            try {
                Pattern.compile(pattern);
                // Java 17 has no API listing named groups; the syntax is unambiguous in the source.
                if (!pattern.contains("(?<version>")) {
                    r.problem(k.get("pattern"), p + ".pattern", "the pattern has no named group 'version'",
                            "e.g. 'v(?<version>[0-9.]+)'");
                }
            } catch (PatternSyntaxException e) {
                r.problem(k.get("pattern"), p + ".pattern", "not a valid regular expression: " + e.getDescription(),
                        "at index " + e.getIndex());
            }
        }
    }
}
