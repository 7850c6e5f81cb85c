package dev.preflight.gates;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.Shape;
import dev.preflight.plan.SectionParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Reads the plan's {@code change_window}: start and end (ISO timestamps), environment and ticket. */
public final class ChangeWindowParser implements SectionParser<ChangeWindow> {

    @Override
    public String key() {
        return "change_window";
    }

    static final Shape.Obj SHAPE = Shape.obj("The change window (runbook §4.3).",
            Shape.required("start", Shape.timestamp("ISO timestamp, e.g. 2027-01-09T01:00:00Z.")),
            Shape.required("end", Shape.timestamp("ISO timestamp after start.")),
            Shape.required("environment", Shape.text("An environment of the plan.")),
            Shape.optional("ticket", Shape.text("The change ticket (e.g. ACAD-1234).")));

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public ChangeWindow parse(Node node, PlanReader r, Plan plan) {
        MappingNode m = r.mapping(node, "change_window");
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, "change_window", SHAPE);
        for (String req : List.of("start", "end")) {
            if (!k.containsKey(req)) {
                r.problem(m, "change_window." + req, "required field is missing", "add '" + req + ": 2027-01-09T01:00:00Z'");
            }
        }
        Instant start = r.instant(k, "change_window", "start");
        Instant end = r.instant(k, "change_window", "end");
        if (start != null && end != null && !end.isAfter(start)) {
            r.problem(k.get("end"), "change_window.end", "the window ends at or before it starts", "end must be after start");
        }
        String env = r.required(m, k, "change_window", "environment");
        if (env != null && !plan.environments().isEmpty() && plan.environment(env).isEmpty()) {
            r.problem(k.get("environment"), "change_window.environment", "no environment '" + env + "' in the plan",
                    "one of: " + String.join(", ", plan.environments().stream().map(Plan.Environment::name).toList()));
        }
        String ticket = r.optional(k, "change_window", "ticket");
        return start == null || end == null || env == null ? null : new ChangeWindow(start, end, env, ticket);
    }
}
