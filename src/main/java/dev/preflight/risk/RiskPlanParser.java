package dev.preflight.risk;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads the plan's {@code risks}. A {@code status} key is refused on purpose: the runbook typed
 * "Mitigated" by hand; here status is derived from evidence.
 */
public final class RiskPlanParser implements SectionParser<RiskPlan> {

    @Override
    public String key() {
        return "risks";
    }

    static final Shape.Obj CONTROL = Shape.obj("Evidence that keeps the risk mitigated.",
            Shape.required("evidence", new Shape.Choice(new ArrayList<>(new TreeSet<>(RiskEvidence.NAMES.keySet())),
                    "The kind of evidence.")),
            Shape.optional("subject", Shape.text("Ledger subject the evidence must be about (a backup source, ...); "
                    + "without it (and without environment) the control covers every subject the plan configures.")),
            Shape.optional("environment", Shape.text("Environment the evidence must be about (audits, cutover).")),
            Shape.required("max_age", Shape.duration("How fresh the evidence must be, e.g. 24h or 7d.")),
            Shape.optional("where", Shape.mapOf(Shape.text("A value."), "Payload fields the evidence entry must carry.")));
    static final Shape.Obj RISK = Shape.obj("One risk of the register.",
            Shape.required("name", Shape.text("Risk id, unique.")),
            Shape.optional("title", Shape.text("As the register shows it.")),
            Shape.optional("mitigation", Shape.text("What mitigates it.")),
            Shape.required("controls", Shape.listOf(CONTROL, "What keeps it mitigated.")));
    static final Shape.ListOf SHAPE = Shape.listOf(RISK, "Risk register; status is derived from evidence, never typed.");

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public RiskPlan parse(Node node, PlanReader r, Plan plan) {
        Set<String> names = new HashSet<>();
        List<String> evidence = new ArrayList<>(new TreeSet<>(RiskEvidence.NAMES.keySet()));
        List<RiskPlan.Risk> risks = r.list(node, "risks", (m, p) -> {
            for (var t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("status")) {
                    r.problem(k, p + ".status", "status is derived from evidence, never typed",
                            "remove it and give the risk controls: [{evidence: ..., max_age: ...}]");
                }
            }
            Map<String, Node> k = r.keys(m, p, withStatus(RISK.keys()));
            String name = r.required(m, k, p, "name");
            r.unique(k.get("name"), p + ".name", name, names, "risk");
            String title = r.optional(k, p, "title", name);
            String mitigation = r.optional(k, p, "mitigation");
            List<RiskPlan.Control> controls = r.list(k.get("controls"), p + ".controls", (cm, cp) -> control(r, cm, cp,
                    evidence, plan));
            if (!k.containsKey("controls")) {
                r.problem(m, p + ".controls", "required field is missing",
                        "a risk without controls can never be shown mitigated; e.g. controls: [{evidence: audit, max_age: 7d}]");
            }
            return name == null ? null : new RiskPlan.Risk(name, title, mitigation, controls);
        });
        return new RiskPlan(risks);
    }

    private static List<String> withStatus(List<String> keys) {
        List<String> l = new ArrayList<>(keys);
        l.add("status"); // reported above with a better message than "unknown key"
        return l;
    }

    private static RiskPlan.Control control(PlanReader r, MappingNode m, String p, List<String> evidence, Plan plan) {
        Map<String, Node> k = r.keys(m, p, CONTROL);
        String ev = r.required(m, k, p, "evidence");
        if (ev != null && !RiskEvidence.NAMES.containsKey(ev)) {
            r.problem(k.get("evidence"), p + ".evidence", "unknown evidence '" + ev + "'", "one of: " + String.join(", ", evidence));
            ev = null;
        }
        String subject = r.optional(k, p, "subject");
        String env = r.optional(k, p, "environment");
        if (subject != null && env != null) {
            r.problem(k.get("environment"), p + ".environment", "give either subject or environment, not both", null);
        }
        if (env != null && plan.environment(env).isEmpty()) {
            List<String> envs = plan.environments().stream().map(Plan.Environment::name).toList();
            String near = PlanLoader.nearest(env, envs);
            r.problem(k.get("environment"), p + ".environment", "no environment '" + env + "' in the plan",
                    (near != null ? "did you mean '" + near + "'? " : "") + "environments: " + String.join(", ", envs));
        }
        List<String> subjects = null;
        if (ev != null && subject != null && env == null) {
            checkSubject(r, k.get("subject"), p + ".subject", ev, subject, plan);
        } else if (ev != null && env != null && plan.environment(env).isPresent()
                && !ev.equals("audit") && !ev.equals("failback-drill")) {
            checkSubject(r, k.get("environment"), p + ".environment", ev, env, plan);
        } else if (ev != null && subject == null && env == null) {
            // No subject: every subject the plan configures for this evidence, each on its own.
            subjects = Subjects.configured(plan, ev);
            if (subjects != null && subjects.isEmpty()) {
                r.problem(k.get("evidence"), p + ".evidence", "the plan configures nothing that records '" + ev
                        + "' evidence, so this control could never be met", "configure " + Subjects.section(ev)
                        + ", or remove the control");
            }
        }
        if (!k.containsKey("max_age")) {
            r.problem(m, p + ".max_age", "required field is missing", "how fresh the evidence must be, e.g. 24h or 7d");
        }
        Duration maxAge = r.duration(k, p, "max_age", null);
        Map<String, String> where = r.stringMap(k.get("where"), p + ".where");
        return ev == null || maxAge == null ? null
                : new RiskPlan.Control(ev, env != null ? env : subject, maxAge, where, subjects);
    }

    /** A named subject must be one the plan configures for the evidence (with a did-you-mean). */
    private static void checkSubject(PlanReader r, Node at, String path, String ev, String subject, Plan plan) {
        List<String> allowed = Subjects.allowed(plan, ev);
        // A blank subject is what a failed interpolation leaves: that problem is already reported.
        if (allowed == null || allowed.contains(subject) || subject.isBlank()) {
            return;
        }
        if (allowed.isEmpty()) {
            r.problem(at, path, "no " + Subjects.what(ev) + " '" + subject + "' in the plan: it configures nothing "
                    + "that records '" + ev + "' evidence", "configure " + Subjects.section(ev) + ", or remove the control");
            return;
        }
        String near = PlanLoader.nearest(subject, allowed);
        r.problem(at, path, "no " + Subjects.what(ev) + " '" + subject + "' in the plan",
                (near != null ? "did you mean '" + near + "'? " : "") + "'" + ev + "' evidence is recorded about: "
                        + String.join(", ", allowed.stream().distinct().toList()));
    }
}
