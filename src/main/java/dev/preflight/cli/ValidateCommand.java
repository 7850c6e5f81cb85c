package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.Json;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanProblem;
import dev.preflight.report.Format;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code preflight validate}: loads the plan and reports every problem at once, or what it configures. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the plan file and report every problem at once, as FILE:LINE:COL: field.path: message (hint).",
        footerHeading = "%nExamples:%n",
        footer = {"  preflight validate",
            "  preflight --plan examples/academy/preflight.yaml validate --format json"})
@Formats({Format.TEXT, Format.JSON})
public final class ValidateCommand extends BaseCommand {
    @Override
    public Integer call() {
        Format format = format();
        Plan plan;
        try {
            plan = loadPlan();
        } catch (PlanException e) {
            if (format == Format.JSON) {
                emit(Json.pretty(new Invalid(false, planPath().toString(), e.problems())));
                return ExitCode.USAGE.code();
            }
            throw e;
        }
        List<String> sections = PlanSummary.configuredSections(plan);
        if (format == Format.JSON) {
            emit(Json.pretty(new Valid(true, plan.source().toString(), plan.project().name(),
                    PlanSummary.environmentCount(plan), PlanSummary.hostCount(plan), sections, List.of())));
        } else {
            emit(style().ok("OK") + ": " + plan.source() + " is a valid plan (project " + plan.project().name()
                    + "; " + PlanSummary.environmentCount(plan) + " environment(s), " + PlanSummary.hostCount(plan)
                    + " host(s); sections: " + (sections.isEmpty() ? "none" : String.join(", ", sections)) + ")\n");
        }
        return ExitCode.OK.code();
    }

    /** The JSON of a valid plan: what it configures ({@code problems} always empty, for one shape with {@link Invalid}). */
    record Valid(boolean valid, String file, String project, int environments, int hosts, List<String> sections,
                 List<PlanProblem> problems) {
    }

    /** The JSON of a plan with problems: every one, as {@link PlanProblem} (file, line, column, path, message, hint). */
    record Invalid(boolean valid, String file, List<PlanProblem> problems) {
    }
}
