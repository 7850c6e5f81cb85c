package dev.preflight.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.BackupService;
import dev.preflight.backup.Phases;
import dev.preflight.core.Json;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What restore tests record in the ledger and read from it: the {@code restore-test} kind and its
 * payload, when each backup was last restore-tested, and the facts a backup entry recorded.
 */
public final class RestoreEvidence {
    /** One restore test of one backup, linked to the backup entry. */
    public static final String KIND = "restore-test";

    private RestoreEvidence() {
    }

    /** The facts the backup entry recorded (database name, row estimates, Redis key counts); empty if none. */
    static JsonNode backupFacts(Ledger ledger, String backupId) {
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(BackupService.KIND))) {
            if (e.id().equals(backupId)) {
                return Json.parse(e.payload()).path("facts");
            }
        }
        return Json.parse("{}");
    }

    /** Records one restore test; the result returned names its ledger entry. */
    static RestoreResult record(RestoreContext ctx, RestoreResult r, BackupRecord b) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", r.source());
        p.put("type", r.type());
        p.put("backup_id", r.backupId());
        p.put("backup_seq", b == null ? null : b.seq());
        p.put("backup_file", r.file());
        p.put("backup_sha256", b == null ? null : b.sha256());
        p.put("backup_time", b == null ? null : b.time().toString());
        p.put("location", r.location());
        p.put("restored_to", r.restoredTo());
        p.put("restore_ms", r.restoreTime() == null ? null : r.restoreTime().toMillis());
        p.put("artifact_bytes", r.bytes());
        p.put("data_bytes", r.dataBytes());
        p.put("kept", r.kept());
        p.put("failure", r.failure());
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Check c : r.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", c.kind());
            m.put("name", c.name());
            m.put("outcome", c.passed() ? "passed" : c.warning() ? "warning" : "failed");
            m.put("detail", ctx.secrets().redact(c.detail()));
            cs.add(m);
        }
        p.put("checks", cs);
        p.put("cleanup", r.cleanup());
        boolean ok = r.passed();
        // A warning is recorded as failed: the verdict must not count an empty restore as a pass.
        String summary = ok
                ? r.file() + " restored in " + RestoreReport.seconds(r.restoreTime()) + ", " + r.checks().size() + " checks passed"
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
