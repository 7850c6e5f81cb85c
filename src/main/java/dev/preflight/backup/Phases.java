package dev.preflight.backup;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Wall-clock stamps of a command's phases (plan load, ledger open, lock, dump, read-back, checks,
 * drop, ledger append) on stderr when {@code PREFLIGHT_PHASES} is set: how bench/backup and
 * bench/restore find where the fixed cost of a run goes. Nothing is printed, and nothing costs
 * more than one boolean test, otherwise.
 */
public final class Phases {
    private static final boolean ON = System.getenv("PREFLIGHT_PHASES") != null;

    private Phases() {
    }

    /** Prints {@code preflight-phase NAME EPOCH_SECONDS} (microseconds) when enabled. */
    public static void mark(String phase) {
        if (ON) {
            Instant t = Instant.now();
            PrintStream err = System.err;
            err.printf("preflight-phase %s %d.%06d%n", phase, t.getEpochSecond(), t.getNano() / 1000);
            err.flush();
        }
    }

    /** Whether stamps are printed (for callers that would compute a phase name). */
    public static boolean on() {
        return ON;
    }
}
