package dev.preflight.cutover;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cutover plan}: every step in order with the actions it would take; nothing is run.
 *
 * @param failbackBound an ISO-8601 duration ({@code PT5M})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CutoverPlanView(String environment, String blue, String green, String loadBalancer, String failbackBound,
                              List<StepView> steps) {
    /** One step: its name, the state it reaches and its actions. */
    public record StepView(String step, String reaches, List<String> actions) {
    }

    /** The steps of the plan in {@code ctx} (a {@link CutoverContext#planOnly} context is enough). */
    public static CutoverPlanView of(CutoverContext ctx) {
        CutoverPlan cp = ctx.plan();
        CutoverMachine m = new CutoverMachine(ctx);
        List<StepView> steps = new ArrayList<>();
        for (Step s : Step.values()) {
            steps.add(new StepView(s.label(), s.reaches().label(), m.actions(s)));
        }
        return new CutoverPlanView(cp.environment(), cp.blue().name(), cp.green().name(), cp.loadBalancer().type(),
                cp.failbackBound().toString(), steps);
    }

    /** A plan listing always passes: it checks nothing. */
    public Verdict verdict() {
        return Verdict.PASSED;
    }
}
