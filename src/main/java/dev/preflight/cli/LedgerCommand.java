package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerAccess;
import dev.preflight.ledger.LedgerBundles;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerHead;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Verification;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.LedgerReport;
import dev.preflight.report.Renderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code preflight ledger log|verify|export}: read, check and bundle the evidence ledger. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Read, verify and export the evidence ledger.",
        footerHeading = "%nExamples:%n",
        footer = {"  preflight ledger log --since 24h",
            "  preflight ledger verify",
            "  preflight ledger export --out evidence.zip"})
public final class LedgerCommand implements Callable<Integer> {
    /**
     * The subcommands, in usage order: registered by {@link Cli} rather than in the annotation, so that
     * a run builds the (reflective, costly) model of the one it runs only.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            LedgerCommand.Log.class,
            LedgerCommand.Verify.class,
            LedgerCommand.Export.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return PreflightCommand.usageError(spec);
    }

    /** {@code ledger log}: entries, oldest first, filtered. */
    @Command(name = "log", mixinStandardHelpOptions = true, description = "List the ledger's entries, oldest first: sequence, time, actor, kind, subject and outcome.",
                                                            footerHeading = "%nExamples:%n",
                                                            footer = {"  preflight ledger log --since 24h",
                                                                "  preflight ledger log --kind backup --limit 20",
                                                                "  preflight ledger log --format json"})
    public static final class Log extends BaseCommand implements RendersWith<LedgerReport.Log> {
        @Override
        public Renderer<LedgerReport.Log> renderer() {
            return LedgerReport.LOG;
        }

        @Option(names = "--kind", description = "Only entries of this kind (audit, backup, run, ...).")
        String kind;

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Only entries at or after WHEN: an ISO instant (2026-01-05T01:30:00Z) or an age (24h, 7d).")
        String since;

        @Option(names = "--limit", description = "At most N entries (the newest N).", defaultValue = "0")
        int limit;

        @Override
        public Integer call() {
            Format format = format();
            Plan plan = loadPlan();
            Instant from = since == null ? null : parseSince(since, ctx().clock().instant());
            try (Ledger ledger = openLedger(plan, LedgerAccess.READ)) {
                List<LedgerEntry> entries = new ArrayList<>(
                        ledger.query(new LedgerQuery(kind, null, from, limit, limit > 0)));
                if (limit > 0) {
                    Collections.reverse(entries);
                }
                emit(renderer().render(new LedgerReport.Log(entries, ledger.describe(), ledger.currentHead().toString()),
                        format, style()));
            }
            return ExitCode.OK.code();
        }
    }

