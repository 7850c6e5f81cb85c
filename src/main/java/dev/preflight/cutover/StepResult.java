package dev.preflight.cutover;

import dev.preflight.core.Verdict;
import java.util.Map;

/**
 * What one attempt of a step did: its verdict, a one-line summary and the details that go into its
 * {@code completed} ledger entry (read back by {@link CutoverHistory}, e.g. expand's {@code before}).
 */
public record StepResult(Verdict verdict, String summary, Map<String, Object> details) {
    public StepResult {
        details = details == null ? Map.of() : details;
    }

    static StepResult passed(String summary, Map<String, Object> details) {
        return new StepResult(Verdict.PASSED, summary, details);
    }

    static StepResult failed(String summary, Map<String, Object> details) {
        return new StepResult(Verdict.FAILED, summary, details);
    }

    /** Done, with something to look at (a step the plan does not configure, a failback over its bound). */
    static StepResult warnings(String summary, Map<String, Object> details) {
        return new StepResult(Verdict.WARNINGS, summary, details);
    }

    /** The step could not find out (an exception, an interrupt). */
    static StepResult incomplete(String summary) {
        return new StepResult(Verdict.INCOMPLETE, summary, Map.of());
    }
}
