package dev.preflight.backup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param doubt          why some of its copies are possibly gone (a prune was stopped after it said it would
 *                       delete them, and nothing has found them since), or null; a backup in doubt is never
 *                       counted as verified ({@code lastVerifyOk} is false)
 * @param checkpoints    SHA-256 of the artifact's prefixes as the ledger recorded them, or null (not in reports)
 * @param origin         what was backed up ({@link BackupPlan.Source#origin}), or null for an entry recorded
 *                       before origins were kept (not in reports)
 */
public record BackupRecord(String id, long seq, Instant time, String source, String kind, String file, long size,
                           String sha256, Instant retentionUntil, List<Copy> copies, Instant lastVerified,
                           boolean lastVerifyOk, String bucketCopy,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String doubt,
                           @JsonIgnore Checkpoints checkpoints,
                           @JsonIgnore String origin) {
    public BackupRecord {
        copies = List.copyOf(copies);
    }

    /** A backup whose entry does not say what was backed up (recorded before origins were kept). */
    public BackupRecord(String id, long seq, Instant time, String source, String kind, String file, long size,
                        String sha256, Instant retentionUntil, List<Copy> copies, Instant lastVerified,
                        boolean lastVerifyOk, String bucketCopy, String doubt, Checkpoints checkpoints) {
        this(id, seq, time, source, kind, file, size, sha256, retentionUntil, copies, lastVerified, lastVerifyOk,
                bucketCopy, doubt, checkpoints, null);
    }

    /** A backup recorded without {@link Checkpoints}. */
    public BackupRecord(String id, long seq, Instant time, String source, String kind, String file, long size,
                        String sha256, Instant retentionUntil, List<Copy> copies, Instant lastVerified,
                        boolean lastVerifyOk, String bucketCopy, String doubt) {
        this(id, seq, time, source, kind, file, size, sha256, retentionUntil, copies, lastVerified, lastVerifyOk,
                bucketCopy, doubt, null);
    }

    /** A backup no stopped prune put in doubt. */
    public BackupRecord(String id, long seq, Instant time, String source, String kind, String file, long size,
                        String sha256, Instant retentionUntil, List<Copy> copies, Instant lastVerified,
                        boolean lastVerifyOk, String bucketCopy) {
        this(id, seq, time, source, kind, file, size, sha256, retentionUntil, copies, lastVerified, lastVerifyOk,
                bucketCopy, null, null);
    }

    /** The first characters of the id, enough to name it on a command line. */
    public String shortId() {
        return id.substring(0, Math.min(8, id.length()));
    }

    /** One stored copy. */
    public record Copy(String destination, String location, long size, String sha256) {
    }
}
