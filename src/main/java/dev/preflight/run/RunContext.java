package dev.preflight.run;

import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * What a section needs to run: the plan, the ledger it records into, the clock, and a progress
 * writer (one line per step; never the report itself).
 */
public record RunContext(Plan plan, Ledger ledger, Clock clock, PrintWriter progress) {
}
