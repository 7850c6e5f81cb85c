package dev.preflight.cutover;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;

/**
 * {@code cutover monitor}: the stable window, in rounds every {@code interval} until the window
 * since the switch has passed (or {@code maxRounds} rounds, 0 = no limit).
 */
public final class CutoverMonitor {
    private final CutoverMachine m;

    public CutoverMonitor(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run(int maxRounds) {
        CutoverContext ctx = m.context();
        String env = ctx.environment();
        try (ExclusiveLock ignored = m.lock()) {
            CutoverHistory h = m.history();
            if (h.state() == CutoverState.STABLE) {
                m.say("already stable: the window of " + env + " passed without a breach");
                return m.finish("monitor", Verdict.PASSED);
            }
            if (h.state() != CutoverState.SWITCHED) {
                throw PreflightException.state("cannot monitor " + env + " in state " + h.state().label(),
                        "the stable window starts when traffic is switched to green");
            }
            CutoverHistory.Attempt fb = h.failbackAttempt();
            if (fb != null) {
                // A failback that died or failed may have moved traffic to blue: watching green now
                // would call a window stable that no user traffic went through.
                throw PreflightException.state("cannot monitor " + env + ": failback attempt " + fb.number() + " "
                        + h.failbackOutcome() + " and traffic may be on blue",
                        "finish the failback with 'preflight cutover failback'");
            }
            if (ctx.dryRun()) {
                m.printActions(Step.STABLE, h.attemptsOf(Step.STABLE) + 1);
                return m.finish("monitor", Verdict.PASSED);
            }
            return m.finish("monitor", m.stableWindow().watch(h, maxRounds));
        }
    }
}
