package dev.preflight.restore;

import dev.preflight.core.Verdict;
import dev.preflight.report.Durations;
import java.util.List;

/**
 * What one {@code restore-test} did: one result per backup restore-tested, in the plan's order.
 *
 * @param results one per source (or the one backup given)
 */
public record RestoreRun(List<RestoreResult> results) {
    public RestoreRun {
        results = List.copyOf(results);
    }

    /** The worst of the results; passed when nothing was restore-tested (as the command always did). */
    public Verdict verdict() {
        return Verdict.worst(results.stream().map(RestoreResult::verdict).toList(), Verdict.PASSED);
    }

    /** One sentence for {@code preflight run}: how many restored (with their times), or how many failed. */
    public String summary() {
        return verdict().good() ? results.size() + " backup(s) restored into scratch targets, every smoke check "
                + "passed (" + String.join(", ", results.stream().map(r -> r.source() + " "
                + Durations.seconds(r.restoreTime())).toList()) + ")"
                : reasons().size() + " of " + results.size() + " restore test(s) failed";
    }

    /** Why each restore test that did not pass failed: its failure, or its failed checks. */
    public List<String> reasons() {
        return results.stream().filter(r -> !r.passed()).map(r -> r.source() + ": " + (r.failure() != null
                ? r.failure() : String.join("; ", r.failed().stream()
                .map(c -> c.kind() + " " + c.name() + ": " + c.detail()).toList()))).toList();
    }
}
