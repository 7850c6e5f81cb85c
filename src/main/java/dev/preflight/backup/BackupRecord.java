package dev.preflight.backup;

import java.time.Instant;
import java.util.List;

/**
 * A completed backup as the ledger knows it: its copies still present (pruned ones removed) and
 * when it was last verified.
 *
 * @param id             the ledger entry id of the backup
 * @param lastVerified   time of the newest {@code backup-verify} of it, or null
 * @param lastVerifyOk   whether that verify passed (true when never re-verified: the write was verified)
 * @param bucketCopy     for a bucket backup, where its objects were copied ({@code s3://bucket/prefix}), else null
 */
public record BackupRecord(String id, long seq, Instant time, String source, String kind, String file, long size,
                           String sha256, Instant retentionUntil, List<Copy> copies, Instant lastVerified,
                           boolean lastVerifyOk, String bucketCopy) {
    public BackupRecord {
        copies = List.copyOf(copies);
    }

    /** The first characters of the id, enough to name it on a command line. */
    public String shortId() {
        return id.substring(0, Math.min(8, id.length()));
    }

    /** One stored copy. */
    public record Copy(String destination, String location, long size, String sha256) {
    }
}
