package dev.preflight.backup;

import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.ledger.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one {@link BackupRun} of one source did: the ledger entry it recorded and, when it passed,
 * the file, its size and SHA-256 and the verified copies; when it failed, why (redacted).
 */
public record RunResult(String source, Outcome outcome, String entryId, String file, long size, String sha256,
                        Instant retentionUntil, List<Copy> copies, String failure, Map<String, Object> facts) {
    public RunResult {
        copies = List.copyOf(copies);
    }
}
