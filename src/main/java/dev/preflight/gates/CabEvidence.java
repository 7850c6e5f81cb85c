package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Freshness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The evidence a CAB ticket must carry (runbook §4.3), read from the ledger and the plan: a passing
 * audit report of the window's environment, a backup log entry of every backup source the plan
 * configures (of the newest passing backup when it configures none), and the runbook link. Each
 * item has a stable file name per kind and subject; what it contains names the ledger entry it
 * comes from and the ledger head when it was published, and {@code gates publish} records its
 * SHA-256 with that entry, so the cab gate can tell which entry an attachment vouches for. The
 * kinds it reads are {@link GatesEvidence}'s.
 */
public final class CabEvidence {
    private CabEvidence() {
    }

    /**
     * One kind of evidence the ticket must carry.
     *
     * @param slot        {@code audit-report} or {@code backup-log}
     * @param fileName    the attachment's name
     * @param kinds       ledger kinds whose entries are this evidence
     * @param subject     the subject the entry must be about, or null for any (the plan configures no backups)
     * @param maxAge      how old the entry may be at the window's start ({@link Freshness})
     * @param description how a reviewer reads it
     * @param recordedBy  the command that records a new one
     * @param project     the plan's project: an entry another project recorded never speaks for it
     *                    ({@link GatesEvidence#speaksFor})
     */
    public record Required(String slot, String fileName, List<String> kinds, String subject, Duration maxAge,
                           String description, String recordedBy, String project) {
        public Required {
            kinds = List.copyOf(kinds);
        }

        /** Whether {@code e} may speak for this evidence: of its kinds and subject, and not another project's. */
        public boolean speaks(LedgerEntry e) {
            return kinds.contains(e.kind()) && (subject == null || subject.equals(e.subject()))
                    && GatesEvidence.speaksFor(project, e);
        }
    }

