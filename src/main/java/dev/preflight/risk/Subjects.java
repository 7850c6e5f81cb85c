package dev.preflight.risk;

import dev.preflight.backup.BackupPlan;
import dev.preflight.cutover.CutoverPlan;
import dev.preflight.gates.GatesContext;
import dev.preflight.plan.EnvironmentScoped;
import dev.preflight.plan.Plan;
import dev.preflight.restore.RestorePlan;
import java.util.List;

/**
 * Which ledger subjects the plan configures for each evidence name: what a risk control without
 * {@code subject}/{@code environment} covers (every one of them, never "any entry"), and what an
 * explicit subject may name.
 */
public final class Subjects {
    private Subjects() {
    }

    /**
     * What the plan configures for {@code evidence}: every audited environment, every backup source,
     * every restored source, the cutover environment, the project (dependencies, flags, ledger) or
     * the change ticket (gates). Empty when the plan configures nothing that records it; null when
     * the section that says is configured but could not be read (its own problems are reported).
     */
    public static List<String> configured(Plan plan, String evidence) {
        String project = plan.project() == null ? null : plan.project().name();
        return switch (evidence) {
            case "audit" -> plan.environments().stream().filter(e -> !e.hosts().isEmpty()
                    && plan.section("requirements", EnvironmentScoped.class).map(a -> a.covers(e)).orElse(false))
                    .map(Plan.Environment::name).toList();
            case "backup", "backup-verify" -> plan.configures("backups")
                    ? plan.section("backups", BackupPlan.class).map(b -> b.sources().stream().map(BackupPlan.Source::name)
                    .toList()).orElse(null) : List.of();
            case "restore-test" -> plan.configures("restore_test")
                    ? plan.section("restore_test", RestorePlan.class).map(RestorePlan::sources).orElse(null) : List.of();
            case "failback-drill" -> plan.configures("cutover")
                    ? plan.section("cutover", CutoverPlan.class).map(c -> List.of(c.environment())).orElse(null) : List.of();
            case "deps" -> project != null && plan.configures("dependencies") ? List.of(project) : List.of();
            case "flags-validate" -> project != null && plan.configures("feature_flags") ? List.of(project) : List.of();
            case "gates" -> project != null && GatesContext.configured(plan) ? List.of(GatesContext.subject(plan)) : List.of();
            case "ledger-verify" -> project == null ? List.of() : List.of(project);
            default -> List.of();
        };
    }

    /**
     * What an explicit {@code subject}/{@code environment} may name: the configured subjects, and for
     * audits and failback drills any environment of the plan (a drill runs in staging while the
     * plan's cutover is production's). Null when unknown (see {@link #configured}).
     */
    public static List<String> allowed(Plan plan, String evidence) {
        if (evidence.equals("audit") || evidence.equals("failback-drill")) {
            return plan.environments().stream().map(Plan.Environment::name).toList();
        }
        return configured(plan, evidence);
    }

    /** What the subjects of {@code evidence} are, for messages. */
    static String what(String evidence) {
        return switch (evidence) {
            case "audit", "failback-drill" -> "environment";
            case "backup", "backup-verify" -> "backup source";
            case "restore-test" -> "restored source (restore_test.source or restore_test.redis.source)";
            case "gates" -> "change ticket";
            default -> "project";
        };
    }

    /** The section that configures the subjects of {@code evidence}, for hints. */
    static String section(String evidence) {
        return switch (evidence) {
            case "audit" -> "environments with hosts, and requirements";
            case "backup", "backup-verify" -> "backups";
            case "restore-test" -> "restore_test";
            case "failback-drill" -> "cutover";
            case "deps" -> "dependencies";
            case "flags-validate" -> "feature_flags";
            case "gates" -> "gates and change_window";
            default -> "project";
        };
    }
}
