package dev.preflight.cutover;

import java.util.Locale;

/** A step of the cutover and the state it leads to when it completes. */
public enum Step {
    PREPARE(CutoverState.GREEN_PREPARED),
    EXPAND(CutoverState.EXPANDED),
    PROMOTE(CutoverState.PROMOTED),
    SWITCH(CutoverState.SWITCHED),
    STABLE(CutoverState.STABLE),
    CONTRACT(CutoverState.CONTRACTED),
    FAILBACK(CutoverState.FAILED_BACK);

    private final CutoverState reaches;

    Step(CutoverState reaches) {
        this.reaches = reaches;
    }

    public CutoverState reaches() {
        return reaches;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Step parse(String s) {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }
}
