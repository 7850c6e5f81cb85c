package dev.preflight.ledger;

import dev.preflight.core.Verdict;
import java.util.Locale;

/** How a recorded action ended. Stored and printed in lower case. */
public enum Outcome {
    PASSED, FAILED, WARNING, ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * The ledger's word for a verb's verdict (one of the three places a {@link Verdict} is mapped):
     * an incomplete verb is an error, not a failure, because nothing was judged.
     */
    public static Outcome of(Verdict v) {
        return switch (v) {
            case PASSED -> PASSED;
            case WARNINGS -> WARNING;
            case FAILED -> FAILED;
            case INCOMPLETE -> ERROR;
        };
    }

    /** Passed or warning: the action achieved what it was for. */
    public boolean isGood() {
        return this == PASSED || this == WARNING;
    }
}
