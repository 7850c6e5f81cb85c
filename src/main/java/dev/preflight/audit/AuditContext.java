package dev.preflight.audit;

import dev.preflight.exec.HostConnector;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import java.time.Clock;
import java.time.Duration;

/**
 * What an audit runs with, built once by the command or the run section: the plan (null for an
 * ad-hoc audit), the ledger the audits are recorded in (null when the caller records them itself),
 * the clock waivers expire by, the most hosts audited at once, the per-probe timeout, and whether the
 * number at once adapts to what the fleet carries ({@link FleetPace}) or stays at the most.
 */
public record AuditContext(Plan plan, Ledger ledger, Clock clock, int parallel, Duration timeout, boolean adaptive) {
    /** With the adaptive pace. */
    public AuditContext(Plan plan, Ledger ledger, Clock clock, int parallel, Duration timeout) {
        this(plan, ledger, clock, parallel, timeout, true);
    }

    /** As {@code preflight run} audits: at most 32 hosts at once, adaptive, 60 s per probe. */
    public static AuditContext forRun(Plan plan, Ledger ledger, Clock clock) {
        return new AuditContext(plan, ledger, clock, 32, Duration.ofSeconds(60));
    }

    /** The engine over one way of reaching hosts. */
    AuditEngine service(HostConnector connector) {
        return new AuditEngine(connector, new Prober(timeout), new NetworkServerProber(timeout), parallel,
                adaptive ? FleetPace.Mode.ADAPTIVE : FleetPace.Mode.FIXED);
    }
}
