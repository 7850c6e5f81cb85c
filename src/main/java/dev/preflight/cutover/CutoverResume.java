package dev.preflight.cutover;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;

/**
 * {@code cutover resume}: continues the current cutover from its last completed step up to the
 * target it was started with; an interrupted failback is finished, an interrupted contract is not.
 */
public final class CutoverResume {
    private final CutoverMachine m;

    public CutoverResume(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run() {
        CutoverContext ctx = m.context();
        String env = ctx.environment();
        try (ExclusiveLock ignored = m.lock()) {
            CutoverHistory h = m.history();
            if (h.cutoverId() == null) {
                throw PreflightException.state("no cutover of " + env + " was ever started",
                        "start one with 'preflight cutover start'");
            }
            Step next = h.nextStep();
            if (next == Step.FAILBACK) {
                return m.finish("resume", CutoverFailback.locked(m, h));
            }
            if (next == Step.CONTRACT && h.open() != null) {
                throw PreflightException.state("contract attempt " + h.open().number() + " of " + env
                        + " was interrupted; resume does not run the point of no return on its own",
                        "run 'preflight cutover contract --yes': it records the interrupted attempt and runs it again");
            }
            if (h.open() == null && (next == null || h.state().ordinal() >= h.target().ordinal())) {
                m.say("nothing to resume: the cutover of " + env + " is " + h.state().label()
                        + (h.state().terminal() ? "" : " (its run was to " + h.target().label() + ")"));
                return m.finish("resume", Verdict.PASSED);
            }
            if (ctx.dryRun()) {
                return m.finish("resume", m.dryRunSteps(h.state(), h.target()));
            }
            return m.finish("resume", m.advance(h.target()));
        }
    }
}
