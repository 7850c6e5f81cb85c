package dev.preflight.deps;

import dev.preflight.audit.Constraint;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** Reads the plan's {@code dependencies} section into a {@link DepsPlan}, every problem with its position. */
public final class DepsPlanParser implements SectionParser<DepsPlan> {
    @Override
    public String key() {
        return "dependencies";
    }

    static final Shape.Obj FLUTTER = Shape.obj("Probe Flutter on that environment's hosts.",
            Shape.required("environment", Shape.text("An environment of the plan.")),
            Shape.optional("version", Shape.text("Version constraint, e.g. '>=3.19'.")));
    static final Shape.Obj SHAPE = Shape.obj("Dependency review (runbook §3.2).",
            Shape.required("dir", Shape.text("Folder with composer.json/lock and package.json/package-lock.json.")),
            Shape.required("targets", Shape.mapOf(Shape.text("A Composer constraint, or an npm range for node."),
                    "Package or php/node -> version, e.g. {laravel/framework: '11.*', php: '8.3', node: '20'}.")),
            Shape.optional("metadata", Shape.command("Packagist p2 metadata file(s) for the forward check.")),
            Shape.optional("npm_outdated", Shape.flag("true: also run npm outdated --json.")),
            Shape.optional("flutter", FLUTTER));

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public DepsPlan parse(Node node, PlanReader r, Plan context) {
        String p = "dependencies";
        MappingNode m = r.mapping(node, p);
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, p, SHAPE);
        String dir = r.required(m, k, p, "dir");
        Path dirPath = null;
        if (dir != null) {
            dirPath = r.path(dir);
            if (!Files.isDirectory(dirPath)) {
                r.problem(k.get("dir"), p + ".dir", "no such directory: " + dirPath, "the folder with composer.lock / "
                        + "package-lock.json, relative to the plan");
            }
        }
        Map<String, String> targets = Map.of();
        if (k.get("targets") == null) {
            r.problem(m, p + ".targets", "required field is missing", "e.g. targets: {laravel/framework: \"11.*\", php: \"8.3\"}");
        } else {
            targets = r.stringMap(k.get("targets"), p + ".targets");
            if (targets.isEmpty() && k.get("targets") instanceof MappingNode) {
                r.problem(k.get("targets"), p + ".targets", "must name at least one target", null);
            }
            for (Map.Entry<String, String> t : targets.entrySet()) {
                try {
                    Targets.parse(Map.of(t.getKey(), t.getValue()));
                } catch (IllegalArgumentException e) {
                    r.problem(valueNode(k.get("targets"), t.getKey()), p + ".targets." + t.getKey(), e.getMessage(),
                            "Composer constraint for packages and php, npm range for node");
                }
            }
        }
        List<Path> metadata = new ArrayList<>();
        Node md = k.get("metadata");
        List<String> files = md == null ? List.of() : md instanceof ScalarNode ? listOf(r.scalar(md, p + ".metadata"))
                : r.stringList(md, p + ".metadata");
        for (String f : files) {
            Path mp = r.path(f);
            if (!Files.isRegularFile(mp)) {
                r.problem(md, p + ".metadata", "no such file: " + mp, "a Packagist p2 file, e.g. "
                        + "https://repo.packagist.org/p2/laravel/framework.json saved next to the plan");
            }
            metadata.add(mp);
        }
        Boolean outdated = r.bool(k, p, "npm_outdated", false);
        DepsPlan.Flutter flutter = null;
        if (k.get("flutter") != null) {
            MappingNode fm = r.mapping(k.get("flutter"), p + ".flutter");
            if (fm != null) {
                Map<String, Node> fk = r.keys(fm, p + ".flutter", FLUTTER);
                String env = r.required(fm, fk, p + ".flutter", "environment");
                if (env != null && context.environment(env).isEmpty()) {
                    r.problem(fk.get("environment"), p + ".flutter.environment", "no environment '" + env + "' in the plan",
                            "environments: " + String.join(", ", context.environments().stream().map(Plan.Environment::name).toList()));
                }
                String version = r.optional(fk, p + ".flutter", "version");
                if (version != null) {
                    try {
                        Constraint.parse(version);
                    } catch (IllegalArgumentException e) {
                        r.problem(fk.get("version"), p + ".flutter.version", e.getMessage(), "e.g. \">=3.19\"");
                    }
                }
                flutter = new DepsPlan.Flutter(env, version);
            }
        }
        return new DepsPlan(dirPath, targets, metadata, Boolean.TRUE.equals(outdated), flutter);
    }

    private static List<String> listOf(String s) {
        return s == null ? List.of() : List.of(s);
    }

    private static Node valueNode(Node mapping, String key) {
        if (mapping instanceof MappingNode m) {
            for (var t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return mapping;
    }
}
