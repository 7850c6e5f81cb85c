package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code cutover contract}: the contract migrations, refused until the stable window has passed
 * with no breach and no failback, and without a passed backup of the database younger than
 * {@code backup_max_age} ({@link ContractStep#backupProblem}), or on a ledger that does not verify.
 * Needs confirmation: it is the point of no return.
 */
public final class CutoverContract {
    private final CutoverMachine m;

    public CutoverContract(CutoverContext ctx) {
        this.m = new CutoverMachine(ctx);
    }

    public CutoverRun run(boolean confirmed) {
        try (ExclusiveLock ignored = m.lock()) {
            return m.finish("contract", locked(confirmed));
        }
    }

    private Verdict locked(boolean confirmed) {
        CutoverContext ctx = m.context();
        CutoverPlan cp = ctx.plan();
        CutoverHistory h = m.history();
        if (h.state() == CutoverState.CONTRACTED) {
            m.say("already contracted: the cutover of " + cp.environment() + " is complete");
            return Verdict.PASSED;
        }
        if (cp.contract() == null) {
            throw PreflightException.usage("the plan configures no contract step", "add 'cutover.contract.command'");
        }
        // Everything below is judged on the ledger's history (breaches, failbacks, the backup): on a
        // chain that does not verify (an entry deleted or edited) that history cannot be trusted.
        if (ctx.ledger().verify() instanceof VerifyResult.Broken b) {
            return refuse(h, "the ledger does not verify (first bad entry #" + b.firstBadSeq() + ": " + b.reason()
                    + "): the stable window, failbacks and backups it records cannot be trusted; see 'preflight ledger "
                    + "verify'", Verdict.INCOMPLETE);
        }
        if (h.failedBack() || h.state() == CutoverState.FAILED_BACK) {
            return refuse(h, "a failback happened in this cutover: contract is refused", Verdict.INCOMPLETE);
        }
        CutoverHistory.Attempt fb = h.failbackAttempt();
        if (fb != null) {
            // failedBack() counts only a failback that completed; one that died or failed after moving
            // the load balancer left traffic on blue just the same, and contract would drop blue's schema.
            return refuse(h, "failback attempt " + fb.number() + " " + h.failbackOutcome()
                    + " in this cutover (traffic may be on blue): contract is refused", Verdict.INCOMPLETE);
        }
        if (h.state() != CutoverState.SWITCHED && h.state() != CutoverState.STABLE) {
            throw PreflightException.state("cannot contract " + cp.environment() + " in state " + h.state().label(),
                    "contract comes after the switch and the stable window");
        }
        if (h.breached()) {
            return refuse(h, "the stable window had a breach: " + h.rounds().stream().filter(CutoverHistory.Round::breach)
                    .map(CutoverHistory.Round::summary).findFirst().orElse(""), Verdict.FAILED);
        }
        Instant now = ctx.clock().instant();
        // Not yet concluded: the rounds so far must have watched the whole window, with no gap over
        // max_gap (contract takes one more round now); a window monitor concluded was watched whole.
        CutoverPlan.Watch watch = h.state() == CutoverState.SWITCHED
                ? cp.stable().watch(h.switchedAt(), h.rounds().stream().map(CutoverHistory.Round::time).toList(), now)
                : new CutoverPlan.Watch(h.switchedAt(), null, null);
        Instant end = watch.since().plus(cp.stable().window());
        if (now.isBefore(end)) {
            return refuse(h, watch.gapFrom() == null ? "the stable window of " + compact(cp.stable().window())
                    + " has not passed: it ends at " + end + " (" + compact(Duration.between(now, end)) + " from now)"
                    : "the stable window of " + compact(cp.stable().window()) + " has not been watched whole: no "
                    + "monitor round from " + watch.gapFrom() + " to " + watch.gapTo() + " (" + compact(Duration.between(
                    watch.gapFrom(), watch.gapTo())) + ", over max_gap " + compact(cp.stable().maxGap()) + "), so it is "
                    + "watched again from " + watch.since() + " and ends at " + end + " (run 'preflight cutover monitor'"
                    + " until then)", Verdict.FAILED);
        }
        String backup = m.contractStep().backupProblem();
        if (backup != null) {
            return refuse(h, backup, Verdict.FAILED);
        }
        m.say("WARNING: contract is the point of no return: after it, failback to " + cp.blue().name()
                + " is no longer possible");
        if (ctx.dryRun()) {
            m.printActions(Step.CONTRACT, h.attemptsOf(Step.CONTRACT) + 1);
            return Verdict.PASSED;
        }
        if (!confirmed) {
            throw PreflightException.usage("contract needs confirmation: nothing was run",
                    "rerun with --yes once you accept that failback will no longer be possible");
        }
        if (h.state() == CutoverState.SWITCHED) {
            StableWindow window = m.stableWindow();
            List<String> breaches = window.round(h);
            if (!breaches.isEmpty()) {
                return window.breach(h, breaches);
            }
            if (!window.conclude(m.history())) {
                return Verdict.FAILED;
            }
        }
        return m.runStep(m.history(), Step.CONTRACT) ? Verdict.PASSED : Verdict.FAILED;
    }

    /**
     * Refuses the contract, says why and records the refusal.
     *
     * @param verdict failed when a check said no; incomplete when the cutover cannot ever contract (a failback)
     */
    private Verdict refuse(CutoverHistory h, String why, Verdict verdict) {
        CutoverContext ctx = m.context();
        m.say("REFUSED: contract of " + ctx.environment() + ": " + why);
        if (!ctx.dryRun()) {
            m.record(Outcome.FAILED, "contract refused: " + why, CutoverEvidence.refused(h.cutoverId(), why));
        }
        return verdict;
    }
}
