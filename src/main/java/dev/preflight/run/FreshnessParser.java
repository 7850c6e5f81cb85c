package dev.preflight.run;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import dev.preflight.report.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Reads the plan's {@code readiness} section: {@code max_age} per section ({@code audit: 7d}). */
public final class FreshnessParser implements SectionParser<Freshness> {
    @Override
    public String key() {
        return "readiness";
    }

    static final Shape.Obj MAX_AGE = maxAge();
    static final Shape.Obj SHAPE = Shape.obj("Readiness: how fresh each section's evidence must be.",
            Shape.optional("max_age", MAX_AGE));

    private static Shape.Obj maxAge() {
        List<Shape.Field> ages = new ArrayList<>();
        Freshness.DEFAULTS.forEach((k, v) -> ages.add(Shape.optional(k, Shape.duration("Max age of the " + k
                + " evidence (default " + Durations.plan(v) + ")."))));
        return new Shape.Obj("Max age per section, e.g. {audit: 7d}.", ages, null, Map.of());
    }

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public Freshness parse(Node node, PlanReader r, Plan plan) {
        MappingNode m = r.mapping(node, "readiness");
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, "readiness", SHAPE);
        Map<String, Duration> out = new LinkedHashMap<>();
        if (k.get("max_age") != null && (Node) r.mapping(k.get("max_age"), "readiness.max_age") instanceof MappingNode am) {
            Map<String, Node> ak = r.keys(am, "readiness.max_age", MAX_AGE);
            for (String s : ak.keySet()) {
                Duration d = r.duration(ak, "readiness.max_age", s, null);
                if (d != null && (d.isZero() || d.isNegative())) {
                    r.problem(ak.get(s), "readiness.max_age." + s, "a max age must be positive", "e.g. 24h or 7d");
                } else if (d != null) {
                    out.put(s, d);
                }
            }
        }
        return new Freshness(out);
    }
}
