package dev.preflight.audit;

import dev.preflight.exec.HostConnector;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import java.time.Clock;
import java.time.Duration;

/**
 * What an audit runs with, built once by the command or the run section: the plan (null for an
 * ad-hoc audit), the ledger the audits are recorded in (null when the caller records them itself),
 * the clock waivers expire by, how many hosts are audited at once and the per-probe timeout.
 */
public record AuditContext(Plan plan, Ledger ledger, Clock clock, int parallel, Duration timeout) {
    /** As {@code preflight run} audits: 32 hosts at once, 60 s per probe. */
    public static AuditContext forRun(Plan plan, Ledger ledger, Clock clock) {
        return new AuditContext(plan, ledger, clock, 32, Duration.ofSeconds(60));
    }

    /** The engine over one way of reaching hosts. */
    AuditEngine service(HostConnector connector) {
        return new AuditEngine(connector, new Prober(timeout), new NetworkServerProber(timeout), parallel);
    }
}
