package dev.preflight.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How any verb of any capability ended: the one vocabulary of outcomes. It is mapped in exactly
 * three places: to the process exit code ({@link #exitCode()}), to the ledger outcome
 * ({@code ledger.Outcome.of}) and to the run section ({@code run.SectionResult.of}).
 */
public enum Verdict {
    /** Everything checked passed. */
    PASSED,
    /** Everything that matters passed; something deserves a look (a waiver, a lagging head). */
    WARNINGS,
    /** The verb worked and at least one check failed. */
    FAILED,
    /** The verb could not find out: a host unreachable, a lock held, a tool that broke. */
    INCOMPLETE;

    /** The exit code a command ending with this verdict returns. */
    public ExitCode exitCode() {
        return switch (this) {
            case PASSED, WARNINGS -> ExitCode.OK;
            case FAILED -> ExitCode.CHECKS_FAILED;
            case INCOMPLETE -> ExitCode.UNEXPECTED_STATE;
        };
    }

    /** Passed or warnings: what the verb was for was achieved and verified. */
    public boolean good() {
        return this == PASSED || this == WARNINGS;
    }

    /** The worse of the two: incomplete over failed over warnings over passed. */
    public Verdict and(Verdict other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** The worst of several; {@code empty} when there are none (so "nothing checked" is a decision, not a pass). */
    public static Verdict worst(Iterable<Verdict> verdicts, Verdict empty) {
        Verdict w = null;
        for (Verdict v : verdicts) {
            w = w == null ? v : w.and(v);
        }
        return w == null ? empty : w;
    }

    /** Lower case, as printed and serialised ({@code passed}, {@code warnings}, ...). */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
