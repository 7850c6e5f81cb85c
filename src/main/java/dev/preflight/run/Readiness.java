package dev.preflight.run;

import java.util.List;

/**
 * The go/no-go verdict of a run: GO only when at least one section was checked, every configured
 * section passed and the ledger chain verifies; otherwise NO-GO with every reason.
 *
 * @param results      one per known section, in runbook order (not-configured ones included)
 * @param ledgerIntact whether the ledger's chain verified after the run
 * @param ledgerHead   head hash of the ledger after the run (for the report), or null
 * @param reasons      one line per reason for NO-GO; empty when GO
 */
public record Readiness(List<SectionResult> results, boolean ledgerIntact, String ledgerHead, List<String> reasons) {
    public Readiness {
        results = List.copyOf(results);
        reasons = List.copyOf(reasons);
    }

    public boolean go() {
        return reasons.isEmpty();
    }

    /** Derives the reasons from the results; the verdict is never set by hand. */
    public static Readiness of(List<SectionResult> results, boolean ledgerIntact, String ledgerHead,
                               String ledgerProblem) {
        return of(results, ledgerIntact, ledgerHead, ledgerProblem, java.util.Set.of());
    }

    /** As above; a section in {@code required} that the plan does not configure is a reason too. */
    public static Readiness of(List<SectionResult> results, boolean ledgerIntact, String ledgerHead,
                               String ledgerProblem, java.util.Set<String> required) {
        List<String> reasons = new java.util.ArrayList<>();
        boolean anyChecked = false;
        for (SectionResult r : results) {
            if (!r.counts()) {
                if (required.contains(r.section())) {
                    reasons.add(r.section() + ": not configured in the plan, and readiness requires it");
                }
                continue;
            }
            anyChecked |= r instanceof SectionResult.Passed;
            if (!(r instanceof SectionResult.Passed)) {
                reasons.add(r.section() + ": " + r.label().toLowerCase(java.util.Locale.ROOT) + " - " + r.summary());
                if (r instanceof SectionResult.Failed f) {
                    f.reasons().forEach(x -> reasons.add(r.section() + ":   " + x));
                }
            }
        }
        if (!anyChecked && reasons.isEmpty()) {
            reasons.add("plan: configures no section that can be checked; nothing was verified");
        }
        if (!ledgerIntact) {
            reasons.add("ledger: chain does not verify - " + ledgerProblem);
        }
        return new Readiness(results, ledgerIntact, ledgerHead, reasons);
    }
}
