package dev.preflight.cutover;

import java.util.Locale;

/**
 * Where a cutover stands. The forward path is {@code planned → green-prepared → expanded → promoted
 * → switched → stable → contracted}; {@code failed-back} is reachable from {@code switched} and
 * {@code stable} only, because after {@code contracted} the old schema is gone (and from
 * {@code promoted} when a switch attempt failed or died, since it may have moved traffic).
 */
public enum CutoverState {
    /** No cutover of this environment was ever started. */
    NONE,
    PLANNED, GREEN_PREPARED, EXPANDED, PROMOTED, SWITCHED, STABLE, CONTRACTED, FAILED_BACK;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Where an environment stands, as a sentence a reader can act on: {@code no cutover of
     * production has begun (start one with 'preflight cutover start')}, else {@code the cutover of
     * production is switched}. "production is none" said neither.
     */
    public String of(String environment) {
        return this == NONE ? "no cutover of " + environment + " has begun (start one with 'preflight cutover start')"
                : "the cutover of " + environment + " is " + label();
    }

    /** Traffic is on green and blue is still a valid target. */
    public boolean failbackPossible() {
        return this == SWITCHED || this == STABLE;
    }

    /** Finished: a new cutover may start. */
    public boolean terminal() {
        return this == NONE || this == CONTRACTED || this == FAILED_BACK;
    }

    /** The forward step that leaves this state, or null at the end (or off the forward path). */
    public Step next() {
        return switch (this) {
            case PLANNED -> Step.PREPARE;
            case GREEN_PREPARED -> Step.EXPAND;
            case EXPANDED -> Step.PROMOTE;
            case PROMOTED -> Step.SWITCH;
            case SWITCHED -> Step.STABLE;
            case STABLE -> Step.CONTRACT;
            default -> null;
        };
    }

    public static CutoverState parse(String s) {
        for (CutoverState c : values()) {
            if (c.label().equalsIgnoreCase(s.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cutover state '" + s + "'");
    }
}
