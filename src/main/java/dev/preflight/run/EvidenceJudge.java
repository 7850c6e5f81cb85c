package dev.preflight.run;

import dev.preflight.ledger.LedgerEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The owners' judgement of an entry a reader found itself (a risk control's newest evidence): every
 * expectation of the configured sections about the entry's subject that judges its kind
 * ({@link Expected#judge}) judges it against the plan and files as they are now, as the readiness
 * verdict does, and the worst judgement counts (failed, then outdated). Built from the sections'
 * own expectations, so no owner's comparison is copied; empty when no section judges the entry.
 */
public final class EvidenceJudge {
    private final RunContext ctx;
    private final List<Section> sections;
    private List<Expected> expected;

    /** Judges with the expectations {@code sections} have of {@code ctx}'s plan (asked once, when first needed). */
    public EvidenceJudge(RunContext ctx, List<Section> sections) {
        this.ctx = ctx;
        this.sections = List.copyOf(sections);
    }

    /** How the owners judge {@code entry}; empty when none of them judges it. */
    public Optional<Expected.Found> judge(LedgerEntry entry) {
        Expected.Found worst = null;
        for (Expected x : expected()) {
            Expected.Found f = x.judge(ctx.ledger(), entry).orElse(null);
            if (f != null && (worst == null || rank(f.status()) > rank(worst.status()))) {
                worst = f;
            }
        }
        return Optional.ofNullable(worst);
    }

    private static int rank(Expected.Status s) {
        return switch (s) {
            case PASSED -> 0;
            case OUTDATED -> 1;
            case FAILED -> 2;
        };
    }

    private synchronized List<Expected> expected() {
        if (expected == null) {
            List<Expected> all = new ArrayList<>();
            for (Section s : sections) {
                if (s.configured(ctx)) {
                    // The max age is not what is judged here (the reader ages its own entry).
                    all.addAll(s.expectations(ctx.plan(), Duration.ofHours(24)));
                }
            }
            expected = all;
        }
        return expected;
    }
}
