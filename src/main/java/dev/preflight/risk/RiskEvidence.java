package dev.preflight.risk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupEvidence;
import dev.preflight.core.Json;
import dev.preflight.cutover.CutoverEvidence;
import dev.preflight.cutover.Step;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.restore.RestoreEvidence;
import dev.preflight.run.ProjectScope;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The evidence names a plan's controls may use, how each is found in the ledger (the owning
 * capability's kind, plus the owner's test for evidence that is one particular kind of entry: a
 * failback drill is a cutover step entry of the failback step), and the kind and typed payload
 * of the register's own assessments.
 */
public final class RiskEvidence {
    /** An assessment of the register: what was known, when (passed when every risk was mitigated). */
    public static final String KIND = EvidenceKind.RISKS.id();

    private RiskEvidence() {
    }

    /**
     * How one evidence name is looked up: the owner's kind and, for evidence that is one particular
     * kind of entry of it, the owner's test of an entry for the assessed project (null: every entry
     * of the kind); and how such an entry passes for the project ({@code passes}, null: its outcome is
     * good, a warning included).
     */
    public record Source(String kind, BiPredicate<LedgerEntry, String> is, String recordedBy,
                         BiPredicate<LedgerEntry, String> passes) {
        Source(String kind, String recordedBy) {
            this(kind, null, recordedBy, null);
        }

        /** Whether the entry that speaks for a control of {@code project} shows it passed. */
        public boolean passed(LedgerEntry e, String project) {
            return passes == null ? e.outcome().isGood() : passes.test(e, project);
        }
    }

    /**
     * Every evidence name a risk register may use (plan vocabulary), with what records it. The kinds
     * are the owners' constants, or {@link EvidenceKind} where risk may not use the owner's classes
     * (audit, gates) or the owner is {@code preflight run} itself (the ledger check).
     */
    public static final Map<String, Source> NAMES = Map.ofEntries(
            // Another project's audit of an environment named alike (a shared ledger) is not this one's.
            Map.entry("audit", new Source(EvidenceKind.AUDIT.id(), ProjectScope::ownOrUnnamed, "preflight audit", null)),
            Map.entry("backup", new Source(BackupEvidence.KIND, "preflight backup run")),
            Map.entry("backup-verify", new Source(BackupEvidence.VERIFY_KIND, "preflight backup verify")),
            Map.entry("restore-test", new Source(RestoreEvidence.KIND, "preflight restore-test")),
            Map.entry("deps", new Source(EvidenceKind.DEPS.id(), "preflight deps")),
            Map.entry("flags-validate", new Source(EvidenceKind.FLAGS_VALIDATE.id(), "preflight flags validate")),
            // A failback step passed only within the bound: over it, it completed as a warning; a
            // started entry (warning: in progress) is a failback that never completed. Another
            // project's failback (a shared ledger, an environment named alike) is not evidence; one
            // that names no project (an older version's) speaks, but can only fail.
            Map.entry("failback-drill", new Source(CutoverEvidence.STEP,
                    (e, project) -> CutoverEvidence.isStep(e, Step.FAILBACK) && ofProjectOrUnnamed(e, project),
                    "preflight cutover failback",
                    (e, project) -> e.outcome() == Outcome.PASSED && project.equals(CutoverEvidence.project(e)))),
            Map.entry("gates", new Source(EvidenceKind.GATES.id(), "preflight gates check")),
            Map.entry("ledger-verify", new Source(EvidenceKind.LEDGER_VERIFY.id(), "preflight run")));

    /** The payload of an assessment: every risk as the register shows it. */
    public record Assessment(List<RiskReport.Row> risks) {
    }

    /** Appends an assessment about the project; passed only when every risk is mitigated. */
    public static LedgerEntry record(Ledger ledger, String project, RiskAssessment a) {
        return ledger.append(NewEntry.of(KIND, project, Outcome.of(a.verdict()), a.statuses(),
                new Assessment(RiskReport.rows(a))));
    }

