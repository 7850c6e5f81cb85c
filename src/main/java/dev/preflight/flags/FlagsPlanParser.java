package dev.preflight.flags;

import dev.preflight.flags.FlagsPlan.EnvFile;
import dev.preflight.flags.FlagsPlan.Flag;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.Shape;
import dev.preflight.plan.SectionParser;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** Reads the plan's {@code feature_flags} section into a {@link FlagsPlan}, every problem with its position. */
public final class FlagsPlanParser implements SectionParser<FlagsPlan> {
    // A flag name is a Laravel config key segment: a dot would make config('feature-flags.a.b') nest.
    static final Pattern FLAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Override
    public String key() {
        return "feature_flags";
    }

    static final Shape.Obj FLAG = Shape.obj("One registered flag.",
            Shape.required("name", new Shape.Text("Letters, digits, _ and - (no dots).", "^[A-Za-z][A-Za-z0-9_-]*$")),
            Shape.optional("description", Shape.text("What it switches.")),
            Shape.required("owner", Shape.text("Owning team.")),
            Shape.required("type", new Shape.Choice(FlagsPlan.Type.labels(), "The kind of flag.")),
            Shape.required("review_by", Shape.date("YYYY-MM-DD; past it, flags validate warns (stale).")),
            Shape.optional("defaults", Shape.mapOf(Shape.flag("The flag's default there."),
                    "Per environment of files: true or false; unstated ones are off.")));
    static final Shape.Obj SHAPE = Shape.obj("Feature flag registry and dotenv files (runbook §4.1).",
            Shape.optional("env_key", Shape.text("The dotenv key holding the JSON object (default APP_FEATURE_FLAGS).")),
            Shape.optional("app_dir", Shape.text("PHP source scanned by flags validate.")),
            Shape.required("files", Shape.mapOf(Shape.text("A dotenv file, relative to the plan."),
                    "Environment -> dotenv file; 'example' is required.")),
            Shape.required("flags", Shape.listOf(FLAG, "The registry.")));
    static final List<String> KEYS = SHAPE.keys();
    static final List<String> FLAG_KEYS = FLAG.keys();

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public FlagsPlan parse(Node node, PlanReader r, Plan context) {
        MappingNode m = r.mapping(node, "feature_flags");
        if (m == null) {
            return null;
        }
        String p = "feature_flags";
        Map<String, Node> k = r.keys(m, p, KEYS);
        String envKey = r.optional(k, p, "env_key", "APP_FEATURE_FLAGS");
        if (envKey != null && !ENV_KEY.matcher(envKey).matches()) {
            r.problem(k.get("env_key"), p + ".env_key", "not a dotenv key: '" + envKey + "'", "e.g. APP_FEATURE_FLAGS");
        }
        String app = r.optional(k, p, "app_dir");
        Path appDir = app == null || app.isBlank() ? null : r.path(app);
        Map<String, EnvFile> files = new LinkedHashMap<>();
        Node fn = k.get("files");
        if (fn == null) {
            r.problem(m, p + ".files", "required field is missing",
                    "add 'files: {example: app/.env.example, production: app/.env.production}'");
        } else if ((Node) r.mapping(fn, p + ".files") instanceof MappingNode fm) {
            for (NodeTuple t : fm.getValue()) {
                String env = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
                String ep = p + ".files." + env;
                if (env == null || !FLAG_NAME.matcher(env).matches()) {
                    r.problem(t.getKeyNode(), p + ".files", "environment names are plain names", null);
                    continue;
                }
                if (files.containsKey(env)) {
                    r.problem(t.getKeyNode(), ep, "duplicate key '" + env + "'", "each environment has one file");
                    continue;
                }
                String v = r.scalar(t.getValueNode(), ep);
                if (v != null && v.isBlank()) {
                    r.problem(t.getValueNode(), ep, "must not be empty", null);
                } else if (v != null) {
                    files.put(env, new EnvFile(env, r.path(v), line(t.getValueNode())));
                }
            }
            if (!files.containsKey(FlagsPlan.EXAMPLE)) {
                r.problem(fn, p + ".files.example", "required field is missing",
                        "the .env.example template must be listed: 'example: app/.env.example'");
            }
        }
        Set<String> seen = new HashSet<>();
        List<Flag> flags = r.list(k.get("flags"), p + ".flags", (fm, fp) -> flag(r, fm, fp, files, seen));
        if (k.get("flags") == null) {
            r.problem(m, p + ".flags", "required field is missing", "register at least one flag");
        }
        return new FlagsPlan(context.source().toString(), envKey, appDir, files, flags);
    }

    private static Flag flag(PlanReader r, MappingNode m, String p, Map<String, EnvFile> files, Set<String> seen) {
        Map<String, Node> k = r.keys(m, p, FLAG_KEYS);
        String name = r.required(m, k, p, "name");
        if (name != null && !FLAG_NAME.matcher(name).matches()) {
            r.problem(k.get("name"), p + ".name", "bad flag name '" + name + "'",
                    "letters, digits, '_' and '-', starting with a letter (no dots: Laravel would nest them)");
            name = null;
        }
        r.unique(k.get("name"), p + ".name", name, seen, "flag");
        String description = r.optional(k, p, "description", "");
        String owner = r.required(m, k, p, "owner");
        FlagsPlan.Type type = null;
        if (k.get("type") == null) {
            r.required(m, k, p, "type");
        } else {
            String t = r.oneOf(k, p, "type", FlagsPlan.Type.labels(), null);
            type = t == null ? null : FlagsPlan.Type.parse(t);
        }
        LocalDate reviewBy = null;
        if (k.get("review_by") == null) {
            r.required(m, k, p, "review_by");
        } else {
            reviewBy = r.date(k, p, "review_by");
        }
        Map<String, Boolean> defaults = new LinkedHashMap<>();
        Node dn = k.get("defaults");
        if (dn != null && (Node) r.mapping(dn, p + ".defaults") instanceof MappingNode dm) {
            Map<String, Node> dk = r.keys(dm, p + ".defaults", List.copyOf(files.keySet()));
            for (String env : dk.keySet()) {
                Boolean b = r.bool(dk, p + ".defaults", env, null);
                if (b == null) {
                    continue;
                }
                if (b && env.equals(FlagsPlan.EXAMPLE)) {
                    r.problem(dk.get(env), p + ".defaults." + env, "the .env.example template lists every flag off",
                            "remove 'example: true'");
                    continue;
                }
                defaults.put(env, b);
            }
        }
        if (name == null || owner == null || type == null || reviewBy == null) {
            return null;
        }
        return new Flag(name, description, owner, type, reviewBy, defaults, line(m));
    }

    private static int line(Node n) {
        return n.getStartMark().map(x -> x.getLine() + 1).orElse(1);
    }
}
