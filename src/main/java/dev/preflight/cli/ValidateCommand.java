package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code preflight validate}: loads the plan and reports every problem at once, or what it configures. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the plan file and report every problem at once, as FILE:LINE:COL: field.path: message (hint).",
        footerHeading = "%nExamples:%n",
        footer = {"  preflight validate",
            "  preflight --plan examples/academy/preflight.yaml validate --format json"})
public final class ValidateCommand extends BaseCommand implements RendersWith<PlanReport.Validation> {
    @Override
    public Renderer<PlanReport.Validation> renderer() {
        return PlanReport.VALIDATE;
    }

    @Override
    public Integer call() {
        Format format = format();
        Plan plan;
        try {
            plan = loadPlan();
        } catch (PlanException e) {
            if (format == Format.JSON) {
                emit(renderer().render(new PlanReport.Invalid(false, planPath().toString(), e.problems()), format, style()));
                return ExitCode.USAGE.code();
            }
            // In text the problems go to stderr through the CLI's error handler, with exit 2.
            throw e;
        }
        List<String> sections = PlanSummary.configuredSections(plan);
        emit(renderer().render(new PlanReport.Valid(true, plan.source().toString(), plan.project().name(),
                PlanSummary.environmentCount(plan), PlanSummary.hostCount(plan), sections, List.of()), format, style()));
        return ExitCode.OK.code();
    }
}
