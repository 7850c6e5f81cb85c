package dev.preflight.deps;

import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.FleetConnector;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The dependency review as a section of {@code preflight run} (runbook §3.2). */
public final class DepsSection implements Section {
    @Override
    public String name() {
        return "deps";
    }

    @Override
    public boolean configured(RunContext c) {
        return c.plan().configures("dependencies");
    }

    @Override
    public SectionResult run(RunContext ctx) {
        try (FleetConnector agents = new FleetConnector(DepsReview.flutterSsh(ctx.plan()), ctx.plan().secrets())) {
            DepsResult r = new DepsReview(DepsContext.forRun(ctx, agents)).run(DepsReview.Request.of(ctx.plan()));
            return SectionResult.of(name(), r.verdict(), r.sectionSummary(), r.reasons());
        } catch (PreflightException e) {
            return new SectionResult.Error(name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SectionResult.Error(name(), "interrupted");
        } catch (IOException e) {
            return new SectionResult.Error(name(), "closing the SSH client failed: " + Errors.describe(e));
        }
    }

    /** A passing review of the plan's project directory (an ad-hoc or other directory's review does not count). */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String subject = plan.project().name();
        DepsPlan d = plan.section("dependencies", DepsPlan.class).orElse(null);
        if (d == null) {
            return List.of(Expected.latest(name(), DepsEvidence.KIND, subject, maxAge, "preflight deps"));
        }
        String dir = d.dir().toString();
        return List.of(Expected.covering(name(), DepsEvidence.KIND, subject, "lock files in " + dir, maxAge,
                "preflight deps", p -> dir.equals(DepsEvidence.Review.dir(p)) ? null
                        : "it reviewed " + DepsEvidence.Review.dir(p) + ", not " + dir));
    }
}