    /** {@code ledger verify}: recompute the chain (or a bundle's, offline) and compare it with the heads kept outside it. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute the hash chain and compare it with the head file kept beside the ledger (and with a head kept elsewhere, --expect-head).",
                "Names the first bad entry, or what is missing. With PREFLIGHT_LEDGER_KEY or PREFLIGHT_LEDGER_PUBLIC_KEY set, signed heads are checked too.",
                "Exit 0 intact, 1 anything was tampered with."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight ledger verify",
                "  preflight ledger verify --expect-head \"$(cat head-from-the-ticket.txt)\"",
                "  preflight ledger verify --bundle evidence.zip"})
    public static final class Verify extends BaseCommand implements RendersWith<LedgerReport.Checked> {
        @Override
        public Renderer<LedgerReport.Checked> renderer() {
            return LedgerReport.VERIFY;
        }

        @Option(names = "--bundle", paramLabel = "FILE.zip",
                description = "Verify an exported bundle offline instead of the live ledger.")
        Path bundle;

        @Option(names = "--expect-head", paramLabel = "SEQ:HASH",
                description = "A head kept elsewhere (a ticket, a CI artifact, a report): the ledger must still contain it.")
        String expectHead;

        @Override
        public Integer call() {
            Format format = format();
            LedgerHead expected = expectHead == null ? null : LedgerHead.parse(expectHead, "--expect-head");
            Verification v;
            String where;
            if (bundle != null) {
                Path zip = ctx().cwd().resolve(bundle.toString());
                if (!Files.isRegularFile(zip)) {
                    throw PreflightException.usage("bundle not found: " + zip, "give the path of a file from 'ledger export'");
                }
                v = LedgerBundles.check(zip, expected, headKey());
                where = zip.toString();
            } else {
                Plan plan = loadPlan();
                try (Ledger ledger = openLedger(plan, LedgerAccess.READ)) {
                    v = ledger.check(expected);
                    where = ledger.describe();
                }
            }
            emit(renderer().render(new LedgerReport.Checked(where, v), format, style()));
            return v.result().intact() ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
        }
    }

    /** {@code ledger export --out FILE.zip}: entries, manifest and artifacts in one verifiable bundle. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the entries, a manifest with every file's SHA-256 and the head, and every stored artifact to a zip.",
                "The head is signed with PREFLIGHT_LEDGER_KEY when it is set. An existing file is replaced only with --force; the plan and the ledger's own files never are."},
            footerHeading = "%nExamples:%n",
            footer = {"  preflight ledger export --out evidence.zip",
                "  preflight ledger export --out evidence.zip --force"})
    public static final class Export extends BaseCommand implements RendersWith<LedgerReport.Exported> {
        @Override
        public Renderer<LedgerReport.Exported> renderer() {
            return LedgerReport.EXPORT;
        }

        @Option(names = "--out", required = true, paramLabel = "FILE.zip", description = "Bundle to write.")
        Path out;

        @Option(names = "--force", description = "Replace FILE.zip if it exists.")
        boolean force;

        @Override
        public Integer call() {
            Format f = format();
            Plan plan = loadPlan();
            Path zip = ctx().cwd().resolve(out.toString()).toAbsolutePath().normalize();
            if (Files.isDirectory(zip)) {
                throw PreflightException.usage("--out " + zip + " is a directory", "give the path of the zip to write");
            }
            try (Ledger ledger = openLedger(plan, LedgerAccess.READ)) {
                refuseOwnFiles(zip, plan, ledger);
                if (Files.exists(zip, LinkOption.NOFOLLOW_LINKS) && !force) {
                    throw PreflightException.usage("--out " + zip + " already exists", "give --force to replace it");
                }
                var summary = LedgerBundles.export(ledger, zip);
                emit(renderer().render(new LedgerReport.Exported(zip.toString(), summary), f, style()));
            }
            return ExitCode.OK.code();
        }

        /** The plan, the ledger and the files beside it (journal, head file, lock) are never a bundle's target. */
        private void refuseOwnFiles(Path zip, Plan plan, Ledger ledger) {
            Path target = real(zip);
            List<Path> own = new ArrayList<>(List.of(real(planPath())));
            Path db = Path.of(ledger.describe()).isAbsolute() && !ledger.describe().startsWith("jdbc:")
                    ? real(Path.of(ledger.describe())) : null;
            boolean besideLedger = db != null && target.getParent() != null && target.getParent().equals(db.getParent())
                    && target.getFileName().toString().startsWith(db.getFileName().toString());
            boolean headFile = target.getParent() != null && target.getParent().getFileName() != null
                    && target.getParent().getFileName().toString().equals("ledger-heads");
            if (own.contains(target) || besideLedger || headFile) {
                throw PreflightException.usage("refusing to overwrite " + zip + ": it is the plan or part of the ledger",
                        "write the bundle somewhere else");
            }
        }

        /** The path with symbolic links of its existing part resolved, so a link cannot disguise a target. */
        private static Path real(Path p) {
            Path abs = p.toAbsolutePath().normalize();
            try {
                if (Files.exists(abs)) {
                    return abs.toRealPath();
                }
                Path parent = abs.getParent();
                return parent != null && Files.exists(parent) ? parent.toRealPath().resolve(abs.getFileName()) : abs;
            } catch (IOException e) {
                return abs;
            }
        }
    }

    static Instant parseSince(String s, Instant now) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ignored) {
            // not an instant: try an age below
        }
        Matcher m = Pattern.compile("(\\d+)\\s*([smhd])").matcher(s.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        throw PreflightException.usage("--since '" + s + "' is neither an ISO instant nor an age",
                "examples: --since 2026-01-05T01:30:00Z, --since 24h, --since 7d");
    }
}
