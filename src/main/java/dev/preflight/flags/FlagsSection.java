package dev.preflight.flags;

import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.util.Optional;

/** {@code flags validate} as a section of {@code preflight run} (runbook §4.1), recorded in the ledger. */
public final class FlagsSection implements Section {
    @Override
    public String name() {
        return "flags";
    }

    @Override
    public boolean configured(RunContext c) {
        return c.plan().configures("feature_flags");
    }

    @Override
    public SectionResult run(RunContext ctx) {
        Optional<FlagPlan> fp = ctx.plan().section("feature_flags", FlagPlan.class);
        if (fp.isEmpty()) {
            return new SectionResult.Error("flags", "feature_flags is configured but was not read");
        }
        FlagService service = new FlagService(ctx.plan().project().name(), fp.get(), ctx.ledger(), ctx.clock(),
                ctx.plan().baseDir());
        FlagReport r = service.validate(null);
        service.record(r);
        return r.errors() == 0 ? new SectionResult.Passed("flags", FlagReports.summary(r))
                : new SectionResult.Failed("flags", FlagReports.summary(r), r.problems().stream()
                        .filter(FlagProblem::isError).map(FlagProblem::format).toList());
    }
}
