package dev.preflight.gates;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.preflight.core.Verdict;
import java.util.List;

/**
 * The outcome of one gate: its name ({@code cab}, {@code oncall}, {@code notice} or a custom
 * gate's), whether it passed, the one-line reason, and detail lines (what was found, what is
 * stale or missing, what to do). A gate whose service could not be reached did not pass.
 */
public record GateResult(String name, boolean passed, String reason, List<String> details) {
    public GateResult {
        details = List.copyOf(details);
    }

    public static GateResult pass(String name, String reason, List<String> details) {
        return new GateResult(name, true, reason, details);
    }

    public static GateResult fail(String name, String reason, List<String> details) {
        return new GateResult(name, false, reason, details);
    }

    /** Passed or failed: a gate has no warnings, and one that could not be checked failed. */
    @JsonIgnore
    public Verdict verdict() {
        return passed ? Verdict.PASSED : Verdict.FAILED;
    }
}
