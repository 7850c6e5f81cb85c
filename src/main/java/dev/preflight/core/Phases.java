package dev.preflight.core;

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
            // Not printf: its first use (a Formatter, its pattern) cost about 10 ms of a cold JVM,
            // charged to the phase after the first stamp and to every timed run of the benches.
            String micros = Integer.toString(1_000_000 + t.getNano() / 1000).substring(1);
            PrintStream err = System.err;
            err.print("preflight-phase " + phase + " " + t.getEpochSecond() + "." + micros + System.lineSeparator());
            err.flush();
        }
    }

    /** Whether stamps are printed (for callers that would compute a phase name). */
    public static boolean on() {
        return ON;
    }
}
