package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.Json;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanProblem;
import dev.preflight.report.Format;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                List<Map<String, Object>> problems = new ArrayList<>();
                for (PlanProblem p : e.problems()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", p.file());
                    m.put("line", p.line());
                    m.put("column", p.column());
                    m.put("path", p.path());
                    m.put("message", p.message());
                    m.put("hint", p.hint());
                    problems.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("valid", false);
                doc.put("file", planPath().toString());
                doc.put("problems", problems);
                emit(Json.pretty(doc));
                return ExitCode.USAGE.code();
            }
            throw e;
        }
        List<String> sections = PlanSummary.configuredSections(plan);
        if (format == Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("valid", true);
            doc.put("file", plan.source().toString());
            doc.put("project", plan.project().name());
            doc.put("environments", PlanSummary.environmentCount(plan));
            doc.put("hosts", PlanSummary.hostCount(plan));
            doc.put("sections", sections);
            doc.put("problems", List.of());
            emit(Json.pretty(doc));
        } else {
            emit(style().ok("OK") + ": " + plan.source() + " is a valid plan (project " + plan.project().name()
                    + "; " + PlanSummary.environmentCount(plan) + " environment(s), " + PlanSummary.hostCount(plan)
                    + " host(s); sections: " + (sections.isEmpty() ? "none" : String.join(", ", sections)) + ")\n");
        }
        return ExitCode.OK.code();
    }
}
