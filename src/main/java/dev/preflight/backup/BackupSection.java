package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.util.ArrayList;
import java.util.List;

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
}