    /**
     * The newest ledger entry that speaks for the control (whatever its outcome): the newest entry of
     * the kind and subject that its {@code where} does not exclude. An entry that cannot be shown not
     * to be about the control (it lacks a field, or the field is null) is not skipped for an older one:
     * see {@link #unrecorded}, which the assessment asks of the entry found.
     */
    public static Optional<LedgerEntry> latest(Ledger ledger, RiskPlan.Control c, String project) {
        return latest(ledger, c, project, null);
    }

    /**
     * As {@link #latest(Ledger, RiskPlan.Control, String)}; for backup, backup-verify and restore-test
     * evidence, of what the plan's source of that name backs up now ({@code origin}, null: anything):
     * on a ledger two projects share, each with a source of that name, the other's newer backup (its
     * verification, its restore test) is passed over for this one's. With none of this origin, the
     * newest of any is found, and its owner says what it was of instead.
     */
    public static Optional<LedgerEntry> latest(Ledger ledger, RiskPlan.Control c, String project, String origin) {
        Source s = NAMES.get(c.evidence());
        boolean byOrigin = origin != null && BACKED_UP.contains(s.kind());
        if (s.is() == null && c.where().isEmpty() && !byOrigin) {
            return ledger.latest(s.kind(), c.subject());
        }
        List<LedgerEntry> all = ledger.query(new LedgerQuery(s.kind(), c.subject(), null, 0, true));
        LedgerEntry anyOrigin = null;
        for (LedgerEntry e : all) {
            if ((s.is() == null || s.is().test(e, project)) && !excluded(e, c.where())) {
                if (!byOrigin || BackupEvidence.sameOrigin(originOf(ledger, e), origin)) {
                    return Optional.of(e);
                }
                anyOrigin = anyOrigin == null ? e : anyOrigin;
            }
        }
        return Optional.ofNullable(anyOrigin);
    }

    /** The kinds whose entries are about a backup, and so about what it backed up. */
    private static final Set<String> BACKED_UP = Set.of(BackupEvidence.KIND,
            BackupEvidence.VERIFY_KIND, RestoreEvidence.KIND);

    /** What the backup an entry is about backed up (its own payload, or the backup it names); null when unknown. */
    private static String originOf(Ledger ledger, LedgerEntry e) {
        JsonNode p = payload(e);
        if (p == null) {
            return null;
        }
        if (BackupEvidence.KIND.equals(e.kind())) {
            return p.path("origin").isTextual() ? p.path("origin").asText() : null;
        }
        return p.path("backup_id").isTextual() ? BackupEvidence.origin(ledger, p.path("backup_id").asText()) : null;
    }

    /** Whether a cutover entry is the project's, or names no project (and so cannot be shown to be another's). */
    private static boolean ofProjectOrUnnamed(LedgerEntry e, String project) {
        String owner = CutoverEvidence.project(e);
        return owner == null || owner.equals(project);
    }

    /**
     * Whether the payload shows the entry is not about a control's {@code where}: a field it names
     * holds another value. Plan vocabulary (the user names payload fields), so read generically, by
     * name. A field it lacks (or holds null) shows nothing, so the entry is not excluded: the newest
     * word is not skipped for an older one because it does not say what it was about.
     */
    private static boolean excluded(LedgerEntry e, Map<String, String> need) {
        if (need.isEmpty()) {
            return false;
        }
        JsonNode p = payload(e);
        for (var kv : need.entrySet()) {
            JsonNode v = p == null ? null : p.get(kv.getKey());
            if (v != null && !v.isNull() && !v.asText().equals(kv.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fields of a control's {@code where} an entry does not record (absent or null; every one when
     * its payload cannot be read): it cannot be shown to be about the control, nor not to be.
     */
    static List<String> unrecorded(LedgerEntry e, Map<String, String> need) {
        JsonNode p = need.isEmpty() ? null : payload(e);
        return need.keySet().stream().sorted().filter(k -> p == null || p.get(k) == null || p.get(k).isNull()).toList();
    }

    private static JsonNode payload(LedgerEntry e) {
        try {
            JsonNode p = Json.parse(e.payload());
            return p.isObject() ? p : null;
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
