package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;
import static dev.preflight.report.Durations.millis;

import dev.preflight.cutover.CutoverEvidence.Checks;
import dev.preflight.cutover.CutoverEvidence.FailedBack;
import dev.preflight.cutover.CutoverEvidence.Switched;
import dev.preflight.cutover.CutoverPlan.Colour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * switched or stable → failed-back: traffic to blue, blue's health, and the time it took against
 * {@code failback_bound} (a warning when over it: fast rollback is a property to measure).
 */
final class FailbackStep implements CutoverStep {
    private final CutoverContext ctx;
    private final Traffic traffic;

    FailbackStep(CutoverContext ctx) {
        this.ctx = ctx;
        this.traffic = new Traffic(ctx);
    }

    @Override
    public Step step() {
        return Step.FAILBACK;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>(ctx.loadBalancer().actions(Colour.BLUE));
        traffic.verifyAction(Colour.BLUE).ifPresent(a::add);
        a.add(HttpChecks.describe(HttpChecks.health(cp.blue())));
        a.add("record the elapsed time against failback_bound " + compact(cp.failbackBound()));
        return a;
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws Exception {
        CutoverPlan cp = ctx.plan();
        long t0 = System.nanoTime();
        StepResult r = traffic.move(Colour.BLUE, StepResult.passed("traffic moved to blue", null));
        if (!r.verdict().good()) {
            return r;
        }
        StepResult blue = HttpChecks.run(ctx.http(), "blue health", List.of(HttpChecks.health(cp.blue())));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // A failback retried after an attempt that died or failed began with that attempt: traffic
        // has been leaving green since then, so the bound is judged from it, not from this retry.
        CutoverHistory.Attempt first = h.failbackAttempt();
        if (first != null) {
            Duration since = Duration.between(first.started(), ctx.clock().instant());
            took = since.compareTo(took) > 0 ? since : took;
        }
        long ms = took.toMillis();
        boolean within = ms <= cp.failbackBound().toMillis();
        FailedBack d = new FailedBack(((Switched) r.details()).loadBalancer(), ((Checks) blue.details()).checks(), ms,
                cp.failbackBound().toMillis(), within);
        if (!blue.verdict().good()) {
            return StepResult.failed("traffic is on blue but blue is not healthy: " + blue.summary(), d);
        }
        String s = r.summary() + "; blue healthy; failback took " + millis(took)
                + (first == null ? "" : " since attempt " + first.number() + " began at " + first.started())
                + " (bound " + compact(cp.failbackBound()) + ")";
        return within ? StepResult.passed(s, d) : StepResult.warnings(s + ": OVER THE BOUND", d);
    }
}
