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
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What the ledger holds as evidence, gathered for the readiness page: recent entries of each kind for
 * the history and the ledger's head. Read only; nothing here is re-checked, it is shown as recorded
 * (the verdict comes from the sections). Report stands on core and the ledger alone
 * (docs/architecture.md), so it never reads a capability's payload: what the plan says about the
 * change ({@link PlanFacts}), each cutover's steps ({@link Cutover}) and the chart series
 * ({@link Point}s, each value read by its owner) are handed in by the caller, which may read the
 * capabilities; {@link #newest}, {@link #newestPerSubject} and {@link #series} find the entries and
 * attachments and leave reading them to the owner's reader they are given.
 */
public record EvidenceDigest(Map<String, List<LedgerEntry>> groups, String ledgerHead, String ledgerDescription,
                             long ledgerHeadSeq, PlanFacts plan, List<Cutover> cutovers,
                             Map<String, List<Point>> backupSizes, Map<String, List<Point>> restoreTimes) {

    /**
     * An entry and its attached JSON report as the owner's reader read it (null when the entry has no
     * JSON attachment or it cannot be opened or parsed).
     */
    public record Attached<T>(LedgerEntry entry, T report) {
    }

    /** One run in a chart: the entry it comes from, when, the value (bytes or milliseconds), and whether it passed. */
    public record Point(long seq, Instant time, long value, boolean good) {
    }

    /** The chart series of the page: backup sizes and restore times per source, each oldest first. */
    public record Series(Map<String, List<Point>> backupSizes, Map<String, List<Point>> restoreTimes) {
        /** No chart. */
        public static final Series NONE = new Series(Map.of(), Map.of());
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

    /** Without plan facts, cutovers or charts: the page then has no change window, ticket, notice lead, timeline or chart. */
    public static EvidenceDigest read(Ledger ledger) {
        return read(ledger, PlanFacts.NONE, List.of(), Series.NONE);
    }

    /** The history groups and the head of {@code ledger}, with what the caller read from the plan and the owners. */
    public static EvidenceDigest read(Ledger ledger, PlanFacts plan, List<Cutover> cutovers, Series series) {
        Map<String, List<LedgerEntry>> groups = new LinkedHashMap<>();
        for (Group g : GROUPS) {
            groups.put(g.kind(), ledger.query(new LedgerQuery(g.kind(), null, null, g.limit(), true)));
        }
        LedgerEntry head = ledger.head().orElse(null);
        return new EvidenceDigest(groups, head == null ? null : head.hash(), ledger.describe(),
                head == null ? 0 : head.seq(), plan, cutovers, series.backupSizes(), series.restoreTimes());
    }

    public EvidenceDigest {
        plan = plan == null ? PlanFacts.NONE : plan;
        cutovers = cutovers == null ? List.of() : List.copyOf(cutovers);
        backupSizes = backupSizes == null ? Map.of() : backupSizes;
        restoreTimes = restoreTimes == null ? Map.of() : restoreTimes;
    }

    /**
     * The newest entry of {@code kind} of each subject (of its newest 200), newest subject first, with
     * its attached JSON report read by {@code reader} (the owner's).
     */
    public static <T> Map<String, Attached<T>> newestPerSubject(Ledger ledger, String kind, Function<JsonNode, T> reader) {
        Map<String, Attached<T>> out = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(kind, null, null, 200, true))) {
            if (!out.containsKey(e.subject())) {
                out.put(e.subject(), attached(ledger, e, reader));
            }
        }
        return out;
    }

    /** The newest entry of {@code kind} with its attached JSON report read by {@code reader}; null when there is none. */
    public static <T> Attached<T> newest(Ledger ledger, String kind, Function<JsonNode, T> reader) {
        List<LedgerEntry> es = ledger.query(new LedgerQuery(kind, null, null, 1, true));
        return es.isEmpty() ? null : attached(ledger, es.get(0), reader);
    }

    private static <T> Attached<T> attached(Ledger ledger, LedgerEntry e, Function<JsonNode, T> reader) {
        JsonNode json = attachedJson(ledger, e);
        return new Attached<>(e, json == null ? null : reader.apply(json));
    }

    /**
     * The last {@value #CHART_RUNS} runs of {@code kind} of each subject (of its newest 400 entries)
     * with the value {@code value} (the owner's reader) finds in each, oldest first. A run without
     * one (a failed backup has no size) is left out of the chart; its entry is in the history.
     */
    public static Map<String, List<Point>> series(Ledger ledger, String kind, Function<LedgerEntry, OptionalLong> value) {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(kind, null, null, 400, true))) {
            List<Point> ps = out.computeIfAbsent(e.subject(), k -> new ArrayList<>());
            if (ps.size() >= CHART_RUNS) {
                continue;
            }
            OptionalLong v = value.apply(e);
            if (v.isPresent()) {
                ps.add(new Point(e.seq(), e.time(), v.getAsLong(), e.outcome().isGood()));
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
}
