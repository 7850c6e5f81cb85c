package dev.preflight.gates;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.backup.BackupEvidence;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.Freshness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence a CAB ticket must carry (runbook §4.3), read from the ledger and the plan: a passing
 * audit report of the window's environment, a backup log entry of every backup source the plan
 * configures (of the newest passing backup when it configures none), and the runbook link. Each
 * item has a stable file name per kind and subject; what it contains names the ledger entry it
 * comes from and the ledger head when it was published, and {@code gates publish} records its
 * SHA-256 with that entry, so the cab gate can tell which entry an attachment vouches for.
 * <p>
 * Also the ledger kinds the gates record ({@link #CHECK}, {@link #PUBLISH}, {@link #ACK},
 * {@link #NOTICE}) with their typed payloads, and the kinds of other capabilities they read: no
 * other gates class spells a kind or a payload field.
 */
public final class GatesEvidence {
    /** A {@code gates check}: every gate's result ({@link CheckPayload}). */
    public static final String CHECK = "gates";
    /** A {@code gates publish}: what was attached to the CAB ticket ({@link PublishPayload}). */
    public static final String PUBLISH = "gates-publish";
    /** An on-call acknowledgement of the window ({@link AckPayload}). */
    public static final String ACK = "oncall-ack";
    /** The stakeholder notices sent for a window ({@link NoticePayload}). */
    public static final String NOTICE = "notice-sent";
    /** The audit capability's kind: the audit report the CAB ticket carries (gates may not use audit's classes). */
    static final String AUDIT = "audit";
    /** Ledger kinds that count as backup evidence, newest of them wins. */
    public static final List<String> BACKUP_KINDS = List.of(BackupEvidence.KIND, BackupEvidence.VERIFY_KIND);

    private GatesEvidence() {
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
     */
    public record Required(String slot, String fileName, List<String> kinds, String subject, Duration maxAge,
                           String description, String recordedBy) {
        public Required {
            kinds = List.copyOf(kinds);
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
        out.add(new Required("audit-report", "preflight-audit-" + safe(env) + ".json", List.of(AUDIT), env,
                Freshness.of(plan, "audit"), "audit report of " + env, "preflight audit --env " + env));
        Duration backups = Freshness.of(plan, "backups");
        List<String> sources = plan.section("backups", BackupPlan.class)
                .map(b -> b.sources().stream().map(BackupPlan.Source::name).toList()).orElse(List.of());
        if (sources.isEmpty()) {
            out.add(new Required("backup-log", "preflight-backup-log.md", BACKUP_KINDS, null, backups,
                    "backup log entry", "preflight backup run"));
        }
        for (String s : sources) {
            out.add(new Required("backup-log", "preflight-backup-log-" + safe(s) + ".md", BACKUP_KINDS, s, backups,
                    "backup log entry of " + s, "preflight backup run --source " + s));
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
            Optional<LedgerEntry> newest = r.subject() == null ? latestBackup(ledger) : latest(ledger, r.kinds(), r.subject());
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
                byte[] raw = report.map(a -> EvidenceFiles.attachment(ledger, a.location().substring("ledger:".length()))).orElse(null);
                if (report.isEmpty()) {
                    missing.add("audit report: audit #" + e.seq() + " has no attached JSON report");
                } else if (raw == null) {
                    missing.add("audit report: the attachment " + report.get().location() + " of #" + e.seq()
                            + " cannot be read from the ledger");
                } else {
                    byte[] content = EvidenceFiles.auditReport(raw, e, head);
                    items.add(new Item(r.slot(), r.fileName(), "application/json", content, Hashing.sha256Hex(content),
                            r.description() + " (ledger #" + e.seq() + ", " + e.time() + ")", report.get().location(),
                            e.seq(), e.kind(), e.subject()));
                }
            } else {
                byte[] content = EvidenceFiles.backupLog(e, head).getBytes(StandardCharsets.UTF_8);
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

    /** The newest entry of any of {@code kinds} about {@code subject}, whatever its outcome. */
    static Optional<LedgerEntry> latest(Ledger ledger, List<String> kinds, String subject) {
        return kinds.stream().map(k -> ledger.latest(k, subject)).flatMap(Optional::stream)
                .max(Comparator.comparingLong(LedgerEntry::seq));
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

    /**
     * Whether a backup entry is about {@code source}: its subject, or the backup payload's
     * {@code source} or {@code type} (the backup capability's payload, which it does not yet type).
     */
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

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The newest audit of {@code environment}, whatever its outcome (what {@code audit.latest} sees). */
    static Optional<LedgerEntry> latestAudit(Ledger ledger, String environment) {
        return ledger.latest(AUDIT, environment);
    }

    /** The newest backup entry about {@code source}, whatever its outcome (what {@code backups.latest} sees). */
    static Optional<LedgerEntry> latestBackupAbout(Ledger ledger, String source) {
        List<LedgerEntry> all = new ArrayList<>();
        for (String k : BACKUP_KINDS) {
            all.addAll(ledger.query(new LedgerQuery(k, null, null, 0, true)));
        }
        return all.stream().filter(x -> matchesSource(x, source)).max(Comparator.comparingLong(LedgerEntry::seq));
    }

    // ---- the gates' own entries ----------------------------------------------------------------

    /** The window as the payloads record it: instants as text, the ticket null when there is none. */
    public record Window(String start, String end, String environment, String ticket) {
        static Window of(ChangeWindow w) {
            return new Window(w.start().toString(), w.end().toString(), w.environment(), w.ticket());
        }
    }

    /** The payload of a {@link #CHECK} entry: the window and each gate's result. */
    public record CheckPayload(Window window, List<GateResult> results) {
        public CheckPayload {
            results = List.copyOf(results);
        }
    }

    /** A recorded {@code gates check}: the ledger entry and its results. */
    public record Recorded(LedgerEntry entry, List<GateResult> results) {
        public Recorded {
            results = List.copyOf(results);
        }
    }

    /**
     * The newest recorded {@code gates check} (optionally for one ticket/subject), read back from
     * the ledger without contacting any service: for reports that must not re-run the checks.
     */
    public static Optional<Recorded> lastCheck(Ledger ledger, String subject) {
        return ledger.latest(CHECK, subject).map(e -> new Recorded(e, results(Json.parse(e.payload()))));
    }

    private static List<GateResult> results(JsonNode payload) {
        List<GateResult> rs = new ArrayList<>();
        for (JsonNode r : payload.path("results")) {
            List<String> details = new ArrayList<>();
            r.path("details").forEach(d -> details.add(d.asText()));
            rs.add(new GateResult(r.path("name").asText(), r.path("passed").asBoolean(), r.path("reason").asText(),
                    details));
        }
        return rs;
    }

    /** The newest {@code gates check} of the plan's window, judged gate by gate: one expectation per configured gate. */
    static List<Expected> expectations(String section, Plan plan, Duration maxAge) {
        String subject = GatesContext.subject(plan);
        GatesPlan g = plan.section("gates", GatesPlan.class).orElse(null);
        List<String> gates = new ArrayList<>();
        if (g != null) {
            if (g.cab() != null) {
                gates.add("cab");
            }
            if (g.oncall() != null) {
                gates.add("oncall");
            }
            if (g.notice() != null) {
                gates.add("notice");
            }
            g.custom().forEach(c -> gates.add(c.name()));
        }
        if (gates.isEmpty()) {
            return List.of(Expected.latest(section, CHECK, subject, maxAge, "preflight gates check"));
        }
        return gates.stream().map(n -> new Expected(section, CHECK, subject, "gate " + n, maxAge,
                "preflight gates check", ledger -> ledger.latest(CHECK, subject).map(e -> gate(e, n)))).toList();
    }

    private static Expected.Found gate(LedgerEntry e, String gate) {
        for (JsonNode r : Expected.payload(e).path("results")) {
            if (gate.equals(r.path("name").asText())) {
                return r.path("passed").asBoolean(false) ? new Expected.Found(e, Expected.Status.PASSED, null)
                        : new Expected.Found(e, Expected.Status.FAILED, "gate " + gate + " failed: "
                        + r.path("reason").asText());
            }
        }
        return new Expected.Found(e, Expected.Status.FAILED, e.outcome().isGood() ? "gate " + gate + " was not checked"
                : e.summary());
    }

    /**
     * The payload of a {@link #PUBLISH} entry: the ticket, the ledger head the evidence names, what
     * was missing, and what was attached, or why attaching failed.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PublishPayload(String ticket, Head ledgerHead, String provider, List<String> missing,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) List<Attached> attached,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
        /** The ledger head at publishing (0 and null on an empty ledger). */
        public record Head(long seq, String hash) {
        }

        /**
         * One attached file and, when it comes from the ledger, the entry it vouches for: what the cab
         * gate traces an attachment back to.
         */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Attached(String slot, String name, String reference, String sha256, String source, Long entrySeq,
                               String entryKind, String entrySubject) {
        }
    }

    /** What {@code gates publish} recorded about one attached file. */
    record Publication(long publishSeq, Instant at, String slot, String name, long entrySeq, String kind,
                       String subject) {
    }

    /** The {@link #PUBLISH} entries, newest first. */
    static List<LedgerEntry> publishes(Ledger ledger) {
        return ledger.query(new LedgerQuery(PUBLISH, null, null, 0, true));
    }

    /** SHA-256 to what the newest {@code gates publish} that attached it says it comes from. */
    static Map<String, Publication> publications(List<LedgerEntry> publishes) {
        Map<String, Publication> out = new LinkedHashMap<>();
        for (LedgerEntry e : publishes.stream().sorted(Comparator.comparingLong(LedgerEntry::seq)).toList()) {
            JsonNode p;
            try {
                p = Json.parse(e.payload());
            } catch (IllegalArgumentException ex) {
                continue; // a payload we cannot read vouches for nothing
            }
            for (JsonNode a : p.path("attached")) {
                if (a.path("entry_seq").asLong(0) > 0 && a.path("sha256").isTextual()) {
                    out.put(a.path("sha256").asText(), new Publication(e.seq(), e.time(), a.path("slot").asText(),
                            a.path("name").asText(), a.path("entry_seq").asLong(), a.path("entry_kind").asText(),
                            a.path("entry_subject").asText()));
                }
            }
        }
        return out;
    }

    /** The payload of an {@link #ACK} entry: who acknowledged which window in which role. */
    public record AckPayload(String role, String user, int level, Window window) {
        /** The payload of an acknowledgement entry, empty when it cannot be read (it then acknowledges nothing). */
        static Optional<AckPayload> of(LedgerEntry e) {
            try {
                JsonNode j = Json.parse(e.payload());
                JsonNode w = j.path("window");
                return Optional.of(new AckPayload(j.path("role").asText(), j.path("user").asText(), j.path("level").asInt(),
                        new Window(w.path("start").asText(), w.path("end").asText(), w.path("environment").asText(),
                                w.path("ticket").asText(null))));
            } catch (IllegalArgumentException ex) {
                return Optional.empty();
            }
        }
    }

    /** The {@link #ACK} entries, newest first. */
    static List<LedgerEntry> acks(Ledger ledger) {
        return ledger.query(new LedgerQuery(ACK, null, null, 0, true));
    }

    /** The payload of a {@link #NOTICE} entry: the window, to whom, whether the webhook, which templates. */
    public record NoticePayload(Window window, List<String> recipients, boolean webhook, List<Template> templates,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
        /** One template as sent: its file, the SHA-256 of the template, the rendered subject. */
        public record Template(String template, String sha256, String subject) {
        }

        NoticePayload failed(String why) {
            return new NoticePayload(window, recipients, webhook, templates, why);
        }
    }

    /** The {@link #NOTICE} entries that went out for window {@code w}, oldest first. */
    static List<LedgerEntry> noticesSent(Ledger ledger, ChangeWindow w) {
        return ledger.query(new LedgerQuery(NOTICE, null, null, 0, false)).stream()
                .filter(e -> e.outcome().isGood() && forWindow(e, w)).toList();
    }

    private static boolean forWindow(LedgerEntry e, ChangeWindow w) {
        try {
            JsonNode p = Json.parse(e.payload());
            return w.start().toString().equals(p.path("window").path("start").asText());
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }
}
