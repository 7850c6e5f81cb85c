package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Backups as a section of {@code preflight run}: every source backed up, stored and verified (§2). */
public final class BackupSection implements Section {
    @Override
    public String name() {
        return "backups";
    }

    @Override
    public boolean configured(RunContext c) {
        return c.plan().configures("backups");
    }

    @Override
    public SectionResult run(RunContext ctx) {
        BackupPlan plan = ctx.plan().section("backups", BackupPlan.class).orElse(null);
        if (plan == null) {
            return new SectionResult.Failed("backups", "the backups section could not be read", List.of());
        }
        BackupService service = new BackupService(plan, ctx.ledger(), ctx.clock(), BackupFactories.stores(),
                new SourceProducers(new LocalProcessRunner(ctx.plan().secrets()), ctx.clock()), ctx.progress(),
                ctx.plan().secrets());
        List<String> reasons = new ArrayList<>();
        int ok = 0;
        for (Source s : plan.sources()) {
            try {
                BackupService.RunResult r = service.run(s);
                if (r.failure() == null) {
                    ok++;
                } else {
                    reasons.add(s.name() + ": " + r.failure());
                }
            } catch (PreflightException e) {
                reasons.add(s.name() + ": " + e.getMessage());
            }
        }
        if (reasons.isEmpty()) {
            return new SectionResult.Passed("backups", ok + " source(s) backed up and verified in every location");
        }
        return new SectionResult.Failed("backups", reasons.size() + " of " + plan.sources().size()
                + " source(s) not backed up", reasons);
    }

    /**
     * Every source backed up into every one of its destinations: per copy, the newest backup of the
     * source must have passed with a copy there, and the newest verification of that very backup
     * (if any) must have found that copy intact. A failed verification of an older backup does not
     * speak for the newest one, and a verification of an older backup never hides one of the newest.
     */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        BackupPlan bp = plan.section("backups", BackupPlan.class).orElse(null);
        if (bp == null) {
            return List.of(Expected.latest(name(), BackupEvidence.KIND, plan.project().name(), maxAge,
                    "preflight backup run"));
        }
        List<Expected> out = new ArrayList<>();
        for (Source s : bp.sources()) {
            for (BackupPlan.Destination d : bp.destinationsOf(s)) {
                out.add(new Expected(name(), BackupEvidence.KIND, s.name(), "copy in " + d.name(), maxAge,
                        "preflight backup run --source " + s.name(), ledger -> copy(ledger, s.name(), d.name())));
            }
        }
        return out;
    }

    private static Optional<Expected.Found> copy(Ledger ledger, String source,
                                                            String destination) {
        LedgerEntry b = ledger.latest(BackupEvidence.KIND, source).orElse(null);
        if (b == null || !b.outcome().isGood()) {
            return Optional.ofNullable(b).map(Expected.Found::of);
        }
        boolean stored = false;
        for (JsonNode c : Expected.payload(b).path("copies")) {
            stored |= destination.equals(c.path("destination").asText());
        }
        if (!stored) {
            return Optional.of(new Expected.Found(b, Expected.Status.FAILED, "backup #" + b.seq()
                    + " stored no copy in " + destination));
        }
        for (LedgerEntry v : ledger.query(new LedgerQuery(BackupEvidence.VERIFY_KIND, source, null, 0, true))) {
            if (v.seq() < b.seq()) {
                break;
            }
            JsonNode p = Expected.payload(v);
            if (!b.id().equals(p.path("backup_id").asText())) {
                continue;
            }
            List<String> bad = new ArrayList<>();
            int rows = 0;
            for (JsonNode row : p.path("copies")) {
                if (destination.equals(row.path("destination").asText())) {
                    rows++;
                    if (!"ok".equals(row.path("status").asText())) {
                        bad.add(row.path("location").asText() + " " + row.path("status").asText()
                                + (row.path("detail").isTextual() ? " (" + row.path("detail").asText() + ")" : ""));
                    }
                }
            }
            if (rows == 0) {
                return Optional.of(new Expected.Found(v, Expected.Status.FAILED, "verification #" + v.seq()
                        + " of backup #" + b.seq() + " found no copy in " + destination));
            }
            return Optional.of(bad.isEmpty() ? new Expected.Found(v, Expected.Status.PASSED, null)
                    : new Expected.Found(v, Expected.Status.FAILED, "copy of backup #" + b.seq() + " in " + destination
                    + ": " + String.join(", ", bad)));
        }
        return Optional.of(Expected.Found.of(b));
    }
}
