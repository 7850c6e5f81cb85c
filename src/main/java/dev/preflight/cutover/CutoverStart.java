package dev.preflight.cutover;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.Outcome;
import java.util.UUID;

/** {@code cutover start}: begins a new cutover and runs it forward until a state (at most {@code switched}). */
public final class CutoverStart {
    private final CutoverMachine m;

    public CutoverStart(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run(CutoverState until) {
        CutoverContext ctx = m.context();
        CutoverPlan cp = ctx.plan();
        if (until.ordinal() < CutoverState.GREEN_PREPARED.ordinal() || until.ordinal() > CutoverState.SWITCHED.ordinal()) {
            throw PreflightException.usage("start runs to green-prepared, expanded, promoted or switched, not "
                    + until.label(), "the stable window is 'cutover resume' after the window, contract is 'cutover contract'");
        }
        try (ExclusiveLock ignored = m.lock()) {
            CutoverHistory h = m.history();
            if (!h.state().terminal() || h.open() != null) {
                throw PreflightException.state("a cutover of " + cp.environment() + " is already in progress (state "
                        + h.state().label() + ", begun " + h.begun() + ")",
                        "continue it with 'preflight cutover resume', or move traffic back with 'preflight cutover failback'");
            }
            String id = UUID.randomUUID().toString();
            if (ctx.dryRun()) {
                m.say("[dry-run] would begin cutover of " + cp.environment() + " (to " + until.label() + ")");
                return m.finish("start", m.dryRunSteps(CutoverState.PLANNED, until));
            }
            m.record(Outcome.PASSED, "cutover " + id.substring(0, 8) + " begun: " + cp.blue().name() + " -> "
                    + cp.green().name() + " (to " + until.label() + ")",
                    CutoverEvidence.begin(id, until, cp.blue().name(), cp.green().name(), cp.project()));
            m.say("cutover of " + cp.environment() + " begun (" + id.substring(0, 8) + "), running to " + until.label());
            Verdict v = m.advance(until);
            return m.finish("start", v);
        }
    }
}
