package dev.preflight.cutover;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;

/** {@code cutover failback}: traffic back to blue (from switched or stable only), verified and timed. */
public final class CutoverFailback {
    private final CutoverMachine m;

    public CutoverFailback(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run() {
        try (ExclusiveLock ignored = m.lock()) {
            return m.finish("failback", locked(m, m.history()));
        }
    }

    /** The failback itself, with the lock held (also how {@code resume} finishes an interrupted one). */
    static Verdict locked(CutoverMachine m, CutoverHistory h) {
        CutoverContext ctx = m.context();
        String env = ctx.environment();
        if (h.state() == CutoverState.CONTRACTED || h.last(Step.CONTRACT) != null) {
            throw PreflightException.state("failback of " + env + " is no longer possible: the contract "
                    + "migrations ran (the point of no return)", "roll forward, or restore from backup");
        }
        if (!h.failbackPossible()) {
            throw PreflightException.state("nothing to fail back: " + h.state().of(env)
                    + (h.state() == CutoverState.FAILED_BACK || h.state() == CutoverState.NONE ? ""
                            : " and traffic is still on blue"),
                    "failback is possible from switched and stable only");
        }
        if (ctx.dryRun()) {
            m.printActions(Step.FAILBACK, h.attemptsOf(Step.FAILBACK) + 1);
            return Verdict.PASSED;
        }
        if (!m.runStep(h, Step.FAILBACK)) {
            return Verdict.FAILED;
        }
        // Traffic is on blue and healthy, but a failback over the runbook's bound (FailbackStep's only
        // warning) is a failed drill on the ledger: the exit code says so too (1), as the text does.
        CutoverHistory.Attempt done = m.history().last(Step.FAILBACK);
        return done != null && done.outcome().equals("warning") ? Verdict.FAILED : Verdict.PASSED;
    }
}
