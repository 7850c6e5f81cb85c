package dev.preflight.flags;

import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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
        Optional<FlagsPlan> fp = ctx.plan().section("feature_flags", FlagsPlan.class);
        if (fp.isEmpty()) {
            return new SectionResult.Error("flags", "feature_flags is configured but was not read");
        }
        FlagsContext fc = new FlagsContext(ctx.plan().project().name(), fp.get(), ctx.ledger(), ctx.clock(),
                ctx.plan().baseDir());
        FlagsValidation r = new FlagsValidate(fc).run(null);
        return SectionResult.of(name(), r.verdict(), r.summary(), r.problems().stream()
                .filter(FlagProblem::isError).map(FlagProblem::format).toList());
    }

    /**
     * A passing validation that read every environment's dotenv file as it is now: a file edited
     * after the validation (even by a sanctioned toggle) is not what was validated.
     */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        String subject = plan.project().name();
        FlagsPlan fp = plan.section("feature_flags", FlagsPlan.class).orElse(null);
        if (fp == null || fp.files().isEmpty()) {
            return List.of(Expected.latest(name(), FlagsEvidence.VALIDATE, subject, maxAge, "preflight flags validate"));
        }
        return fp.files().values().stream().map(f -> new Expected(name(), FlagsEvidence.VALIDATE, subject,
                f.environment() + " file " + f.path().getFileName(), maxAge,
                "preflight flags validate", ledger -> ledger.latest(FlagsEvidence.VALIDATE, subject)
                        .map(e -> file(e, f, fp)))).toList();
    }

    private static Expected.Found file(LedgerEntry e, FlagsPlan.EnvFile f, FlagsPlan fp) {
        if (!e.outcome().isGood()) {
            return Expected.Found.of(e);
        }
        if (!FlagsEvidence.registry(fp).equals(FlagsEvidence.registry(Expected.payload(e)))) {
            return new Expected.Found(e, Expected.Status.OUTDATED, "the plan's flag registry changed since (or the "
                    + "validation does not record it): run preflight flags validate");
        }
        String validated = Expected.payload(e).path("files").path(f.environment()).asText(null);
        if (validated == null || validated.equals("missing")) {
            return new Expected.Found(e, Expected.Status.FAILED, "it did not read the " + f.environment() + " file");
        }
        String now;
        try {
            now = Hashing.sha256Hex(f.path());
        } catch (IOException ex) {
            return new Expected.Found(e, Expected.Status.OUTDATED, f.path() + " cannot be read now ("
                    + Errors.describe(ex) + ")");
        }
        return now.equals(validated) ? Expected.Found.of(e) : new Expected.Found(e, Expected.Status.OUTDATED,
                f.path().getFileName() + " changed since (sha256 " + now.substring(0, 12) + "..., validated "
                        + validated.substring(0, Math.min(12, validated.length())) + "...)");
    }
}
