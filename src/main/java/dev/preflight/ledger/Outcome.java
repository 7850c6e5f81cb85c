package dev.preflight.ledger;

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

    /** Passed or warning: the action achieved what it was for. */
    public boolean isGood() {
        return this == PASSED || this == WARNING;
    }
}
