package dev.preflight.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The migrations snapshot before the first expand attempt (kept in its started entry, so a re-run diffs against it). */
    Map<String, Object> before(CutoverHistory h) {
        CutoverPlan cp = ctx.plan();
        Map<String, Object> m = new LinkedHashMap<>();
        if (cp.expand() == null || cp.replica() == null) {
            return m;
        }
        for (CutoverHistory.Attempt a : h.attempts()) {
            if (a.step() == Step.EXPAND && a.details().has("before")) {
                m.put("before", a.details().get("before"));
                return m;
            }
        }
        try (Connection c = Migrations.connect(cp.replica())) {
            m.put("before", Migrations.snapshot(c, cp.expand().table()));
        } catch (SQLException e) {
            m.put("before_error", Errors.describe(e));
        }
        return m;
    }

    @Override
    public StepResult run(CutoverHistory h, Map<String, Object> started) throws Exception {
        CutoverPlan cp = ctx.plan();
        CutoverPlan.Expand ex = cp.expand();
        if (ex == null) {
            return StepResult.warnings("skipped: the plan configures no expand step", Map.of());
        }
        if (started.containsKey("before_error")) {
            return StepResult.failed("cannot read " + ex.table() + " on " + Migrations.describe(cp.replica()) + ": "
                    + started.get("before_error"), Map.of());
        }
        List<Migrations.Row> before = rows(started.get("before"));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("before_count", before.size());
        if (ex.migrationsDir() != null) {
            List<String> pending = Migrations.pending(ex.migrationsDir(), before);
            d.put("pending", pending);
            List<String> bad = Migrations.contractLike(pending, ex.contractPattern());
            if (!bad.isEmpty()) {
                return StepResult.failed("refused before running anything: pending migration(s) match the contract pattern "
                        + ex.contractPattern() + ": " + String.join(", ", bad) + " (they belong to the contract step)", d);
            }
        }
        ProcessSpec spec = ProcessSpec.of(ex.command()).withTimeout(Duration.ofMinutes(30));
        if (ex.dir() != null) {
            spec = spec.withWorkDir(ex.dir().toString());
        }
        ProcessResult pr = ctx.runner().run(spec);
        d.put("command_exit", pr.exitCode());
        List<Migrations.Row> after;
        try (Connection c = Migrations.connect(cp.replica())) {
            after = Migrations.snapshot(c, ex.table());
        }
        List<Migrations.Row> added = Migrations.added(before, after);
        d.put("after_count", after.size());
        d.put("new", added);
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

    private static List<Migrations.Row> rows(Object json) {
        List<Migrations.Row> out = new ArrayList<>();
        JsonNode n = json instanceof JsonNode j ? j : Json.mapper().valueToTree(json);
        if (n != null) {
            n.forEach(r -> out.add(new Migrations.Row(r.path("id").asLong(), r.path("migration").asText(),
                    r.path("batch").asInt())));
        }
        return out;
    }
}
