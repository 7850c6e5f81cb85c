package dev.preflight.cutover;

import dev.preflight.core.Errors;
import dev.preflight.cutover.CutoverEvidence.Expanded;
import dev.preflight.cutover.CutoverEvidence.Snapshot;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * green-prepared → expanded: the expand migrations, diffed against a snapshot of the migrations
 * table taken before the first attempt; pending or new migrations that look like contract work are
 * refused (Laravel migrations have no phases, so they are classified by name).
 */
final class ExpandStep implements CutoverStep {
    private final CutoverContext ctx;

    ExpandStep(CutoverContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Step step() {
        return Step.EXPAND;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>();
        if (cp.expand() == null) {
            a.add("nothing configured (recorded as skipped)");
            return a;
        }
        String t = cp.expand().table() + " (id, migration, batch) on " + Migrations.describe(cp.replica());
        a.add("snapshot " + t);
        if (cp.expand().migrationsDir() != null) {
            a.add("list pending migrations in " + cp.expand().migrationsDir() + "; refuse any matching "
                    + cp.expand().contractPattern());
        }
        a.add("run " + String.join(" ", cp.expand().command())
                + (cp.expand().dir() == null ? "" : " in " + cp.expand().dir()));
        a.add("snapshot " + t + " again; record the new rows; fail if one matches " + cp.expand().contractPattern());
        return a;
    }

    /**
     * The migrations snapshot before the first expand attempt (kept in its started entry), which every
     * re-run diffs against, whether the earlier attempt failed, was interrupted or never finished: a
     * fresh snapshot would count what a failed attempt applied (a contract migration among them) as
     * already there, and the re-run would pass it. Null when the plan has no expand step or no replica.
     */
    Snapshot before(CutoverHistory h) {
        CutoverPlan cp = ctx.plan();
        if (cp.expand() == null || cp.replica() == null) {
            return null;
        }
        for (CutoverHistory.Attempt a : h.attempts()) {
            if (a.step() == Step.EXPAND && a.before() != null) {
                return new Snapshot(a.before(), null);
            }
        }
        try (Connection c = Migrations.connect(cp.replica())) {
            return new Snapshot(Migrations.snapshot(c, cp.expand().table()), null);
        } catch (SQLException e) {
            return new Snapshot(null, Errors.describe(e));
        }
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws Exception {
        CutoverPlan cp = ctx.plan();
        CutoverPlan.Expand ex = cp.expand();
        if (ex == null) {
            return StepResult.warnings("skipped: the plan configures no expand step", null);
        }
        Snapshot snapshot = started.details() instanceof Snapshot s ? s : new Snapshot(null, null);
        if (snapshot.beforeError() != null) {
            return StepResult.failed("cannot read " + ex.table() + " on " + Migrations.describe(cp.replica()) + ": "
                    + snapshot.beforeError(), null);
        }
        List<Migrations.Row> before = snapshot.before() == null ? List.of() : snapshot.before();
        List<String> pending = null;
        if (ex.migrationsDir() != null) {
            pending = Migrations.pending(ex.migrationsDir(), before);
            List<String> bad = Migrations.contractLike(pending, ex.contractPattern());
            if (!bad.isEmpty()) {
                return StepResult.failed("refused before running anything: pending migration(s) match the contract pattern "
                        + ex.contractPattern() + ": " + String.join(", ", bad) + " (they belong to the contract step)",
                        new Expanded(before.size(), pending, null, null, null));
            }
        }
        ProcessSpec spec = ProcessSpec.of(ex.command()).withTimeout(Duration.ofMinutes(30));
        if (ex.dir() != null) {
            spec = spec.withWorkDir(ex.dir().toString());
        }
        ProcessResult pr = ctx.runner().run(spec);
        List<Migrations.Row> after;
        try (Connection c = Migrations.connect(cp.replica())) {
            after = Migrations.snapshot(c, ex.table());
        }
        List<Migrations.Row> added = Migrations.added(before, after);
        Expanded d = new Expanded(before.size(), pending, pr.exitCode(), after.size(), added);
        List<String> names = added.stream().map(Migrations.Row::migration).toList();
        if (!pr.ok()) {
            return StepResult.failed(String.join(" ", ex.command()) + " failed (exit " + pr.exitCode() + "): "
                    + pr.stderr().strip().lines().reduce((a, b) -> b).orElse("") + "; new rows so far: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)), d);
        }
        List<String> bad = Migrations.contractLike(names, ex.contractPattern());
        if (!bad.isEmpty()) {
            return StepResult.failed("contract migration(s) ran in the expand step: " + String.join(", ", bad), d);
        }
        return StepResult.passed(added.size() + " new migration(s)" + (names.isEmpty() ? "" : ": "
                + String.join(", ", names)), d);
    }
}
