package dev.preflight.audit;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the plan's {@code waivers}: each names a requirement the plan has, the hosts it covers,
 * why, who owns it and when it expires. All fields are required: an open-ended or ownerless
 * waiver is how drift becomes permanent.
 */
public final class WaiversParser implements SectionParser<Waiver.Waivers> {

    @Override
    public String key() {
        return "waivers";
    }

    static final Shape.Obj WAIVER = Shape.obj("An accepted, time-boxed failure; every field is required.",
            Shape.required("requirement", Shape.text("A requirement's name (or tool) in this plan.")),
            Shape.required("hosts", Shape.strings("Host names or globs.")),
            Shape.required("reason", Shape.text("Why the failure is accepted.")),
            Shape.required("owner", Shape.text("Who owns the waiver.")),
            Shape.required("expires", Shape.date("Last day it applies, YYYY-MM-DD.")));
    static final Shape.ListOf SHAPE = Shape.listOf(WAIVER, "Waivers of audit failures.");
    private static final List<String> KEYS = WAIVER.keys();

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public Waiver.Waivers parse(Node node, PlanReader r, Plan plan) {
        Set<String> known = new HashSet<>();
        AuditPlan audit = AuditPlan.of(plan);
        audit.requirements().forEach(q -> known.add(q.name()));
        plan.environments().forEach(e -> audit.environments().getOrDefault(e.name(), List.of())
                .forEach(q -> known.add(q.name())));
        List<Waiver> out = new ArrayList<>(r.list(node, "waivers", (m, p) -> {
            Map<String, Node> k = r.keys(m, p, KEYS);
            String req = r.required(m, k, p, "requirement");
            if (req != null && !known.contains(req)) {
                r.problem(k.get("requirement"), p + ".requirement", "no requirement named '" + req + "' in the plan",
                        known.isEmpty() ? "the plan has no requirements" : "one of: " + String.join(", ", new TreeSet<>(known)));
            }
            List<String> hosts = r.stringList(k.get("hosts"), p + ".hosts");
            if (!k.containsKey("hosts") || (k.get("hosts") != null && hosts.isEmpty())) {
                r.problem(k.getOrDefault("hosts", m), p + ".hosts", k.containsKey("hosts") ? "must not be empty"
                        : "required field is missing", "list host names or globs, e.g. [staging-app-1] or ['*']");
            }
            String reason = r.required(m, k, p, "reason");
            String owner = r.required(m, k, p, "owner");
            if (!k.containsKey("expires")) {
                r.problem(m, p + ".expires", "required field is missing", "a waiver must expire: add 'expires: YYYY-MM-DD'");
            }
            var expires = r.date(k, p, "expires");
            return req == null || reason == null || owner == null || expires == null || hosts.isEmpty() ? null
                    : new Waiver(req, hosts, reason, owner, expires);
        }));
        return new Waiver.Waivers(out);
    }
}
