package dev.preflight.readiness;

import dev.preflight.run.SectionResult;
import java.util.List;

/**
 * What {@code run} or {@code readiness} did and concluded: the result of each section it executed
 * (what happened this time, for the report) and the {@link GoNoGo} it then asked for (the only
 * source of GO / NO-GO), recorded in the ledger as entry {@code seq} with {@code hash}: the ledger
 * head when the command ended.
 *
 * @param results one per known section the command executes, in runbook order (not-configured ones included)
 */
public record Readiness(List<SectionResult> results, GoNoGo verdict, long seq, String hash) {
    public Readiness {
        results = List.copyOf(results);
    }

    public boolean go() {
        return verdict.go();
    }

    /** One line per reason for NO-GO; empty when GO. */
    public List<String> reasons() {
        return verdict.lines();
    }

    public boolean ledgerIntact() {
        return verdict.chain().intact();
    }

    /** The hash of the recorded verdict: the ledger head when the command ended. */
    public String ledgerHead() {
        return hash;
    }
}
