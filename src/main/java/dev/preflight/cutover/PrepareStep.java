package dev.preflight.cutover;

import dev.preflight.exec.HttpCheck;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** planned → green-prepared: green's health and the plan's prepare checks pass, then the workers check. */
final class PrepareStep implements CutoverStep {
    private final CutoverContext ctx;

    PrepareStep(CutoverContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Step step() {
        return Step.PREPARE;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>();
        a.add(HttpChecks.describe(HttpChecks.health(cp.green())));
        cp.prepare().checks().forEach(c -> a.add(HttpChecks.describe(c)));
        if (!cp.prepare().workersCommand().isEmpty()) {
            a.add("run " + String.join(" ", cp.prepare().workersCommand()) + " (workers up: exit 0)");
        }
        return a;
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws Exception {
        CutoverPlan cp = ctx.plan();
        List<HttpCheck> all = new ArrayList<>(List.of(HttpChecks.health(cp.green())));
        all.addAll(cp.prepare().checks());
        StepResult r = HttpChecks.run(ctx.http(), "green health", all);
        if (!r.verdict().good() || cp.prepare().workersCommand().isEmpty()) {
            return r;
        }
        ProcessResult w = ctx.runner().run(ProcessSpec.of(cp.prepare().workersCommand()).withTimeout(Duration.ofMinutes(2)));
        if (!w.ok()) {
            return StepResult.failed("workers check " + String.join(" ", cp.prepare().workersCommand()) + " failed (exit "
                    + w.exitCode() + "): " + w.stderr().strip().lines().findFirst().orElse(""), r.details());
        }
        return StepResult.passed(r.summary() + "; workers check passed", r.details());
    }
}
