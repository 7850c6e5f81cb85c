package dev.preflight.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.backup.BackupCatalog;
import dev.preflight.backup.BackupEvidence;
import dev.preflight.backup.BackupRecord;
import dev.preflight.core.Phases;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.exec.HttpCheck;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.report.Durations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What restore tests record in the ledger and read from it: the {@code restore-test} kind and its
 * payload, when each backup was last restore-tested, and the facts a backup entry recorded.
 */
public final class RestoreEvidence {
    /** One restore test of one backup, linked to the backup entry. */
    public static final String KIND = EvidenceKind.RESTORE_TEST.id();

    private RestoreEvidence() {
    }

    /**
     * The payload of a {@link #KIND} entry (stored canonically, keys sorted).
     *
     * @param backupSeq   null when no backup could be chosen
     * @param restoreMs   time to load the data, null when it did not get that far
     * @param checks      every check, its detail redacted
     * @param checksPlan  what the plan had the test check ({@link #checksPlan}); absent in entries recorded
     *                    before it was kept
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TestPayload(String source, String type, String backupId, Long backupSeq, String backupFile,
                              String backupSha256, String backupTime, String location, String restoredTo,
                              Long restoreMs, long artifactBytes, long dataBytes, boolean kept, String failure,
                              List<CheckPayload> checks, List<String> cleanup,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String checksPlan) {
    }

    /**
     * What the plan has a restore test of {@code source} check, as a SHA-256 hex: for the MySQL source
     * the staging server, the row-count tolerance, whether an empty dump passes, the SQL and HTTP
     * checks; for the Redis source whether an empty snapshot passes. A restore test records it and
     * readiness compares it with the plan as it is now.
     */
    static String checksPlan(RestorePlan plan, String source) {
        List<Object> parts = new ArrayList<>(List.of("restore-checks/1", source));
        if (source.equals(plan.source())) {
            Plan.Endpoint t = plan.target() == null ? null : plan.target().endpoint();
            parts.add(t == null ? "" : t.host() + ":" + t.port());
            parts.add(Double.toString(plan.rowCountTolerance()));
            parts.add(plan.allowEmpty());
            for (RestorePlan.SqlCheck c : plan.sqlChecks()) {
                parts.add(List.of(c.name(), c.sql(), c.expect().text()));
            }
            for (HttpCheck c : plan.httpChecks()) {
                parts.add(Arrays.asList(c.name(), c.url(), c.status(), String.valueOf(c.maxLatency()), c.contains()));
            }
        }
        if (plan.redis() != null && source.equals(plan.redis().source())) {
            parts.add(plan.redis().allowEmpty());
        }
        return Hashing.sha256Hex(Json.canonical(parts));
    }

    /** A {@link #KIND} entry's payload, or empty when it cannot be read as one. */
    static Optional<TestPayload> read(LedgerEntry e) {
        try {
            return Json.readLenient(Json.parse(e.payload()), TestPayload.class);
        } catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }

    /**
     * One check as recorded.
     *
     * @param outcome {@code passed}, {@code warning} or {@code failed}
     */
    public record CheckPayload(String kind, String name, String outcome, String detail) {
    }

    /**
     * How long a {@link #KIND} entry says loading the data took, in milliseconds (the readiness page's
     * chart); empty when the test did not get that far or the payload cannot be read.
     */
    public static OptionalLong restoreMs(LedgerEntry e) {
        try {
            return Json.readLenient(Json.parse(e.payload()), TestPayload.class).map(TestPayload::restoreMs)
                    .map(OptionalLong::of).orElse(OptionalLong.empty());
        } catch (IllegalArgumentException ex) {
            return OptionalLong.empty();
        }
    }

    /** The facts the backup entry recorded (database name, row estimates, Redis key counts); missing if none. */
    static JsonNode backupFacts(Ledger ledger, String backupId) {
        return BackupEvidence.facts(ledger, backupId);
    }

    /** Records one restore test; the result returned names its ledger entry. */
    static RestoreResult record(RestoreContext ctx, RestoreResult r, BackupRecord b) {
        TestPayload p = new TestPayload(r.source(), r.type(), r.backupId(), b == null ? null : b.seq(), r.file(),
                b == null ? null : b.sha256(), b == null ? null : b.time().toString(), r.location(), r.restoredTo(),
                r.restoreTime() == null ? null : r.restoreTime().toMillis(), r.bytes(), r.dataBytes(), r.kept(),
                r.failure(), r.checks().stream().map(c -> new CheckPayload(c.kind(), c.name(),
                c.passed() ? "passed" : c.warning() ? "warning" : "failed", ctx.secrets().redact(c.detail()))).toList(),
                r.cleanup(), checksPlan(ctx.plan(), r.source()));
        boolean ok = r.passed();
        // A warning is recorded as failed: the verdict must not count an empty restore as a pass.
        String summary = ok
                ? r.file() + " restored in " + Durations.seconds(r.restoreTime()) + ", " + r.checks().size()
                + " checks passed"
                : r.onlyWarnings() ? "WARNING: restore test of " + r.source() + " proves nothing: " + String.join("; ",
                r.failed().stream().map(Check::detail).toList())
                : "restore test of " + r.source() + " FAILED: " + (r.failure() != null ? r.failure()
                : String.join("; ", r.failed().stream().map(c -> c.kind() + " " + c.name()).toList()));
        LedgerEntry e = ctx.ledger().append(NewEntry.of(KIND, r.source(), ok ? Outcome.PASSED : Outcome.FAILED,
                ctx.secrets().redact(summary), p));
        Phases.mark("ledger-appended");
        ctx.step(r.source() + ": " + (ok ? "passed" : r.onlyWarnings() ? "WARNING (recorded as failed)" : "FAILED")
                + "; ledger entry " + e.id());
        return new RestoreResult(r.source(), r.type(), r.backupId(), r.backupSeq(), r.file(), r.location(),
                r.restoredTo(), r.restoreTime(), r.bytes(), r.dataBytes(), r.checks(), r.failure(), r.kept(),
                r.mysql(), r.cleanup(), e.id());
    }

