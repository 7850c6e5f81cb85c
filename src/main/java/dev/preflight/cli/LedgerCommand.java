package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerBundles;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code preflight ledger log|verify|export}: read, check and bundle the evidence ledger. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Read, verify and export the evidence ledger.",
        subcommands = {LedgerCommand.Log.class, LedgerCommand.Verify.class, LedgerCommand.Export.class})
public final class LedgerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ledger log}: entries, oldest first, filtered. */
    @Command(name = "log", mixinStandardHelpOptions = true, description = "List ledger entries.")
    public static final class Log extends BaseCommand {
        @Option(names = "--kind", description = "Only entries of this kind (audit, backup, run, ...).")
        String kind;

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Only entries at or after WHEN: an ISO instant (2026-01-05T01:30:00Z) or an age (24h, 7d).")
        String since;

        @Option(names = "--limit", description = "At most N entries (the newest N).", defaultValue = "0")
        int limit;

        @Override
        public Integer call() {
            Format format = format(Format.TEXT, Format.JSON);
            Plan plan = loadPlan();
            Instant from = since == null ? null : parseSince(since, ctx().clock().instant());
            try (Ledger ledger = openLedger(plan)) {
                List<LedgerEntry> entries = new ArrayList<>(
                        ledger.query(new LedgerQuery(kind, null, from, limit, limit > 0)));
                if (limit > 0) {
                    java.util.Collections.reverse(entries);
                }
                if (format == Format.JSON) {
                    emit(Json.pretty(entries));
                } else {
                    StringBuilder sb = new StringBuilder();
                    for (LedgerEntry e : entries) {
                        sb.append(String.format("#%-5d %s  %-8s %-13s %-24s %s%n", e.seq(), e.time(),
                                e.outcome().label(), e.kind(), e.subject(), e.summary()));
                    }
                    sb.append(entries.size()).append(" entr").append(entries.size() == 1 ? "y" : "ies")
                            .append(" in ").append(ledger.describe()).append('\n');
                    emit(sb.toString());
                }
            }
            return ExitCode.OK.code();
        }
    }

    /** {@code ledger verify}: recompute the chain (or a bundle's, offline). */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute the hash chain; names the first bad entry and exits 1 if it was tampered with.")
    public static final class Verify extends BaseCommand {
        @Option(names = "--bundle", paramLabel = "FILE.zip",
                description = "Verify an exported bundle offline instead of the live ledger.")
        Path bundle;

        @Override
        public Integer call() {
            Format format = format(Format.TEXT, Format.JSON);
            VerifyResult result;
            String where;
            if (bundle != null) {
                Path zip = ctx().cwd().resolve(bundle.toString());
                if (!Files.isRegularFile(zip)) {
                    throw PreflightException.usage("bundle not found: " + zip, "give the path of a file from 'ledger export'");
                }
                result = LedgerBundles.verify(zip);
                where = zip.toString();
            } else {
                Plan plan = loadPlan();
                try (Ledger ledger = openLedger(plan)) {
                    result = ledger.verify();
                    where = ledger.describe();
                }
            }
            if (format == Format.JSON) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("ledger", where);
                doc.put("intact", result.intact());
                doc.put("entries", result.entries());
                if (result instanceof VerifyResult.Intact i) {
                    doc.put("head", i.headHash());
                } else if (result instanceof VerifyResult.Broken b) {
                    doc.put("first_bad_seq", b.firstBadSeq());
                    doc.put("reason", b.reason());
                }
                emit(Json.pretty(doc));
            } else if (result instanceof VerifyResult.Intact i) {
                emit(style().ok("INTACT") + ": " + i.entries() + " entries, head " + i.headHash() + " (" + where + ")\n");
            } else if (result instanceof VerifyResult.Broken b) {
                emit(style().bad("BROKEN") + ": chain breaks at entry #" + b.firstBadSeq() + ": " + b.reason()
                        + " (" + b.entries() + " entries read from " + where + ")\n");
            }
            return result.intact() ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
        }
    }

    /** {@code ledger export --out FILE.zip}: entries, manifest and artifacts in one verifiable bundle. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the entries, a manifest with every file's SHA-256, and the stored artifacts to a zip.")
    public static final class Export extends BaseCommand {
        @Option(names = "--out", required = true, paramLabel = "FILE.zip", description = "Bundle to write.")
        Path out;

        @Override
        public Integer call() {
            format(Format.TEXT);
            Plan plan = loadPlan();
            Path zip = ctx().cwd().resolve(out.toString());
            try (Ledger ledger = openLedger(plan)) {
                var summary = LedgerBundles.export(ledger, zip);
                emit("exported " + summary + " to " + zip + "\n");
            }
            return ExitCode.OK.code();
        }
    }

    static Instant parseSince(String s, Instant now) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ignored) {
            // not an instant: try an age below
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([smhd])").matcher(s.strip());
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
