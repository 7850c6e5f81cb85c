package dev.preflight.restore;

import dev.preflight.core.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one restore test of one backup did.
 *
 * @param backupId    ledger id of the backup entry tested (null when none could be chosen)
 * @param backupSeq   its ledger sequence number
 * @param location    the copy restored
 * @param restoredTo  the scratch database ({@code db}) or scratch Redis ({@code 127.0.0.1:port dir})
 * @param restoreTime time to load the data (the RTO figure), null when it did not get that far
 * @param bytes       artifact size as stored; {@code dataBytes} uncompressed
 * @param kept        the scratch database or server was left in place ({@code --keep})
 * @param mysql       what the checks of a MySQL restore compare against, null for Redis
 * @param entryId     the {@code restore-test} ledger entry
 */
public record RestoreResult(String source, String type, String backupId, long backupSeq, String file,
                            String location, String restoredTo, Duration restoreTime, long bytes, long dataBytes,
                            List<Check> checks, String failure, boolean kept, MysqlRestored mysql,
                            List<String> cleanup, String entryId) {
    public RestoreResult {
        checks = List.copyOf(checks);
        cleanup = List.copyOf(cleanup);
    }

    /** The same result with {@code artifacts} (checks of copies not restored from) after its last artifact check. */
    RestoreResult withArtifactChecks(List<Check> artifacts) {
        if (artifacts.isEmpty()) {
            return this;
        }
        List<Check> all = new ArrayList<>(checks);
        int at = 0;
        for (int i = 0; i < all.size(); i++) {
            if ("artifact".equals(all.get(i).kind())) {
                at = i + 1;
            }
        }
        all.addAll(at, artifacts);
        return new RestoreResult(source, type, backupId, backupSeq, file, location, restoredTo, restoreTime, bytes,
                dataBytes, all, failure, kept, mysql, cleanup, entryId);
    }

    /** Passed when nothing failed: every check passed and the restore itself did. */
    public boolean passed() {
        return failure == null && checks.stream().allMatch(Check::passed);
    }

    /**
     * Passed, or failed: a warning (an empty dump that proves nothing) blocks GO like a failure, so
     * it is failed here as in the ledger.
     */
    public Verdict verdict() {
        return passed() ? Verdict.PASSED : Verdict.FAILED;
    }

    /** Not passed only because of warnings (an empty dump): nothing failed, but nothing was proven either. */
    public boolean onlyWarnings() {
        return failure == null && !passed() && failed().stream().allMatch(Check::warning);
    }

    /** The failed checks. */
    public List<Check> failed() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /**
     * A restored MySQL/MariaDB database and what its checks compare with.
     *
     * @param found     what the dump creates (scanned while it was streamed)
     * @param estimates per-table row counts recorded at backup time (information_schema estimates)
     */
    public record MysqlRestored(String database, DumpScanner.Found found, Map<String, Long> estimates,
                                Instant backupTime) {
    }
}
