package dev.preflight.gates;

import dev.preflight.core.Verdict;
import java.util.List;

/**
 * What {@code gates check} found: the window, each configured gate's result (cab, oncall, notice,
 * custom, in that order) and the ledger entry recording them (0 when not recorded). Passed when
 * every gate passed.
 */
public record GatesChecked(ChangeWindow window, List<GateResult> results, long seq) {
    public GatesChecked {
        results = List.copyOf(results);
    }

    /** The worst gate's; no gate at all is failed (the check adds a failed "gates" result for that anyway). */
    public Verdict verdict() {
        return Verdict.worst(results.stream().map(GateResult::verdict).toList(), Verdict.FAILED);
    }

    /** How many gates passed. */
    public long passed() {
        return results.stream().filter(GateResult::passed).count();
    }

    /** One line: which passed, or how many failed (the run section's summary). */
    public String summary() {
        return verdict().good() ? "all " + passed() + " gate(s) passed: "
                + String.join(", ", results.stream().map(GateResult::name).toList())
                : (results.size() - passed()) + " of " + results.size() + " gate(s) failed";
    }

    /** Each failed gate as {@code name: reason}. */
    public List<String> failures() {
        return results.stream().filter(r -> !r.passed()).map(r -> r.name() + ": " + r.reason()).toList();
    }
}
