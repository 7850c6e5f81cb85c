package dev.preflight.run;

/**
 * One section of the runbook as {@code preflight run} executes it (audit, backups, restore test,
 * dependencies, flags, cutover, gates, risks). Each capability contributes one; a section records
 * its own evidence in the ledger.
 */
public interface Section {
    /** Short stable name used in output and the ledger ({@code audit}, {@code backup}, ...). */
    String name();

    /** True when the plan configures this section. */
    boolean configured(RunContext context);

    /** Runs the section; never throws for check failures, only returns them. */
    SectionResult run(RunContext context);
}
