package dev.preflight.cutover;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;

/**
 * {@code cutover resume}: continues the current cutover from its last completed step up to the
 * target it was started with, or further with {@code --until STATE} (a cutover started
 * {@code --until expanded} goes on to promote with {@code resume --until promoted}); an interrupted
 * failback is finished, an interrupted contract is not.
 */
public final class CutoverResume {
    private final CutoverMachine m;

    public CutoverResume(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run() {
        return run(null);
    }

    /** Resumes up to {@code until}, or to the target the cutover was started with when null. */
    public CutoverRun run(CutoverState until) {
        if (until != null && (until.ordinal() < CutoverState.GREEN_PREPARED.ordinal()
                || until.ordinal() > CutoverState.SWITCHED.ordinal())) {
            throw PreflightException.usage("resume runs to green-prepared, expanded, promoted or switched, not "
                    + until.label(), "the stable window is 'cutover monitor', contract is 'cutover contract'");
        }
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
            CutoverState target = until == null ? h.target() : until;
            if (h.open() == null && (next == null || h.state().ordinal() >= target.ordinal())) {
                m.say("nothing to resume: " + h.state().of(env)
                        + (h.state().terminal() ? "" : " (its run was to " + target.label()
                        + (until == null ? "; 'cutover resume --until STATE' goes further" : "") + ")"));
                return m.finish("resume", Verdict.PASSED);
            }
            if (ctx.dryRun()) {
                return m.finish("resume", m.dryRunSteps(h.state(), target));
            }
            return m.finish("resume", m.advance(target));
        }
    }
}
