package dev.preflight.deps;

import dev.preflight.audit.Prober;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.deps.DepsModel.Report;
import dev.preflight.exec.FleetConnector;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        String subject = ctx.plan().project().name();
        Report r;
        try {
            // The local runner holds no resources (its close is a no-op), so it is not closed here.
            LocalProcessRunner local = new LocalProcessRunner(ctx.plan().secrets());
            try (FleetConnector agents = new FleetConnector(PlanDeps.flutterSsh(ctx.plan()), ctx.plan().secrets())) {
                DepsService service = new DepsService(local, agents, new Prober(Duration.ofSeconds(60)),
                        Duration.ofSeconds(120));
                r = service.review(PlanDeps.request(ctx.plan()));
            }
        } catch (PreflightException e) {
            // A malformed lock file is a failed review, recorded as such: it was not checked.
            ctx.ledger().append(NewEntry.of("deps", subject, Outcome.ERROR, e.getMessage(), Map.of("error", e.getMessage())));
            return new SectionResult.Error("deps", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SectionResult.Error("deps", "interrupted");
        } catch (IOException e) {
            return new SectionResult.Error("deps", "closing the SSH client failed: " + Errors.describe(e));
        }
        PlanDeps.record(ctx.ledger(), subject, r);
        return switch (r.exitCode()) {
            case 0 -> new SectionResult.Passed("deps", DepsReports.verdict(r) + ": " + r.summary());
            case 1 -> new SectionResult.Failed("deps", "blocked: " + r.summary(), PlanDeps.reasons(r));
            default -> new SectionResult.Failed("deps", "not fully checked: " + r.summary(), PlanDeps.reasons(r));
        };
    }

    /** A passing review of the plan's project directory (an ad-hoc or other directory's review does not count). */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String subject = plan.project().name();
        DepsPlan d = plan.section("dependencies", DepsPlan.class).orElse(null);
        if (d == null) {
            return List.of(Expected.latest(name(), "deps", subject, maxAge, "preflight deps"));
        }
        String dir = d.dir().toString();
        return List.of(Expected.covering(name(), "deps", subject, "lock files in " + dir, maxAge, "preflight deps",
                p -> dir.equals(p.path("dir").asText()) ? null : "it reviewed " + p.path("dir").asText("?")
                        + ", not " + dir));
    }
}