    /**
     * One piece of evidence as attached.
     *
     * @param slot     {@code audit-report}, {@code backup-log} or {@code runbook}
     * @param fileName the stable attachment name for this slot and subject
     * @param link     where it comes from ({@code ledger:...}, ledger entry, or the runbook URL)
     * @param seq      the ledger entry it comes from (0 for the runbook link)
     * @param kind     that entry's kind (null for the runbook link)
     * @param subject  that entry's subject (null for the runbook link)
     */
    public record Item(String slot, String fileName, String mediaType, byte[] content, String sha256,
                       String description, String link, long seq, String kind, String subject) {
        public Item {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    /** The items found and, for each required kind with nothing usable, why. */
    public record Current(List<Item> items, List<String> missing) {
        public Current {
            items = List.copyOf(items);
            missing = List.copyOf(missing);
        }

        public Optional<Item> slot(String slot) {
            return items.stream().filter(i -> i.slot().equals(slot)).findFirst();
        }
    }

    /** What the ticket must carry besides the runbook link, in the order it is published. */
    public static List<Required> required(Plan plan, ChangeWindow window) {
        List<Required> out = new ArrayList<>();
        String env = window.environment();
        String project = plan.project().name();
        out.add(new Required("audit-report", "preflight-audit-" + safe(env) + ".json", List.of(GatesEvidence.AUDIT),
                env,
                Freshness.of(plan, "audit"), "audit report of " + env, "preflight audit --env " + env, project));
        Duration backups = Freshness.of(plan, "backups");
        List<String> sources = plan.section("backups", BackupPlan.class)
                .map(b -> b.sources().stream().map(BackupPlan.Source::name).toList()).orElse(List.of());
        if (sources.isEmpty()) {
            out.add(new Required("backup-log", "preflight-backup-log.md", GatesEvidence.BACKUP_KINDS, null, backups,
                    "backup log entry", "preflight backup run", project));
        }
        for (String s : sources) {
            out.add(new Required("backup-log", "preflight-backup-log-" + safe(s) + ".md", GatesEvidence.BACKUP_KINDS, s,
                    backups,
                    "backup log entry of " + s, "preflight backup run --source " + s, project));
        }
        return out;
    }

    /** The runbook link the ticket must carry, or empty when the plan has no {@code project.runbook}. */
    public static Optional<Item> runbook(Plan plan) {
        String runbook = plan.project().runbook();
        if (runbook == null || runbook.isBlank()) {
            return Optional.empty();
        }
        byte[] content = ("[InternetShortcut]\nURL=" + runbook.strip() + "\n").getBytes(StandardCharsets.UTF_8);
        return Optional.of(new Item("runbook", "preflight-runbook.url", "text/plain", content, Hashing.sha256Hex(content),
                "runbook link " + runbook.strip(), runbook.strip(), 0, null, null));
    }

    /**
     * The evidence to publish now: for each required kind the newest entry, which must have passed
     * (a newer failure is never papered over by attaching an older pass), rendered with the ledger
     * head at this moment.
     */
    public static Current current(Plan plan, ChangeWindow window, Ledger ledger) {
        List<Item> items = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        LedgerEntry head = ledger.head().orElse(null);
        for (Required r : required(plan, window)) {
            Optional<LedgerEntry> newest = r.subject() == null ? GatesEvidence.latestBackup(ledger)
                    : GatesEvidence.latest(r.project(), ledger, r.kinds(), r.subject());
            if (newest.isEmpty()) {
                missing.add(r.slot().equals("audit-report")
                        ? "audit report: the ledger has no audit of " + r.subject() + " (run '" + r.recordedBy() + "')"
                        : r.subject() == null
                        ? "backup log entry: the ledger has no passed backup or backup-verify entry (no backup evidence)"
                        : r.description() + ": the ledger has no backup of " + r.subject() + " (run '" + r.recordedBy() + "')");
                continue;
            }
            LedgerEntry e = newest.get();
            if (!e.outcome().isGood()) {
                missing.add((r.slot().equals("audit-report") ? "audit report" : r.description()) + ": the latest "
                        + e.kind() + " of " + e.subject() + " (#" + e.seq() + ", " + e.time() + ") "
                        + e.outcome().label() + "; a passing " + (r.slot().equals("audit-report") ? "report" : "one")
                        + " is required");
                continue;
            }
            if (r.slot().equals("audit-report")) {
                Optional<Artifact> report = e.artifacts().stream()
                        .filter(a -> a.location().startsWith("ledger:") && a.location().endsWith(".json")).findFirst();
                byte[] raw = report.map(a -> attachment(ledger, a.location().substring("ledger:".length()))).orElse(null);
                if (report.isEmpty()) {
                    missing.add("audit report: audit #" + e.seq() + " has no attached JSON report");
                } else if (raw == null) {
                    missing.add("audit report: the attachment " + report.get().location() + " of #" + e.seq()
                            + " cannot be read from the ledger");
                } else {
                    byte[] content = auditReport(raw, e, head);
                    items.add(new Item(r.slot(), r.fileName(), "application/json", content, Hashing.sha256Hex(content),
                            r.description() + " (ledger #" + e.seq() + ", " + e.time() + ")", report.get().location(),
                            e.seq(), e.kind(), e.subject()));
                }
            } else {
                byte[] content = backupLog(e, head).getBytes(StandardCharsets.UTF_8);
                items.add(new Item(r.slot(), r.fileName(), "text/markdown", content, Hashing.sha256Hex(content),
                        "backup log entry (ledger #" + e.seq() + ", " + e.kind() + " " + e.subject() + ", " + e.time() + ")",
                        "ledger entry #" + e.seq() + " " + e.hash(), e.seq(), e.kind(), e.subject()));
            }
        }
        Optional<Item> runbook = runbook(plan);
        if (runbook.isEmpty()) {
            missing.add("runbook link: the plan has no project.runbook");
        } else {
            items.add(runbook.get());
        }
        return new Current(items, missing);
    }


    /**
     * The audit report as recorded, with {@code preflight_ledger} added: the entry it comes from and
     * the ledger head when it was published (a report that is not a JSON object is wrapped).
     */
    static byte[] auditReport(byte[] raw, LedgerEntry e, LedgerEntry head) {
        ObjectNode doc;
        try {
            JsonNode n = Json.mapper().readTree(raw);
            doc = n instanceof ObjectNode o ? o : wrap(n);
        } catch (IOException ex) {
            doc = wrap(Json.mapper().getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8)));
        }
        ObjectNode l = doc.putObject("preflight_ledger");
        l.put("entry_seq", e.seq()).put("entry_hash", e.hash());
        l.put("head_seq", head == null ? e.seq() : head.seq()).put("head_hash", head == null ? e.hash() : head.hash());
        return (Json.pretty(doc) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode wrap(JsonNode n) {
        ObjectNode o = Json.object();
        o.set("report", n);
        return o;
    }

    /** The backup's log entry as a reviewer reads it in the ticket, with the ledger head when it was published. */
    static String backupLog(LedgerEntry e, LedgerEntry head) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Backup evidence: Preflight ledger entry #").append(e.seq()).append("\n\n");
        sb.append("| field | value |\n| --- | --- |\n");
        sb.append("| kind | ").append(e.kind()).append(" |\n");
        sb.append("| subject | ").append(e.subject()).append(" |\n");
        sb.append("| outcome | ").append(e.outcome().label()).append(" |\n");
        sb.append("| time | ").append(e.time()).append(" |\n");
        sb.append("| actor | ").append(e.actor()).append(" |\n");
        sb.append("| summary | ").append(e.summary().replace("|", "\\|")).append(" |\n");
        sb.append("| entry hash | ").append(e.hash()).append(" |\n");
        if (head != null) {
            sb.append("| ledger head when published | #").append(head.seq()).append(' ').append(head.hash()).append(" |\n");
        }
        sb.append('\n');
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

    static byte[] attachment(Ledger ledger, String name) {
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
