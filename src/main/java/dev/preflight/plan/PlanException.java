package dev.preflight.plan;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import java.util.List;

/** The plan file has problems; all of them are listed, and nothing was done (exit 2). */
public final class PlanException extends PreflightException {
    private static final long serialVersionUID = 1L;

    private final transient List<PlanProblem> problems;

    public PlanException(List<PlanProblem> problems) {
        super(ExitCode.USAGE, problems.get(0).format() + " (" + problems.size() + " problem(s))",
                "fix the plan file; 'preflight validate' lists every problem");
        this.problems = List.copyOf(problems);
    }

    public List<PlanProblem> problems() {
        return problems;
    }
}
