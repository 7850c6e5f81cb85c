package dev.preflight.flags;

import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        SourceNow source = new SourceNow(fp.appDir());
        return fp.files().values().stream().map(f -> Expected.judged(name(), FlagsEvidence.VALIDATE, subject,
                f.environment() + " file " + f.path().getFileName(), maxAge,
                "preflight flags validate", (ledger, e) -> unfinished(ledger, subject, f)
                        .map(d -> new Expected.Found(e, Expected.Status.FAILED, d))
                        .orElseGet(() -> file(e, f, fp, source)))).toList();
    }

    /**
     * The flags the plan's application source reads now, scanned once per judgement (null when the
     * plan names no source); an unreadable source is a problem string in place of the names.
     */
    private static final class SourceNow {
        private final Path dir;
        private Object read;

        SourceNow(Path dir) {
            this.dir = dir;
        }

        synchronized Object get() {
            if (read == null && dir != null) {
                try {
                    read = SourceScanner.scan(dir).uses().stream().map(SourceScanner.Use::flag).distinct().sorted()
                            .toList();
                } catch (IOException | RuntimeException e) {
                    read = "cannot be scanned now (" + Errors.describe(e) + ")";
                }
            }
            return read;
        }
    }

    /**
     * A toggle of this file that recorded its intent and no outcome: whatever a validation said, the
     * file's flags are not vouched for until the toggle is re-run or reverted (a kill between the
     * two steps, before or after the rewrite).
     */
    private static Optional<String> unfinished(
            Ledger ledger, String project, FlagsPlan.EnvFile f) {
        List<FlagsEvidence.Unfinished> open = FlagsEvidence.unfinished(ledger, project, f.environment());
        if (open.isEmpty()) {
            return Optional.empty();
        }
        String now;
        try {
            now = Hashing.sha256Hex(f.path());
        } catch (IOException ex) {
            now = null;
        }
        return Optional.of(open.get(0).describe(now) + (open.size() > 1 ? " (and " + (open.size() - 1) + " more)" : ""));
    }

    private static Expected.Found file(LedgerEntry e, FlagsPlan.EnvFile f, FlagsPlan fp, SourceNow source) {
        if (!e.outcome().isGood()) {
            return Expected.Found.of(e);
        }
        if (!FlagsEvidence.registry(fp).equals(FlagsEvidence.registry(Expected.payload(e)))) {
            return new Expected.Found(e, Expected.Status.OUTDATED, "the plan's flag registry changed since (or the "
                    + "validation does not record it): run preflight flags validate");
        }
        if (fp.appDir() != null) {
            Path dir = fp.appDir().toAbsolutePath().normalize();
            Map.Entry<String, List<String>> scanned = FlagsEvidence.source(Expected.payload(e));
            Object now = source.get();
            if (scanned == null || !scanned.getKey().equals(dir.toString()) || !scanned.getValue().equals(now)) {
                return new Expected.Found(e, Expected.Status.OUTDATED, "the application source under " + dir
                        + (now instanceof String problem ? " " + problem : " reads " + now + " now")
                        + (scanned == null ? "; the validation did not scan it"
                        : "; the validation scanned " + scanned.getKey() + ", which read " + scanned.getValue())
                        + ": run preflight flags validate");
            }
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
