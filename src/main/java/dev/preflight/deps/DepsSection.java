package dev.preflight.deps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.FleetConnector;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        DepsReview.Request req = DepsReview.Request.of(plan);
        Map<String, String> targets = new TreeMap<>(DepsReview.shown(req));
        return List.of(Expected.judged(name(), DepsEvidence.KIND, subject, "lock files in " + dir, maxAge,
                "preflight deps", (l, e) -> judge(e, req, dir, targets)));
    }

    /**
     * A failed review fails; a passed one must be of the plan's directory, against the plan's
     * targets as they are now, and of the files as they are now: a lock file replaced after a clear
     * review is not vouched for by it.
     */
    private static Expected.Found judge(LedgerEntry e, DepsReview.Request req, String dir, Map<String, String> targets) {
        if (!e.outcome().isGood()) {
            return Expected.Found.of(e);
        }
        JsonNode p = Expected.payload(e);
        if (!dir.equals(DepsEvidence.Review.dir(p))) {
            return new Expected.Found(e, Expected.Status.FAILED, "it reviewed " + DepsEvidence.Review.dir(p) + ", not " + dir);
        }
        Map<String, String> reviewed = DepsEvidence.Review.targets(p);
        if (!reviewed.equals(targets)) {
            return new Expected.Found(e, Expected.Status.OUTDATED, "the plan's targets changed since (reviewed against "
                    + reviewed + ", the plan has " + targets + "; run preflight deps)");
        }
        Map<String, String> read = DepsEvidence.Review.inputs(p);
        if (read == null) {
            return new Expected.Found(e, Expected.Status.OUTDATED, "it does not record the files it read, so it cannot "
                    + "vouch for them as they are now (run preflight deps)");
        }
        Map<String, String> now = DepsEvidence.inputs(req.dir(), req.metadata());
        List<String> changed = now.keySet().stream().filter(k -> !now.get(k).equals(read.get(k))).toList();
        if (!changed.isEmpty() || !read.keySet().equals(now.keySet())) {
            return new Expected.Found(e, Expected.Status.OUTDATED, (changed.isEmpty() ? "the metadata files"
                    : String.join(", ", changed)) + " changed since (run preflight deps)");
        }
        return Expected.Found.of(e);
    }
}
