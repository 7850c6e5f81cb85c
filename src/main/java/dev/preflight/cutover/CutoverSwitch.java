package dev.preflight.cutover;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;

/** {@code cutover switch}: the smoke suite against green and, only if it passes, the load balancer to green. */
public final class CutoverSwitch {
    private final CutoverMachine m;

    public CutoverSwitch(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run() {
        CutoverContext ctx = m.context();
        String env = ctx.environment();
        try (ExclusiveLock ignored = m.lock()) {
            CutoverHistory h = m.history();
            CutoverHistory.Attempt fb = h.failbackAttempt();
            if (fb != null && !h.state().terminal()) {
                // A failback that died or failed may have moved traffic to blue: "already switched"
                // would be a claim about green nobody verified since.
                throw PreflightException.state("cannot switch " + env + ": failback attempt " + fb.number() + " "
                        + h.failbackOutcome() + " and traffic may be on blue",
                        "finish the failback with 'preflight cutover failback', then start a new cutover");
            }
            if (h.state() == CutoverState.SWITCHED || h.state() == CutoverState.STABLE) {
                m.say("already switched: traffic of " + env + " is on green (state " + h.state().label() + ")");
                return m.finish("switch", Verdict.PASSED);
            }
            if (h.nextStep() != Step.SWITCH) {
                throw PreflightException.state("cannot switch " + env + " in state " + h.state().label(),
                        h.state().terminal() ? "start a cutover first" : "the next step is "
                                + (h.nextStep() == null ? "none" : h.nextStep().label()) + ": run 'preflight cutover resume'");
            }
            if (ctx.dryRun()) {
                return m.finish("switch", m.dryRunSteps(h.state(), CutoverState.SWITCHED));
            }
            return m.finish("switch", m.advance(CutoverState.SWITCHED));
        }
    }
}
