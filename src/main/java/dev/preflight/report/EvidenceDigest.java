package dev.preflight.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger holds as evidence, gathered for the readiness page: the newest audit of each
 * environment (with its attached report), the newest dependency review of each subject and flag
 * validation (with theirs), the series of backup sizes and restore times, and recent entries of each
 * kind for the history. Read only; nothing here is re-checked, it is shown as recorded (the verdict
 * comes from the sections). What the plan says about the change ({@link PlanFacts}) and each
 * cutover's steps ({@link Cutover}) are handed in by the caller, which may read the capabilities
 * (report stands on core and the ledger alone, docs/architecture.md).
 */
public record EvidenceDigest(Map<String, Attached> audits, Map<String, List<LedgerEntry>> groups, String ledgerHead,
                             String ledgerDescription, long ledgerHeadSeq, PlanFacts plan, Map<String, Attached> deps,
                             Attached flags, List<Cutover> cutovers, Map<String, List<Point>> backupSizes,
                             Map<String, List<Point>> restoreTimes) {

    /** An entry and its attached JSON report (null when it has none or it is unreadable). */
    public record Attached(LedgerEntry entry, JsonNode report) {
    }

    /** One run in a chart: the entry it comes from, when, the value (bytes or milliseconds), and whether it passed. */
    public record Point(long seq, Instant time, long value, boolean good) {
    }

    /**
     * What the plan says about the change, for the top of the page: project owner and runbook, the
     * change window (null when the plan has none), the notice lead time (null when no notice gate)
     * and the names of the gates it configures.
     */
    public record PlanFacts(String owner, String runbook, Window window, Duration noticeLead,
                            List<String> gatesConfigured) {
        public static final PlanFacts NONE = new PlanFacts(null, null, null, null, List.of());

        public PlanFacts {
            gatesConfigured = gatesConfigured == null ? List.of() : List.copyOf(gatesConfigured);
        }
    }

    /** The change window: when it starts and ends, the environment it changes and its ticket (may be null). */
    public record Window(Instant start, Instant end, String environment, String ticket) {
    }

    /**
     * One environment's current cutover as the ledger derives it: its id, when it began, the state
     * reached, every step attempt in order, and the stable window's monitor rounds and breaches.
     */
    public record Cutover(String environment, String id, Instant begun, String state, List<Attempt> attempts,
                          int rounds, int breaches) {
        public Cutover {
            attempts = List.copyOf(attempts);
        }
    }

    /**
     * One attempt at a cutover step: {@code ended} null when it never completed; {@code elapsedMs}
     * is the measured time of the step; {@code outcome} as the cutover records it.
     */
    public record Attempt(String step, int number, Instant started, Instant ended, String outcome, long elapsedMs,
                          String summary) {
    }

    /** One history group: title, ledger kind, how many of its newest entries the page lists. */
    public record Group(String title, String kind, int limit) {
    }

    /** The history groups in the order the page shows them, titled as {@link EvidenceKind} titles them. */
    public static final List<Group> GROUPS = List.of(
            group(EvidenceKind.AUDIT, 10),
            group(EvidenceKind.BACKUP, 20),
            group(EvidenceKind.BACKUP_VERIFY, 10),
            group(EvidenceKind.RESTORE_TEST, 10),
            group(EvidenceKind.DEPS, 5),
            group(EvidenceKind.FLAGS_VALIDATE, 5),
            group(EvidenceKind.FLAG_TOGGLE, 20),
            group(EvidenceKind.CUTOVER_READINESS, 5),
            group(EvidenceKind.CUTOVER_STEP, 30),
            group(EvidenceKind.FAILBACK_DRILL, 5),
            group(EvidenceKind.GATES, 5),
            group(EvidenceKind.GATES_PUBLISH, 5),
            group(EvidenceKind.ONCALL_ACK, 10),
            group(EvidenceKind.NOTICE_SENT, 5),
            group(EvidenceKind.SIGN_OFF, 10));

    private static Group group(EvidenceKind kind, int limit) {
        return new Group(kind.title(), kind.id(), limit);
    }

    /** How many runs the charts show (per source). */
    static final int CHART_RUNS = 12;

    /** Without plan facts or cutovers: the page then has no change window, ticket, notice lead or timeline. */
    public static EvidenceDigest read(Ledger ledger) {
        return read(ledger, PlanFacts.NONE, List.of());
    }

    public static EvidenceDigest read(Ledger ledger, PlanFacts plan, List<Cutover> cutovers) {
        Map<String, Attached> audits = newestPerSubject(ledger, EvidenceKind.AUDIT.id());
        Map<String, Attached> deps = newestPerSubject(ledger, EvidenceKind.DEPS.id());
        List<LedgerEntry> fv = ledger.query(new LedgerQuery(EvidenceKind.FLAGS_VALIDATE.id(), null, null, 1, true));
        Attached flags = fv.isEmpty() ? null : new Attached(fv.get(0), attachedJson(ledger, fv.get(0)));
        Map<String, List<LedgerEntry>> groups = new LinkedHashMap<>();
        for (Group g : GROUPS) {
            groups.put(g.kind(), ledger.query(new LedgerQuery(g.kind(), null, null, g.limit(), true)));
        }
        Map<String, List<Point>> sizes = series(ledger, EvidenceKind.BACKUP.id(), "size");
        Map<String, List<Point>> restores = series(ledger, EvidenceKind.RESTORE_TEST.id(), "restore_ms");
        LedgerEntry head = ledger.head().orElse(null);
        return new EvidenceDigest(audits, groups, head == null ? null : head.hash(), ledger.describe(),
                head == null ? 0 : head.seq(), plan, deps, flags, cutovers, sizes, restores);
    }

    public EvidenceDigest {
        plan = plan == null ? PlanFacts.NONE : plan;
        cutovers = cutovers == null ? List.of() : List.copyOf(cutovers);
        deps = deps == null ? Map.of() : deps;
        backupSizes = backupSizes == null ? Map.of() : backupSizes;
        restoreTimes = restoreTimes == null ? Map.of() : restoreTimes;
    }

    private static Map<String, Attached> newestPerSubject(Ledger ledger, String kind) {
        Map<String, Attached> out = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(kind, null, null, 200, true))) {
            if (!out.containsKey(e.subject())) {
                out.put(e.subject(), new Attached(e, attachedJson(ledger, e)));
            }
        }
        return out;
    }

    /**
     * The last runs of each subject with a numeric payload field, oldest first. A run without the
     * field (a failed backup has no size) is left out of the chart; its entry is in the history.
     */
    private static Map<String, List<Point>> series(Ledger ledger, String kind, String field) {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(kind, null, null, 400, true))) {
            List<Point> ps = out.computeIfAbsent(e.subject(), k -> new ArrayList<>());
            if (ps.size() >= CHART_RUNS) {
                continue;
            }
            JsonNode v;
            try {
                v = Json.parse(e.payload()).path(field);
            } catch (RuntimeException ex) {
                continue;
            }
            if (v.isNumber()) {
                ps.add(new Point(e.seq(), e.time(), v.asLong(), e.outcome().isGood()));
            }
        }
        out.values().forEach(Collections::reverse);
        out.values().removeIf(List::isEmpty);
        return out;
    }

    private static JsonNode attachedJson(Ledger ledger, LedgerEntry e) {
        for (Artifact a : e.artifacts()) {
            if (a.location().startsWith("ledger:") && a.location().endsWith(".json")) {
                try {
                    var in = ledger.openAttachment(a.location().substring("ledger:".length()));
                    if (in.isPresent()) {
                        try (InputStream s = in.get()) {
                            return Json.parse(new String(s.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException | IllegalArgumentException ex) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The audit matrix of one report: header row, then one row per host. */
    public static List<List<String>> matrix(JsonNode report) {
        List<String> labels = new ArrayList<>();
        for (JsonNode h : report.path("hosts")) {
            for (JsonNode c : h.path("checks")) {
                String l = c.path("requirement").asText();
                if (!labels.contains(l)) {
                    labels.add(l);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("host"));
        head.addAll(labels);
        rows.add(head);
        for (JsonNode h : report.path("hosts")) {
            List<String> row = new ArrayList<>(List.of(h.path("environment").asText() + "/" + h.path("host").asText()));
            for (String l : labels) {
                String cell = h.path("unreachable").isTextual() ? "UNREACHABLE" : "-";
                for (JsonNode c : h.path("checks")) {
                    if (c.path("requirement").asText().equals(l)) {
                        cell = c.path("result").asText() + " " + c.path("found").asText();
                    }
                }
                row.add(cell.strip());
            }
            rows.add(row);
        }
        return rows;
    }
}
