package dev.preflight.run;

import dev.preflight.plan.Plan;
import java.time.Duration;
import java.util.List;

/**
 * One section of the runbook as {@code preflight run} executes it (audit, backups, restore test,
 * dependencies, flags, cutover, gates, risks). Each capability contributes one; a section records
 * its own evidence in the ledger, and says which evidence its configuration requires so that the
 * readiness verdict ({@code readiness.GoNoGo}) can judge the ledger the same way whichever command asks.
 */
public interface Section {
    /** Short stable name used in output and the ledger ({@code audit}, {@code backup}, ...). */
    String name();

    /** True when the plan configures this section. */
    boolean configured(RunContext context);

    /** Runs the section; never throws for check failures, only returns them. */
    SectionResult run(RunContext context);

    /**
     * The evidence the plan's configuration of this section requires on record, one per subject
     * (and per part of a subject) it covers: every backup source in every destination, every
     * audited environment, ... Only asked when the section is configured. A section whose state the
     * verdict judges directly (the ledger chain, the risk register) returns none.
     *
     * @param maxAge how old passing evidence may be ({@link Freshness#of})
     */
    List<Expected> expectations(Plan plan, Duration maxAge);
}
