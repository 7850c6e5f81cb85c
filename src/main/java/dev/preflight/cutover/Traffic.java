package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;

import dev.preflight.cutover.CutoverEvidence.CheckRow;
import dev.preflight.cutover.CutoverEvidence.Checks;
import dev.preflight.cutover.CutoverEvidence.Switched;
import dev.preflight.cutover.CutoverPlan.Colour;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moving traffic to a colour and verifying, through the load balancer, that only that colour
 * answers: the shared core of {@link SwitchStep} and {@link FailbackStep}.
 */
final class Traffic {
    /** Fewest consecutive responses from the target colour, each on a new connection, that verify a switch. */
    static final int VERIFY_STREAK = 10;

    private final CutoverContext ctx;

    Traffic(CutoverContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Switches to {@code to} and verifies it; the summary extends {@code before}'s. A failure keeps
     * {@code before}'s details; a success is {@link Switched}, with {@code before}'s checks (if any).
     */
    StepResult move(Colour to, StepResult before) throws Exception {
        CutoverPlan cp = ctx.plan();
        LoadBalancer lb = ctx.loadBalancer();
        try {
            lb.switchTo(to);
        } catch (LoadBalancer.LoadBalancerException e) {
            return StepResult.failed(e.getMessage(), before.details());
        }
        String served = verifyServing(to);
        if (served != null) {
            return StepResult.failed(served, before.details());
        }
        List<CheckRow> checks = before.details() instanceof Checks c ? c.checks() : null;
        Switched d = new Switched(checks, lb.describe());
        return StepResult.passed(before.summary() + "; " + lb.describe() + " routes to " + to.label()
                + (cp.loadBalancer().verifyUrl() == null ? "" : "; only " + to.label() + " answered "
                        + cp.loadBalancer().verifyUrl() + " for " + compact(cp.loadBalancer().verifySettle())), d);
    }

    /**
     * Null when {@code verify_url} (if configured) answers only with {@code to}'s marker, on new
     * connections, at least {@value #VERIFY_STREAK} times and for at least {@code verify_settle}.
     * A streak alone is not enough: nginx keeps the old workers accepting for about 100 ms after
     * the new ones start, and the kernel tends to hand an idle server's connections to the newest
     * workers, so a quick streak can pass while the old colour still takes connections under load.
     */
    private String verifyServing(Colour to) throws InterruptedException {
        CutoverPlan cp = ctx.plan();
        String url = cp.loadBalancer().verifyUrl();
        if (url == null) {
            return null;
        }
        String marker = cp.side(to).marker();
        long settle = cp.loadBalancer().verifySettle().toNanos();
        long deadline = System.nanoTime() + cp.loadBalancer().verifyTimeout().toNanos();
        int streak = 0;
        long since = 0;
        HttpProbe.Sample last = null;
        while (System.nanoTime() < deadline) {
            long t = System.nanoTime();
            last = ctx.http().getFresh(url, Duration.ofSeconds(5));
            if (last.responded() && last.status() < 500 && last.text().contains(marker)) {
                if (streak++ == 0) {
                    since = t;
                }
                if (streak >= VERIFY_STREAK && System.nanoTime() - since >= settle) {
                    return null;
                }
            } else {
                streak = 0;
            }
            Thread.sleep(10);
        }
        return url + " did not serve only " + to.label() + " ('" + marker + "') for " + compact(cp.loadBalancer().verifySettle())
                + " within " + compact(cp.loadBalancer().verifyTimeout()) + "; last: "
                + (last == null ? "none" : last.responded() ? "HTTP " + last.status() : last.error());
    }

    /** The verification line of {@code cutover plan}. */
    Optional<String> verifyAction(Colour c) {
        CutoverPlan cp = ctx.plan();
        return cp.loadBalancer().verifyUrl() == null ? Optional.of("(no verify_url: not verified through the load balancer)")
                : Optional.of("GET " + cp.loadBalancer().verifyUrl() + " on new connections until only '"
                        + cp.side(c).marker() + "' answers for " + compact(cp.loadBalancer().verifySettle()) + " (at least "
                        + VERIFY_STREAK + " responses; within " + compact(cp.loadBalancer().verifyTimeout()) + ")");
    }
}
