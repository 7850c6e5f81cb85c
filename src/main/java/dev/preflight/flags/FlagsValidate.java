package dev.preflight.flags;

import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Style;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code flags validate}: every environment's file, the application source and the review dates,
 * recorded in the ledger ({@link FlagsEvidence#VALIDATE}) with the JSON report attached.
 */
public final class FlagsValidate {
    private final FlagsContext ctx;
    private final FlagsPlan plan;

    public FlagsValidate(FlagsContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan();
    }

    /** Validates and records the result. */
    public FlagsValidation run(Path appDir) {
        FlagsValidation v = validate(appDir);
        record(v);
        return v;
    }

    /**
     * Validates every environment's file, the application source (under {@code appDir}, else the
     * plan's {@code app_dir}) and the review dates.
     */
    public FlagsValidation validate(Path appDir) {
        List<EnvSnapshot> snaps = new FlagFiles(ctx).readAll();
        List<FlagProblem> problems = new ArrayList<>();
        snaps.forEach(s -> problems.addAll(s.problems()));
        Path dir = appDir != null ? appDir : plan.appDir();
        String scanned = null;
        int sourceFiles = 0;
        Path sourceDir = null;
        List<String> sourceFlags = null;
        if (dir == null) {
            problems.add(FlagProblem.warning("source-not-scanned", ctx.planDisplay(), 0, 0,
                    "no application source to scan: set feature_flags.app_dir or give --app DIR"));
        } else if (!Files.isDirectory(dir)) {
            problems.add(FlagProblem.error("app-dir-missing", ctx.display(dir), 0, 0,
                    "the application directory does not exist; flag use in code cannot be checked"));
        } else {
            scanned = ctx.display(dir);
            SourceScanner.Scan scan;
            try {
                scan = SourceScanner.scan(dir);
            } catch (IOException e) {
                throw PreflightException.state("cannot scan " + ctx.display(dir) + ": " + Errors.describe(e),
                        "check the permissions of the application directory");
            }
            sourceFiles = scan.files();
            Set<String> used = scan.uses().stream().map(SourceScanner.Use::flag).collect(Collectors.toSet());
            sourceDir = dir.toAbsolutePath().normalize();
            sourceFlags = used.stream().sorted().toList();
            for (SourceScanner.Use u : scan.uses()) {
                if (plan.flag(u.flag()).isEmpty()) {
                    problems.add(FlagProblem.error("code-unregistered", ctx.display(u.file()), u.line(), u.column(),
                            "the code reads flag '" + u.flag() + "' (" + u.expression() + ") which is not registered"));
                }
            }
            for (FlagsPlan.Flag f : plan.flags()) {
                if (!used.contains(f.name())) {
                    problems.add(FlagProblem.warning("code-unused", ctx.planDisplay(), f.planLine(), 0, "registered flag '"
                            + f.name() + "' is not read anywhere under " + ctx.display(dir) + " (remove it when retired)"));
                }
            }
        }
        LocalDate today = LocalDate.now(ctx.clock().withZone(ZoneOffset.UTC));
        for (FlagsPlan.Flag f : plan.flags()) {
            if (f.reviewBy().isBefore(today)) {
                problems.add(FlagProblem.warning("stale", ctx.planDisplay(), f.planLine(), 0, "flag '" + f.name()
                        + "' was due for review on " + f.reviewBy() + " (owner " + f.owner()
                        + "): retire it or move review_by"));
            }
        }
        problems.sort(Comparator.comparing(FlagProblem::file).thenComparingInt(FlagProblem::line)
                .thenComparingInt(FlagProblem::column));
        return new FlagsValidation(ctx.project(), snaps, scanned, sourceFiles, plan.flags().size(), problems, sourceDir,
                sourceFlags);
    }

    /** Appends the validation to the ledger (kind {@code flags-validate}) with the JSON report attached. */
    public LedgerEntry record(FlagsValidation r) {
        Outcome o = Outcome.of(r.verdict());
        String json = FlagsReport.VALIDATION.json(r);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("errors", r.errors());
        payload.put("warnings", r.warnings());
        payload.put("flags", r.flags());
        payload.put("files", r.environments().stream().collect(Collectors.toMap(EnvSnapshot::environment,
                s -> s.sha256() == null ? "missing" : s.sha256(), (a, b) -> a, LinkedHashMap::new)));
        payload.put("source_files", r.sourceFiles());
        payload.put("registry", FlagsEvidence.registry(plan));
        if (r.sourceFlags() != null) {
            payload.put("source_dir", r.sourceDir().toString());
            payload.put("source_flags", r.sourceFlags());
        }
        return ctx.ledger().append(NewEntry.of(FlagsEvidence.VALIDATE, ctx.project(), o, r.summary(), payload)
                .withAttachments(List.of(new NewEntry.Attachment("flags-validate-" + UUID.randomUUID() + ".json",
                        "application/json", json.getBytes(StandardCharsets.UTF_8)))));
    }

}