    /**
     * The newest restore test of a backup of {@code source} newer than the one {@code tested} restored,
     * when that test failed: then a passing test of the older backup, run after it (an operator trying
     * an older backup with {@code --backup}), does not vouch for the backups the source has now. Empty
     * when every newer backup's newest test passed, or none was tested.
     */
    static Optional<LedgerEntry> newerFailed(Ledger ledger, String source, String origin, TestPayload tested) {
        if (tested.backupSeq() == null) {
            return Optional.empty();
        }
        Map<Long, LedgerEntry> newestPerBackup = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(KIND, source, null, 0, true))) {
            read(e).filter(t -> t.backupSeq() != null && t.backupSeq() > tested.backupSeq())
                    .filter(t -> BackupEvidence.sameOrigin(BackupEvidence.origin(ledger, t.backupId()), origin))
                    .ifPresent(t -> newestPerBackup.putIfAbsent(t.backupSeq(), e));
        }
        return newestPerBackup.values().stream().filter(e -> !e.outcome().isGood()).findFirst();
    }

    /**
     * The newest backup of {@code source} a failback would restore: the newest current backup (not
     * pruned, not in doubt) whose copies were verified (at write, or by its newest verification), of
     * what the plan's source backs up ({@code origin}; null: whatever). On a ledger two projects share,
     * each with a source of that name, the other's backup is not the one this one's failback restores.
     */
    static Optional<BackupRecord> newestVerified(Ledger ledger, String source, String origin) {
        return BackupCatalog.all(ledger).stream().filter(b -> b.source().equals(source) && b.lastVerifyOk()
                        && BackupEvidence.sameOrigin(b.origin(), origin))
                .max(Comparator.comparingLong(BackupRecord::seq));
    }

    /**
     * Why the passing test {@code tested} (payload {@code p}) does not validate the restore of
     * {@code source}, or null when it does: the backup a failback would restore is the newest verified
     * one ({@link #newestVerified}), so either {@code tested} restored that very backup, or that backup
     * has a passing test of its own with the plan's checks ({@code checks}). A test of an older backup
     * (restore-test --backup), or a test taken before a newer backup was, says nothing of the newest.
     */
    static String newestUntested(Ledger ledger, String source, String origin, LedgerEntry tested, TestPayload p,
                                 String checks) {
        BackupRecord newest = newestVerified(ledger, source, origin).orElse(null);
        if (newest == null) {
            return "it restored backup " + p.backupFile() + ", but no current backup of " + source
                    + " is verified: a failback has nothing verified to restore (run preflight backup run --source "
                    + source + ", then preflight restore-test --source " + source + ")";
        }
        // A test of a newer backup than the newest verified one re-hashed the copy it restored: it covers more.
        if (newest.id().equals(p.backupId()) || (p.backupSeq() != null && p.backupSeq() > newest.seq())) {
            return null;
        }
        for (LedgerEntry e : ledger.query(new LedgerQuery(KIND, source, null, 0, true))) {
            TestPayload t = read(e).orElse(null);
            if (t != null && newest.id().equals(t.backupId())) {
                if (e.outcome().isGood() && checks.equals(t.checksPlan())) {
                    return null;
                }
                break; // the newest test of the newest backup speaks for it
            }
        }
        return "it restored backup " + p.backupFile() + (p.backupSeq() == null ? "" : " (#" + p.backupSeq() + ")")
                + ", but the newest verified backup of " + source + ", #" + newest.seq() + " (" + newest.file()
                + ", taken " + newest.time() + "), which a failback would restore, has no passing restore test"
                + (newest.seq() > tested.seq() ? " (it was taken after this test)" : "")
                + ": run preflight restore-test --source " + source;
    }

    /** When each backup was last restore-tested, and how: backup id to the newest restore-test entry. */
    public static Map<String, LedgerEntry> lastTested(Ledger ledger) {
        Map<String, LedgerEntry> out = new HashMap<>();
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(KIND))) {
            String id = Json.parse(e.payload()).path("backup_id").asText(null);
            if (id != null) {
                out.put(id, e);
            }
        }
        return out;
    }
}
