package dev.preflight.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.preflight.core.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The published schema ({@code preflight schema}) and {@code validate} must agree about a plan's
 * structure: unknown keys, wrong types, missing required keys. Every example plan and every hostile
 * plan goes through both, and so does every example plan with an unknown key added to each of its
 * mappings and with each of its scalars replaced by a mapping. Where a schema cannot say what
 * validate checks (references between sections, ranges of interpolated values, files that must
 * exist), the case is a named, explained exception below: a new disagreement fails the test.
 */
class SchemaAgreementTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Path HOSTILE = Path.of("src/test/resources/hostile");
    /** What the examples interpolate: the academy's secrets, and what scripts/rehearse exports for its plan. */
    private static final Map<String, String> ENV = Map.ofEntries(Map.entry("ACC_SECRET", "hunter2-Sup3rS3cret"),
            Map.entry("JIRA_TOKEN", "tok"), Map.entry("RH_STATE", "/var/tmp/preflight-rehearsal"),
            Map.entry("RH_SSH_PORT", "23322"), Map.entry("RH_DB_PORT", "23306"), Map.entry("RH_REPLICA_PORT", "23307"),
            Map.entry("RH_DB_PASSWORD", "rehearsal-db"), Map.entry("RH_REDIS_PORT", "23379"),
            Map.entry("RH_S3_PORT", "23380"), Map.entry("RH_S3_ACCESS", "local-identity"),
            Map.entry("RH_S3_SECRET", "local-credential"), Map.entry("RH_BLUE1_PORT", "23381"),
            Map.entry("RH_BLUE2_PORT", "23382"), Map.entry("RH_GREEN1_PORT", "23383"),
            Map.entry("RH_GREEN2_PORT", "23384"), Map.entry("RH_NGINX_PORT", "23385"), Map.entry("RH_SMTP_PORT", "23325"),
            Map.entry("RH_WINDOW_START", "2027-01-09T01:00:00Z"), Map.entry("RH_WINDOW_END", "2027-01-09T05:00:00Z"));

    /**
     * Plans validate refuses and the schema accepts, each with why a schema cannot see it. (The
     * other way round, the schema refusing what validate accepts, has no exception: it would make
     * an editor flag a good plan.)
     */
    static final Map<String, String> SEMANTIC_ONLY = Map.ofEntries(
            Map.entry("bool-from-secret", "an interpolated value's type is known only when the plan is loaded"),
            Map.entry("duration-from-secret", "an interpolated value's type is known only when the plan is loaded"),
            Map.entry("enum-from-secret", "an interpolated value's type is known only when the plan is loaded"),
            Map.entry("port-from-secret", "an interpolated value's type is known only when the plan is loaded"),
            Map.entry("port-from-file", "an interpolated value's type is known only when the plan is loaded"),
            Map.entry("port-from-shadow", "an interpolated ${file:} is read only when the plan is loaded"),
            Map.entry("file-dev-zero", "an interpolated ${file:} is read only when the plan is loaded"),
            Map.entry("file-is-directory", "an interpolated ${file:} is read only when the plan is loaded"),
            Map.entry("unclosed-interpolation", "interpolation syntax is checked when the plan is loaded"),
            Map.entry("credential-in-name", "a credential's value appearing in another field is a cross-field check"),
            Map.entry("max-age-overflow", "a duration's range (at most 100 years) is not a pattern"),
            Map.entry("restore-within-overflow", "a duration's range (at most 100 years) is not a pattern"),
            Map.entry("duplicate-key-flow", "JSON has no duplicate keys: the second value silently wins"));

    /** Plans that are not a YAML document a schema could be given (limits, encodings, syntax). */
    static final Map<String, String> NOT_A_DOCUMENT = Map.ofEntries(
            Map.entry("alias-bomb", "refused by the loader's alias limit before any document exists"),
            Map.entry("alias-many", "refused by the loader's alias limit before any document exists"),
            Map.entry("binary", "not text"), Map.entry("nul", "not text"), Map.entry("bell", "control characters"),
            Map.entry("latin1", "not UTF-8"), Map.entry("utf16", "not UTF-8"),
            Map.entry("tabs", "YAML syntax"), Map.entry("truncated", "YAML syntax"),
            Map.entry("unknown-tag", "a tag other than !secret"), Map.entry("secret-tag-on-mapping", "!secret on a mapping"),
            Map.entry("empty", "no document"));

    private final Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(PlanSchema.json(), InputFormat.JSON);

    /** What one side said: null when it accepted the plan. */
    private record Verdicts(String validate, String schema) {
        boolean agree() {
            return (validate == null) == (schema == null);
        }

        @Override
        public String toString() {
            return "validate: " + (validate == null ? "accepted" : validate) + "\n  schema: "
                    + (schema == null ? "accepted" : schema);
        }
    }

    private Verdicts judge(String yaml, Path baseDir) {
        String v = null;
        try {
            PlanLoader.parse("preflight.yaml", yaml, baseDir, ENV);
        } catch (PlanException e) {
            v = String.join("; ", e.problems().stream().map(PlanProblem::format).toList());
        }
        JsonNode doc = toJson(yaml);
        List<Error> errors = schema.validate(Json.pretty(doc), InputFormat.JSON);
        String s = errors.isEmpty() ? null : String.join("; ", errors.stream().map(Error::toString).toList());
        return new Verdicts(v, s);
    }

    @Test
    void everyExamplePlanIsValidForBoth() throws IOException {
        List<Path> plans = examples();
        assertThat(plans).hasSizeGreaterThanOrEqualTo(3);
        for (Path p : plans) {
            Verdicts v = judge(Files.readString(p), p.getParent().toAbsolutePath());
            assertThat(v.validate).as(p + " is refused by validate").isNull();
            assertThat(v.schema).as(p + " is refused by the schema").isNull();
        }
    }

    @Test
    void everyHostilePlanGetsTheSameVerdictOrANamedException() throws IOException {
        List<String> disagreements = new ArrayList<>();
        List<String> staleExceptions = new ArrayList<>();
        try (Stream<Path> s = Files.list(HOSTILE.resolve("plans"))) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString().replaceFirst("\\.yaml$", "");
                if (NOT_A_DOCUMENT.containsKey(name)) {
                    assertThat(parseable(p)).as(name + " was listed as not a document").isFalse();
                    continue;
                }
                Verdicts v = judge(Files.readString(p, StandardCharsets.UTF_8), HOSTILE.resolve("files").toAbsolutePath());
                if (SEMANTIC_ONLY.containsKey(name)) {
                    // Still an exception only where it is one: validate refuses, the schema accepts.
                    if (v.validate == null || v.schema != null) {
                        staleExceptions.add(name + ": " + v);
                    }
                } else if (!v.agree()) {
                    disagreements.add(name + ":\n  " + v);
                }
            }
        }
        assertThat(disagreements).as("validate and the schema disagree").isEmpty();
        assertThat(staleExceptions).as("listed exceptions that no longer are").isEmpty();
    }

    /** The three: each passed the old schema while validate refused it. */
    @Test
    void theReportedDriftIsGone() throws IOException {
        Path academy = EXAMPLES.resolve("academy/preflight.yaml");
        ObjectNode plan = (ObjectNode) toJson(Files.readString(academy));
        ObjectNode source = (ObjectNode) plan.path("backups").path("sources").get(0);
        source.put("retension", "30d");
        expectBothRefuse(plan, academy, "backups.sources[0].retension");
        source.remove("retension");
        source.put("type", "postgres");
        expectBothRefuse(plan, academy, "backups.sources[0].type");
        source.put("type", "mysql");
        ((ObjectNode) plan.path("backups").path("destinations").get(0)).put("pth", "/backups");
        expectBothRefuse(plan, academy, "backups.destinations[0].pth");
    }

    /** An unknown key in any mapping of any example plan is refused by both. */
    @Test
    void anUnknownKeyAnywhereIsRefusedByBoth() throws IOException {
        List<String> disagreements = new ArrayList<>();
        for (Path p : examples()) {
            JsonNode plan = toJson(Files.readString(p));
            for (String at : objectPaths(plan, "")) {
                JsonNode copy = plan.deepCopy();
                ObjectNode target = (ObjectNode) find(copy, at);
                if (isFreeKeyed(at)) {
                    continue;
                }
                target.put("zz_not_a_key", "x");
                Verdicts v = judge(Json.pretty(copy), p.getParent().toAbsolutePath());
                if (v.validate == null || v.schema == null) {
                    disagreements.add(p + " " + at + ".zz_not_a_key\n  " + v);
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    /** A mapping where a scalar belongs, anywhere in any example plan, is refused by both. */
    @Test
    void aMappingInPlaceOfAValueIsRefusedByBoth() throws IOException {
        List<String> disagreements = new ArrayList<>();
        for (Path p : examples()) {
            JsonNode plan = toJson(Files.readString(p));
            for (String at : scalarPaths(plan, "")) {
                JsonNode copy = plan.deepCopy();
                replace(copy, at, JsonNodeFactory.instance.objectNode().put("oops", 1));
                Verdicts v = judge(Json.pretty(copy), p.getParent().toAbsolutePath());
                if (!v.agree() || v.validate == null) {
                    disagreements.add(p + " " + at + "\n  " + v);
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private void expectBothRefuse(JsonNode plan, Path from, String what) {
        Verdicts v = judge(Json.pretty(plan), from.getParent().toAbsolutePath());
        assertThat(v.validate).as(what + " passes validate").isNotNull().contains(what);
        assertThat(v.schema).as(what + " passes the schema").isNotNull();
    }

    /** Mappings whose keys the user chooses (values are still checked), where any key is allowed. */
    private static boolean isFreeKeyed(String path) {
        return path.endsWith(".targets") || path.endsWith(".files") || path.endsWith(".defaults")
                || path.endsWith(".where");
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.map(d -> d.resolve("preflight.yaml")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static boolean parseable(Path p) {
        try {
            toJson(Files.readString(p, StandardCharsets.UTF_8));
            PlanLoader.load(p, ENV);
            return true;
        } catch (RuntimeException | IOException e) {
            return false;
        }
    }

    // ---- YAML to JSON as the plan's own reader sees it (YAML 1.2, its scalar types)

    static JsonNode toJson(String yaml) {
        LoadSettings settings = LoadSettings.builder().build();
        Optional<Node> root = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)))
                .getSingleNode();
        return root.map(SchemaAgreementTest::json).orElse(JsonNodeFactory.instance.nullNode());
    }

    private static JsonNode json(Node n) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (n instanceof MappingNode m) {
            ObjectNode o = f.objectNode();
            for (NodeTuple t : m.getValue()) {
                o.set(((ScalarNode) t.getKeyNode()).getValue(), json(t.getValueNode()));
            }
            return o;
        } else if (n instanceof SequenceNode s) {
            ArrayNode a = f.arrayNode();
            s.getValue().forEach(i -> a.add(json(i)));
            return a;
        }
        ScalarNode s = (ScalarNode) n;
        Tag tag = s.getTag();
        String v = s.getValue();
        try {
            if (tag.equals(Tag.INT)) {
                return f.numberNode(new BigInteger(v.replace("_", "").replaceFirst("^\\+", "")));
            } else if (tag.equals(Tag.FLOAT)) {
                return f.numberNode(new BigDecimal(v));
            }
        } catch (NumberFormatException e) {
            return f.textNode(v); // .inf, .nan, 0x...: no JSON number says it
        }
        if (tag.equals(Tag.BOOL)) {
            return f.booleanNode(Boolean.parseBoolean(v));
        } else if (tag.equals(Tag.NULL)) {
            return f.nullNode();
        }
        return f.textNode(v);
    }

    // ---- paths into a JSON tree (a.b[0].c)

    private static List<String> objectPaths(JsonNode n, String at) {
        List<String> out = new ArrayList<>();
        if (n.isObject()) {
            out.add(at);
            n.fields().forEachRemaining(e -> out.addAll(objectPaths(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey())));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                out.addAll(objectPaths(n.get(i), at + "[" + i + "]"));
            }
        }
        return out;
    }

    private static List<String> scalarPaths(JsonNode n, String at) {
        List<String> out = new ArrayList<>();
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> out.addAll(scalarPaths(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey())));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                out.addAll(scalarPaths(n.get(i), at + "[" + i + "]"));
            }
        } else {
            out.add(at);
        }
        return out;
    }

    private static List<Object> steps(String path) {
        List<Object> out = new ArrayList<>();
        for (String part : path.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part.replaceAll("\\[.*", "");
            if (!name.isEmpty()) {
                out.add(name);
            }
            Matcher m = Pattern.compile("\\[(\\d+)]").matcher(part);
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }

    private static JsonNode find(JsonNode root, String path) {
        JsonNode n = root;
        for (Object s : steps(path)) {
            n = s instanceof Integer i ? n.get(i) : n.get((String) s);
        }
        return n;
    }

    private static void replace(JsonNode root, String path, JsonNode value) {
        List<Object> st = steps(path);
        JsonNode parent = root;
        for (Object s : st.subList(0, st.size() - 1)) {
            parent = s instanceof Integer i ? parent.get(i) : parent.get((String) s);
        }
        Object last = st.get(st.size() - 1);
        if (last instanceof Integer i) {
            ((ArrayNode) parent).set(i, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }
}
