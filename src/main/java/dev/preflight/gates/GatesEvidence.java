package dev.preflight.gates;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.backup.BackupEvidence;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Json;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.ProjectScope;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ledger kinds the gates record ({@link #CHECK}, {@link #PUBLISH}, {@link #ACK},
 * {@link #NOTICE}) with their typed payloads and the reads of them, and the kinds of other
 * capabilities the gates read as evidence (audit, backup): no other gates class spells a kind or a
 * payload field.
 */
public final class GatesEvidence {
    /** A {@code gates check}: every gate's result ({@link CheckPayload}). */
    public static final String CHECK = EvidenceKind.GATES.id();
    /** A {@code gates publish}: what was attached to the CAB ticket ({@link PublishPayload}). */
    public static final String PUBLISH = EvidenceKind.GATES_PUBLISH.id();
    /** An on-call acknowledgement of the window ({@link AckPayload}). */
    public static final String ACK = EvidenceKind.ONCALL_ACK.id();
    /** The stakeholder notices sent for a window ({@link NoticePayload}). */
    public static final String NOTICE = EvidenceKind.NOTICE_SENT.id();
    /** The audit capability's kind: the audit report the CAB ticket carries (gates may not use audit's classes). */
    static final String AUDIT = EvidenceKind.AUDIT.id();
    /** Ledger kinds that count as backup evidence, newest of them wins. */
    public static final List<String> BACKUP_KINDS = List.of(BackupEvidence.KIND, BackupEvidence.VERIFY_KIND);

    private GatesEvidence() {
    }

    /**
     * The newest entry of any of {@code kinds} about {@code subject} that may speak for the plan's
     * {@code project} ({@link #speaksFor}), whatever its outcome.
     */
    static Optional<LedgerEntry> latest(String project, Ledger ledger, List<String> kinds, String subject) {
        // Only audits can be another project's: other kinds read their newest row alone, as before.
        return kinds.stream().map(k -> !AUDIT.equals(k) ? ledger.latest(k, subject)
                        : ledger.query(new LedgerQuery(k, subject, null, 0, true)).stream()
                        .filter(e -> speaksFor(project, e)).findFirst()).flatMap(Optional::stream)
                .max(Comparator.comparingLong(LedgerEntry::seq));
    }

    /**
     * Whether an entry may speak for the plan: an audit that another project recorded (a shared
     * ledger, an environment named alike) checked that project's hosts and requirements, not these.
     */
    static boolean speaksFor(String project, LedgerEntry e) {
        return !AUDIT.equals(e.kind()) || ProjectScope.ownOrUnnamed(e, project);
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

    /** Whether a backup entry is about {@code source}, as the backup capability reads its own payload. */
    static boolean matchesSource(LedgerEntry e, String source) {
        return BackupEvidence.about(e, source);
    }

    /**
     * The newest audit of {@code environment} the plan's project recorded (or one that names no
     * project), whatever its outcome: what {@code audit.latest} sees.
     */
    static Optional<LedgerEntry> latestAudit(Plan plan, Ledger ledger, String environment) {
        return latest(plan.project().name(), ledger, List.of(AUDIT), environment);
    }

    /**
     * The newest backup entry about {@code source}, whatever its outcome (what {@code backups.latest}
     * sees). When the plan names backup sources, only entries about them count: on a ledger several
     * projects share, another project's backup of the same type is not this plan's.
     */
    static Optional<LedgerEntry> latestBackupAbout(Plan plan, Ledger ledger, String source) {
        Set<String> ours = plan.section("backups", BackupPlan.class)
                .map(b -> b.sources().stream().map(BackupPlan.Source::name).collect(Collectors.toSet())).orElse(null);
        List<LedgerEntry> all = new ArrayList<>();
        for (String k : BACKUP_KINDS) {
            all.addAll(ledger.query(new LedgerQuery(k, null, null, 0, true)));
        }
        return all.stream().filter(x -> ours == null || ours.contains(x.subject()))
                .filter(x -> matchesSource(x, source)).max(Comparator.comparingLong(LedgerEntry::seq));
    }

    // ---- the gates' own entries ----------------------------------------------------------------

    /** The window as the payloads record it: instants as text, the ticket null when there is none. */
    public record Window(String start, String end, String environment, String ticket) {
        static Window of(ChangeWindow w) {
            return new Window(w.start().toString(), w.end().toString(), w.environment(), w.ticket());
        }

        /** A window read from a payload, fields missing or not text read as null. */
        static Window read(JsonNode w) {
            return new Window(text(w.path("start")), text(w.path("end")), text(w.path("environment")),
                    text(w.path("ticket")));
        }

        private static String text(JsonNode n) {
            return n.isTextual() ? n.asText() : null;
        }

        /**
         * Whether this recorded window is {@code w} as the plan has it now: the same start, end,
         * environment and ticket. A notice or acknowledgement of 01:00-03:00 tells nobody about a
         * window that now runs until 09:00, nor about another environment's change.
         */
        boolean is(ChangeWindow w) {
            return equals(of(w));
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

    /**
     * Each gate's result as a {@link #CHECK} entry recorded it, in the recorded order; empty when the
     * payload cannot be read (a report shows such a check as having no result, never fails on it).
     */
    public static List<GateResult> checkResults(LedgerEntry e) {
        try {
            return results(Json.parse(e.payload()));
        } catch (RuntimeException ex) {
            return List.of();
        }
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
        return gates.stream().map(n -> Expected.judged(section, CHECK, subject, "gate " + n, maxAge,
                "preflight gates check", (ledger, e) -> gate(e, n))).toList();
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
        public static Optional<AckPayload> of(LedgerEntry e) {
            try {
                JsonNode j = Json.parse(e.payload());
                return Optional.of(new AckPayload(j.path("role").asText(), j.path("user").asText(), j.path("level").asInt(),
                        Window.read(j.path("window"))));
            } catch (IllegalArgumentException ex) {
                return Optional.empty();
            }
        }
    }

    /**
     * The {@link #ACK} entries about {@code subject} (the window's ticket, else the project), newest
     * first: on a ledger several projects share, another change's acknowledgement of the same night
     * is not one of this change.
     */
    static List<LedgerEntry> acks(Ledger ledger, String subject) {
        return ledger.query(new LedgerQuery(ACK, subject, null, 0, true));
    }

    /**
     * The payload of a {@link #NOTICE} entry: the window, to whom, whether the webhook, which templates.
     *
     * @param webhookDate the latest {@code Date} header the webhook's server answered with (its clock,
     *                    not this machine's); absent without a webhook, when the server sent none, and in
     *                    entries recorded before it was kept
     */
    public record NoticePayload(Window window, List<String> recipients, boolean webhook, List<Template> templates,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String error,
                                @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("webhook_date") Instant webhookDate) {
        /** One template as sent: its file, the SHA-256 of the template, the rendered subject. */
        public record Template(String template, String sha256, String subject) {
        }

        NoticePayload failed(String why) {
            return new NoticePayload(window, recipients, webhook, templates, why, webhookDate);
        }

        NoticePayload answeredAt(Instant serverDate) {
            return new NoticePayload(window, recipients, webhook, templates, error, serverDate);
        }

        /** What a notice entry says it was about and whom it reached; empty when it cannot be read (it then told nobody). */
        static Optional<NoticePayload> of(LedgerEntry e) {
            try {
                JsonNode j = Json.parse(e.payload());
                List<String> to = new ArrayList<>();
                j.path("recipients").forEach(r -> to.add(r.asText()));
                Instant date = null;
                if (j.path("webhook_date").isTextual()) {
                    try {
                        date = Instant.parse(j.path("webhook_date").asText());
                    } catch (DateTimeParseException ex) {
                        // A date that cannot be read vouches for nothing: the entry's own time stands.
                        date = null;
                    }
                }
                return Optional.of(new NoticePayload(Window.read(j.path("window")), to, j.path("webhook").asBoolean(false),
                        List.of(), null, date));
            } catch (IllegalArgumentException ex) {
                return Optional.empty();
            }
        }
    }

    /**
     * The {@link #NOTICE} entries that went out for window {@code w} as the plan has it now (its
     * start, end, environment and ticket), about {@code subject}, oldest first.
     */
    static List<LedgerEntry> noticesSent(Ledger ledger, ChangeWindow w, String subject) {
        return ledger.query(new LedgerQuery(NOTICE, subject, null, 0, false)).stream()
                .filter(e -> e.outcome().isGood() && NoticePayload.of(e).filter(p -> p.window().is(w)).isPresent())
                .toList();
    }
}
