package dev.preflight.cutover;

import dev.preflight.core.Verdict;

/**
 * What one attempt of a step did: its verdict, a one-line summary and the details that go into its
 * {@code completed} ledger entry beside the attempt's head ({@link CutoverEvidence.AttemptPayload}).
 *
 * @param details what the step found, or null when it has nothing to add (a skipped step, an exception)
 */
public record StepResult(Verdict verdict, String summary, CutoverEvidence.Details details) {
    static StepResult passed(String summary, CutoverEvidence.Details details) {
        return new StepResult(Verdict.PASSED, summary, details);
    }

    static StepResult failed(String summary, CutoverEvidence.Details details) {
        return new StepResult(Verdict.FAILED, summary, details);
    }

    /** Done, with something to look at (a step the plan does not configure, a failback over its bound). */
    static StepResult warnings(String summary, CutoverEvidence.Details details) {
        return new StepResult(Verdict.WARNINGS, summary, details);
    }

    /** The step could not find out (an exception, an interrupt). */
    static StepResult incomplete(String summary) {
        return new StepResult(Verdict.INCOMPLETE, summary, null);
    }
}
