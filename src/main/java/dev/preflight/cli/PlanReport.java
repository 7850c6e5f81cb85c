package dev.preflight.cli;

import dev.preflight.plan.PlanProblem;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.util.List;

/**
 * The renderer of {@code preflight validate}. It lives in cli, not in plan, because plan stands on
 * core alone and may not use report's {@link Renderer} (docs/architecture.md). JSON is the
 * {@link Valid} or {@link Invalid} record, serialised by Jackson.
 */
final class PlanReport {
    private PlanReport() {
    }

    /** What {@code validate} found: a valid plan and what it configures, or every problem. */
    sealed interface Validation permits Valid, Invalid {
    }

    /** The JSON of a valid plan: what it configures ({@code problems} always empty, for one shape with {@link Invalid}). */
    record Valid(boolean valid, String file, String project, int environments, int hosts, List<String> sections,
                 List<PlanProblem> problems) implements Validation {
    }

    /** The JSON of a plan with problems: every one, as {@link PlanProblem} (file, line, column, path, message, hint). */
    record Invalid(boolean valid, String file, List<PlanProblem> problems) implements Validation {
    }

    /**
     * A valid plan as one line: the file, the project and what it configures. A plan with problems
     * is, in text, what the CLI's error handler prints (the command lets the {@code PlanException}
     * reach it, so the problems go to stderr with exit 2); here, the same lines.
     */
    static final Renderer<Validation> VALIDATE = new Renderer<>() {
        @Override
        public String text(Validation v, Style style) {
            if (v instanceof Invalid i) {
                StringBuilder sb = new StringBuilder();
                i.problems().forEach(p -> sb.append(p.format()).append('\n'));
                return sb.append("preflight: the plan has ").append(i.problems().size())
                        .append(" problem(s); nothing was done\n").toString();
            }
            Valid ok = (Valid) v;
            return style.ok("OK") + ": " + ok.file() + " is a valid plan (project " + ok.project() + "; "
                    + ok.environments() + " environment(s), " + ok.hosts() + " host(s); sections: "
                    + (ok.sections().isEmpty() ? "none" : String.join(", ", ok.sections())) + ")\n";
        }
    };
}
