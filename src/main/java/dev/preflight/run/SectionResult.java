package dev.preflight.run;

import dev.preflight.core.Verdict;
import java.util.List;

/**
 * How one section of {@code preflight run} ended. Only {@link Passed} counts towards GO: a section
 * that failed or could not complete is a NO-GO reason, because nothing unverified is ever
 * reported good.
 */
public sealed interface SectionResult {
    String section();

    String summary();

    /** The section ran and everything it checked passed (warnings allowed). */
    record Passed(String section, String summary) implements SectionResult {
    }

    /** The section ran and found problems; {@code reasons} has one line each. */
    record Failed(String section, String summary, List<String> reasons) implements SectionResult {
        public Failed {
            reasons = List.copyOf(reasons);
        }
    }

    /** The section could not complete (unreachable host, lock held, tool error). */
    record Error(String section, String summary) implements SectionResult {
    }

    /** The plan does not configure this section; it is not part of the verdict. */
    record NotConfigured(String section, String summary) implements SectionResult {
    }

    /**
     * The section result of a verb's verdict (one of the three places a {@link Verdict} is mapped):
     * warnings count as passed, because GO asks whether the checks passed, and an incomplete verb is
     * an error (its reasons, what could not be checked, joined into its summary).
     */
    static SectionResult of(String section, Verdict verdict, String summary, List<String> reasons) {
        return switch (verdict) {
            case PASSED, WARNINGS -> new Passed(section, summary);
            case FAILED -> new Failed(section, summary, reasons);
            // An error has no reason list of its own; what could not be checked is still said.
            case INCOMPLETE -> new Error(section, reasons.isEmpty() ? summary : summary + ": " + String.join("; ", reasons));
        };
    }

    default boolean counts() {
        return !(this instanceof NotConfigured);
    }

    default String label() {
        if (this instanceof Passed) {
            return "PASSED";
        } else if (this instanceof Failed) {
            return "FAILED";
        } else if (this instanceof Error) {
            return "ERROR";
        }
        return "not configured";
    }
}
