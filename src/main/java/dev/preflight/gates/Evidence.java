package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The current evidence a CAB ticket must carry (runbook §4.3), read from the ledger and the plan:
 * the latest audit report of the window's environment (it must have passed), the latest verified
 * backup's log entry, and the runbook link. Each item has a stable file name per slot, so a
 * ticket's attachment of that name is either the current one (same SHA-256) or stale.
 */
public final class Evidence {
    /** Ledger kinds that count as backup evidence, newest of them wins. */
    public static final List<String> BACKUP_KINDS = List.of("backup", "backup-verify");

    private Evidence() {
    }

    /**
     * One piece of evidence.
     *
     * @param slot     {@code audit-report}, {@code backup-log} or {@code runbook}
     * @param fileName the stable attachment name for this slot
     * @param link     where it comes from ({@code ledger:...}, ledger entry, or the runbook URL)
     * @param seq      the ledger entry it comes from (0 for the runbook link)
     */
    public record Item(String slot, String fileName, String mediaType, byte[] content, String sha256,
                       String description, String link, long seq) {
        public Item {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    /** The items found and, for each slot with nothing usable, why. */
    public record Current(List<Item> items, List<String> missing) {
        public Current {
            items = List.copyOf(items);
            missing = List.copyOf(missing);
        }

        public Optional<Item> slot(String slot) {
            return items.stream().filter(i -> i.slot().equals(slot)).findFirst();
        }
    }

    /** Collects the current evidence for the window's environment. */
    public static Current current(Plan plan, ChangeWindow window, Ledger ledger) {
        List<Item> items = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String env = window.environment();
        Optional<LedgerEntry> audit = ledger.latest("audit", env);
        if (audit.isEmpty()) {
            missing.add("audit report: the ledger has no audit of " + env + " (run 'preflight audit --env " + env + "')");
        } else if (!audit.get().outcome().isGood()) {
            missing.add("audit report: the latest audit of " + env + " (#" + audit.get().seq() + ", "
                    + audit.get().time() + ") " + audit.get().outcome().label() + "; a passing report is required");
        } else {
            LedgerEntry e = audit.get();
            Optional<Artifact> report = e.artifacts().stream()
                    .filter(a -> a.location().startsWith("ledger:") && a.location().endsWith(".json")).findFirst();
            if (report.isEmpty()) {
                missing.add("audit report: audit #" + e.seq() + " has no attached JSON report");
            } else {
                byte[] content = attachment(ledger, report.get().location().substring("ledger:".length()));
                if (content == null) {
                    missing.add("audit report: the attachment " + report.get().location() + " of #" + e.seq()
                            + " cannot be read from the ledger");
                } else {
                    items.add(new Item("audit-report", "preflight-audit-" + safe(env) + ".json", "application/json",
                            content, Hashing.sha256Hex(content), "audit report of " + env + " (ledger #" + e.seq() + ", "
                            + e.time() + ")", report.get().location(), e.seq()));
                }
            }
        }
        Optional<LedgerEntry> backup = latestBackup(ledger);
        if (backup.isEmpty()) {
            missing.add("backup log entry: the ledger has no passed backup or backup-verify entry (no backup evidence)");
        } else {
            LedgerEntry e = backup.get();
            byte[] content = backupLog(e).getBytes(StandardCharsets.UTF_8);
            items.add(new Item("backup-log", "preflight-backup-log.md", "text/markdown", content,
                    Hashing.sha256Hex(content), "backup log entry (ledger #" + e.seq() + ", " + e.kind() + " "
                    + e.subject() + ", " + e.time() + ")", "ledger entry #" + e.seq() + " " + e.hash(), e.seq()));
        }
        String runbook = plan.project().runbook();
        if (runbook == null || runbook.isBlank()) {
            missing.add("runbook link: the plan has no project.runbook");
        } else {
            byte[] content = ("[InternetShortcut]\nURL=" + runbook.strip() + "\n").getBytes(StandardCharsets.UTF_8);
            items.add(new Item("runbook", "preflight-runbook.url", "text/plain", content, Hashing.sha256Hex(content),
                    "runbook link " + runbook.strip(), runbook.strip(), 0));
        }
        return new Current(items, missing);
    }

    /** The newest passed entry among the backup kinds (a verification is newer evidence than the backup). */
    public static Optional<LedgerEntry> latestBackup(Ledger ledger) {
        return latestBackup(ledger, null);
    }

    /** As {@link #latestBackup(Ledger)}, for one source (subject, or payload {@code source}/{@code type}). */
    public static Optional<LedgerEntry> latestBackup(Ledger ledger, String source) {
        List<LedgerEntry> all = new ArrayList<>();
        for (String k : BACKUP_KINDS) {
            all.addAll(ledger.query(new LedgerQuery(k, null, null, 0, true)));
        }
        return all.stream().filter(e -> e.outcome().isGood())
                .filter(e -> source == null || matchesSource(e, source))
                .max(Comparator.comparingLong(LedgerEntry::seq));
    }

    static boolean matchesSource(LedgerEntry e, String source) {
        if (source.equals(e.subject())) {
            return true;
        }
        try {
            JsonNode p = Json.parse(e.payload());
            return source.equals(p.path("source").asText(null)) || source.equals(p.path("type").asText(null));
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    /** The backup's log entry as a reviewer reads it in the ticket; deterministic for one ledger entry. */
    static String backupLog(LedgerEntry e) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Backup evidence: Preflight ledger entry #").append(e.seq()).append("\n\n");
        sb.append("| field | value |\n| --- | --- |\n");
        sb.append("| kind | ").append(e.kind()).append(" |\n");
        sb.append("| subject | ").append(e.subject()).append(" |\n");
        sb.append("| outcome | ").append(e.outcome().label()).append(" |\n");
        sb.append("| time | ").append(e.time()).append(" |\n");
        sb.append("| actor | ").append(e.actor()).append(" |\n");
        sb.append("| summary | ").append(e.summary().replace("|", "\\|")).append(" |\n");
        sb.append("| entry hash | ").append(e.hash()).append(" |\n\n");
        if (!e.artifacts().isEmpty()) {
            sb.append("| location | size | SHA-256 |\n| --- | ---: | --- |\n");
            for (Artifact a : e.artifacts()) {
                sb.append("| ").append(a.location()).append(" | ").append(a.size()).append(" | ").append(a.sha256())
                        .append(" |\n");
            }
            sb.append('\n');
        }
        sb.append("```json\n").append(e.payload()).append("\n```\n");
        return sb.toString();
    }

    private static byte[] attachment(Ledger ledger, String name) {
        try {
            Optional<InputStream> in = ledger.openAttachment(name);
            if (in.isEmpty()) {
                return null;
            }
            try (InputStream s = in.get()) {
                return s.readAllBytes();
            }
        } catch (IOException e) {
            return null;
        }
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
