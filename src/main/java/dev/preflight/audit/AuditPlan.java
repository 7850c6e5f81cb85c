package dev.preflight.audit;

import dev.preflight.plan.EnvironmentScoped;
import dev.preflight.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The audit's part of the plan (runbook §3.1): the requirements every host must meet and those of
 * each environment only, as {@link AuditPlanParser} read them. Absent from a plan that states no
 * requirement; {@link #of(Plan)} then gives {@link #NONE}.
 *
 * @param requirements  the top-level {@code requirements}
 * @param environments  each environment's own {@code requirements}, by environment name
 */
public record AuditPlan(List<Requirement> requirements, Map<String, List<Requirement>> environments)
        implements EnvironmentScoped {
    /** The plan key the model is kept under. */
    public static final String KEY = "requirements";
    /** A plan without requirements. */
    public static final AuditPlan NONE = new AuditPlan(List.of(), Map.of());

    public AuditPlan {
        requirements = List.copyOf(requirements);
        environments = Map.copyOf(environments);
    }

    /** The plan's audit model, {@link #NONE} when it has no requirements. */
    public static AuditPlan of(Plan plan) {
        return plan.section(KEY, AuditPlan.class).orElse(NONE);
    }

    /** What an environment's hosts must meet: the global requirements, then the environment's own. */
    public List<Requirement> requirementsOf(String environment) {
        List<Requirement> out = new ArrayList<>(requirements);
        out.addAll(environments.getOrDefault(environment, List.of()));
        return out;
    }

    /** Whether the plan states any requirement at all. */
    public boolean any() {
        return !requirements.isEmpty() || environments.values().stream().anyMatch(l -> !l.isEmpty());
    }

    @Override
    public boolean covers(Plan.Environment environment) {
        return !requirementsOf(environment.name()).isEmpty();
    }

    /**
     * A required tool version as the plan writes it, validated by the parser: {@code tool} is one of
     * {@link AuditPlanParser#TOOLS}, {@code version} a {@link Constraint}; {@code command} overrides the
     * probe, {@code pattern} its parser; {@code hosts} (globs) and {@code tags} limit where it applies.
     */
    public record Requirement(String name, String tool, String version, String flavor, List<String> command,
                              String pattern, List<String> hosts, List<String> tags) {
        public Requirement {
            command = List.copyOf(command);
            hosts = List.copyOf(hosts);
            tags = List.copyOf(tags);
        }
    }
}
