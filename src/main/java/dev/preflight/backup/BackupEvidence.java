package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.run.Expected;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ledger kinds the backup capability records: a backup attempt, a verification of its copies and
 * a prune, and how the readiness expectation reads a copy back from them. The payloads are still
 * written as JSON maps by the verbs and read by the catalogue.
 */
public final class BackupEvidence {
    /** One backup attempt of one source (subject: the source). */
    public static final String KIND = "backup";
    /** One verification of one backup's copies (subject: the source). */
    public static final String VERIFY_KIND = "backup-verify";
    /** The copies one prune deleted for one source (subject: the source). */
    public static final String PRUNE_KIND = "backup-prune";

    private BackupEvidence() {
    }

    /**
     * What the ledger says of one source's copy in one destination: the newest backup of the source
     * must have passed with a copy there, and the newest verification of that very backup (if any)
     * must have found that copy intact. Empty when the source was never backed up.
     */
    public static Optional<Expected.Found> copy(Ledger ledger, String source, String destination) {
        LedgerEntry b = ledger.latest(BackupEvidence.KIND, source).orElse(null);
        if (b == null || !b.outcome().isGood()) {
            return Optional.ofNullable(b).map(Expected.Found::of);
        }
        boolean stored = false;
        for (JsonNode c : Expected.payload(b).path("copies")) {
            stored |= destination.equals(c.path("destination").asText());
        }
        if (!stored) {
            return Optional.of(new Expected.Found(b, Expected.Status.FAILED, "backup #" + b.seq()
                    + " stored no copy in " + destination));
        }
        for (LedgerEntry v : ledger.query(new LedgerQuery(BackupEvidence.VERIFY_KIND, source, null, 0, true))) {
            if (v.seq() < b.seq()) {
                break;
            }
            JsonNode p = Expected.payload(v);
            if (!b.id().equals(p.path("backup_id").asText())) {
                continue;
            }
            List<String> bad = new ArrayList<>();
            int rows = 0;
            for (JsonNode row : p.path("copies")) {
                if (destination.equals(row.path("destination").asText())) {
                    rows++;
                    if (!"ok".equals(row.path("status").asText())) {
                        bad.add(row.path("location").asText() + " " + row.path("status").asText()
                                + (row.path("detail").isTextual() ? " (" + row.path("detail").asText() + ")" : ""));
                    }
                }
            }
            if (rows == 0) {
                return Optional.of(new Expected.Found(v, Expected.Status.FAILED, "verification #" + v.seq()
                        + " of backup #" + b.seq() + " found no copy in " + destination));
            }
            return Optional.of(bad.isEmpty() ? new Expected.Found(v, Expected.Status.PASSED, null)
                    : new Expected.Found(v, Expected.Status.FAILED, "copy of backup #" + b.seq() + " in " + destination
                    + ": " + String.join(", ", bad)));
        }
        return Optional.of(Expected.Found.of(b));
    }
}
