package dev.preflight.deps;

import dev.preflight.audit.Prober;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.run.RunContext;
import java.time.Clock;
import java.time.Duration;

/**
 * What a dependency review runs with, built once by the command or the run section: the plan (null
 * for an ad-hoc review), the ledger the review is recorded in (null when the caller records it
 * itself), the clock, the runner of local programs ({@code npm outdated}), the way to the Flutter
 * build agents, the probe that asks them for their version and how long {@code npm outdated} may take.
 */
public record DepsContext(Plan plan, Ledger ledger, Clock clock, ProcessRunner local, HostConnector agents,
                          Prober prober, Duration npmTimeout) {
    /** How long a Flutter agent's probe may take, from the command or the section alike. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The context of the deps section of {@code preflight run}: local programs with the plan's
     * secrets masked, the agents through {@code agents} (the caller closes it), 120 s for npm.
     */
    public static DepsContext forRun(RunContext run, HostConnector agents) {
        // The local runner holds no resources (its close is a no-op), so nobody closes it.
        return new DepsContext(run.plan(), run.ledger(), run.clock(), new LocalProcessRunner(run.plan().secrets()),
                agents, new Prober(PROBE_TIMEOUT), Duration.ofSeconds(120));
    }
}
