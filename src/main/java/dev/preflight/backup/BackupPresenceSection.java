package dev.preflight.backup;

import dev.preflight.core.Verdict;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The backups as {@code readiness} re-checks them: the ledger says what was stored and verified, the
 * stores say whether it is still there ({@link BackupPresence}). Its entries speak through the
 * backups section's own expectations, so it expects nothing itself.
 */
public final class BackupPresenceSection implements Section {
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
            return new SectionResult.Failed(name(), "the backups section could not be read", List.of());
        }
        List<BackupPresence.Look> looks = new BackupPresence(BackupContext.reading(plan, ctx.ledger(), ctx.clock(),
                BackupFactories.stores(), ctx.plan().secrets())).run();
        int copies = looks.stream().mapToInt(l -> l.copies().size()).sum();
        List<String> reasons = new ArrayList<>();
        for (BackupPresence.Look l : looks) {
            l.bad().forEach(c -> reasons.add(l.source() + " (backup #" + l.backupSeq() + "), copy in "
                    + c.destination() + ": " + c.location() + " " + c.detail()));
        }
        String of = copies + " copies of " + looks.size() + " backup(s)";
        return SectionResult.of(name(), reasons.isEmpty() ? Verdict.PASSED : Verdict.FAILED,
                reasons.isEmpty() ? of + " present" : reasons.size() + " of " + of + " not present", reasons);
    }

    /** None: what it records speaks through {@link BackupSection}'s expectations. */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        return List.of();
    }
}
