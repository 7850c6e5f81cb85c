package dev.preflight.plan;

import dev.preflight.core.Secrets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems of one plan load, each said once, at most {@link #MAX} listed (past that they are
 * counted, so a garbage file cannot flood the terminal), failed as one {@link PlanException} in
 * file order with every credential masked.
 */
final class Problems {
    /** Problems listed at most. */
    static final int MAX = 200;

    private final String file;
    private final List<PlanProblem> list = new ArrayList<>();
    private int dropped;

    Problems(String file) {
        this.file = file;
    }

    void add(PlanProblem p) {
        if (list.contains(p)) {
            return; // the same node checked twice (an alias, two readers): one problem, said once
        }
        if (list.size() >= MAX) {
            dropped++;
            return;
        }
        list.add(p);
    }

    boolean any() {
        return !list.isEmpty();
    }

    /** All problems, sorted by position; masked here, not when recorded: a credential read later counts too. */
    PlanException fail(Secrets secrets) {
        List<PlanProblem> sorted = new ArrayList<>();
        for (PlanProblem p : list) {
            sorted.add(new PlanProblem(p.file(), p.line(), p.column(), p.path(), secrets.redact(p.message()),
                    secrets.redact(p.hint())));
        }
        sorted.sort(Comparator.comparingInt(PlanProblem::line).thenComparingInt(PlanProblem::column));
        if (dropped > 0) {
            sorted.add(new PlanProblem(file, sorted.get(sorted.size() - 1).line(), 1, "",
                    dropped + " more problem(s) not listed", "fix the ones above first"));
        }
        return new PlanException(sorted);
    }
}
