package dev.preflight.cutover;

import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.exec.HttpCheck;
import java.util.ArrayList;
import java.util.List;

/** promoted → switched: the smoke suite against green and, only if it passed, the load balancer to green. */
final class SwitchStep implements CutoverStep {
    private final CutoverContext ctx;
    private final Traffic traffic;

    SwitchStep(CutoverContext ctx) {
        this.ctx = ctx;
        this.traffic = new Traffic(ctx);
    }

    @Override
    public Step step() {
        return Step.SWITCH;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>();
        a.add("smoke suite against green first: " + HttpChecks.describe(HttpChecks.health(cp.green())));
        cp.smoke().forEach(c -> a.add("smoke: " + HttpChecks.describe(c)));
        a.add("only if every smoke check passed:");
        ctx.loadBalancer().actions(Colour.GREEN).forEach(x -> a.add("  " + x));
        traffic.verifyAction(Colour.GREEN).ifPresent(a::add);
        return a;
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws Exception {
        CutoverPlan cp = ctx.plan();
        List<HttpCheck> smoke = new ArrayList<>(List.of(HttpChecks.health(cp.green())));
        smoke.addAll(cp.smoke());
        StepResult s = HttpChecks.run(ctx.http(), "smoke", smoke);
        if (!s.verdict().good()) {
            return StepResult.failed("smoke suite failed against green; the load balancer was not touched: " + s.summary(),
                    s.details());
        }
        return traffic.move(Colour.GREEN, s);
    }
}
