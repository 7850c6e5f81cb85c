package dev.preflight.restore;

import dev.preflight.core.Verdict;
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
}
