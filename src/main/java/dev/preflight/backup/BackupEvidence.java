package dev.preflight.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.run.Expected;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ledger kinds the backup capability records (a backup attempt, a verification of its copies, a
 * prune), their typed payloads, written by the verbs and read back by the catalogue, and how the
 * readiness expectation reads a copy from them. The payloads serialise to the JSON the ledger has
 * always held (pinned by {@code backup/ledger-payloads.txt}), so old ledgers read as before. The
 * ledger stores keys sorted; elsewhere {@code @JsonPropertyOrder} keeps the order the verbs' maps had
 * (Jackson would write a renamed component last).
 */
public final class BackupEvidence {
    /** One backup attempt of one source (subject: the source). */
    public static final String KIND = EvidenceKind.BACKUP.id();
    /** One verification of one backup's copies (subject: the source). */
    public static final String VERIFY_KIND = EvidenceKind.BACKUP_VERIFY.id();
    /** The copies one prune deleted for one source (subject: the source). */
    public static final String PRUNE_KIND = EvidenceKind.BACKUP_PRUNE.id();
    /**
     * Whether the newest backup's copies are still where it stored them, at their recorded size
     * (subject: the source; payload: {@link VerifyPayload}): what {@code readiness} looks at before
     * judging. Weaker than a verification (nothing is re-hashed): it never vouches for a copy, it can
     * only show one gone.
     */
    public static final String PRESENCE_KIND = EvidenceKind.BACKUP_PRESENCE.id();

    private BackupEvidence() {
    }

    /**
     * Encodes a made-up backup entry (payload with a copy and facts, and its artifacts) as the ledger
     * encodes one, so that Jackson has looked at these records before a backup's own entry is written.
     * Looking at them the first time reads their annotations, and the JVM makes a proxy class for
     * each annotation type at run time: about 50 ms (more under load) at the end of every backup, on
     * its critical path, unless a start-up thread did it while the second core had nothing to do.
     */
    public static void warmUp() {
        Instant t = Instant.EPOCH;
        Json.canonical(new BackupPayload("warm-up", "mysql", t, t, "warm-up.sql", "none", 1L, "0", t,
                List.of(new CopyPayload("local", "/warm-up.sql", 1, "0", t, t)), null,
                Map.of("table_rows_estimate", Map.of("t", 1L), "views", List.of("v"), "dump_bytes", 1L), "warm-up"));
        Json.canonical(List.of(new Artifact("/warm-up.sql", 1, "0")));
    }

    /**
     * The payload of a {@link #KIND} entry. A failed backup has no size, checksum, retention or
     * copies (the keys are left out, not null), a passed one no failure.
     *
     * @param type  the source's type ({@code mysql}, {@code redis}, {@code s3})
     * @param facts  what the producer recorded (server version, row estimates, key counts, a bucket copy's target)
     * @param origin what was backed up ({@link BackupPlan.Source#origin}); absent in entries recorded before
     *               it was kept
     * @param checkpoints SHA-256 of the artifact's prefixes ({@link Checkpoints}); absent for one of a
     *               step or less, a failed backup, and entries recorded before they were kept
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"source", "type", "started", "finished", "file", "compression", "size", "sha256", "retention_until",
        "copies", "failure", "facts", "origin", "checkpoints"})
    public record BackupPayload(String source, String type, Instant started, Instant finished, String file,
                                String compression,
                                @JsonInclude(Include.NON_NULL) Long size,
                                @JsonInclude(Include.NON_NULL) String sha256,
                                @JsonInclude(Include.NON_NULL) @JsonProperty("retention_until") Instant retentionUntil,
                                @JsonInclude(Include.NON_NULL) List<CopyPayload> copies,
                                @JsonInclude(Include.NON_NULL) String failure,
                                Map<String, Object> facts,
                                @JsonInclude(Include.NON_NULL) String origin,
                                @JsonInclude(Include.NON_NULL) Checkpoints checkpoints) {
        /** A payload without checkpoints (an artifact of one step or less, or recorded before they were kept). */
        public BackupPayload(String source, String type, Instant started, Instant finished, String file,
                             String compression, Long size, String sha256, Instant retentionUntil, List<CopyPayload> copies,
                             String failure, Map<String, Object> facts, String origin) {
            this(source, type, started, finished, file, compression, size, sha256, retentionUntil, copies, failure, facts,
                    origin, null);
        }

        /** A payload that does not say what was backed up (as entries recorded before it was kept). */
        public BackupPayload(String source, String type, Instant started, Instant finished, String file,
                             String compression, Long size, String sha256, Instant retentionUntil, List<CopyPayload> copies,
                             String failure, Map<String, Object> facts) {
            this(source, type, started, finished, file, compression, size, sha256, retentionUntil, copies, failure, facts,
                    null);
        }
    }

    /** One stored copy of a backup as recorded: read back with this checksum at {@code verifiedAt}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"destination", "location", "size", "sha256", "retention_until", "verified_at"})
    public record CopyPayload(String destination, String location, long size, String sha256,
                              @JsonProperty("retention_until") Instant retentionUntil,
                              @JsonProperty("verified_at") Instant verifiedAt) {
    }

    /** The payload of a {@link #VERIFY_KIND} entry: one row per copy checked. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"backup_id", "copies"})
    public record VerifyPayload(@JsonProperty("backup_id") String backupId, List<VerifiedCopy> copies) {
        public VerifyPayload {
            copies = copies == null ? List.of() : List.copyOf(copies);
        }
    }

    /**
     * One copy as a verification found it (null actual checksum and detail are written as null).
     *
     * @param status {@link CopyCheck.Status#label()}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"destination", "location", "status", "expected_sha256", "actual_sha256", "detail"})
    public record VerifiedCopy(String destination, String location, String status,
                               @JsonProperty("expected_sha256") String expectedSha256,
                               @JsonProperty("actual_sha256") String actualSha256, String detail) {
        static VerifiedCopy of(CopyCheck c) {
            return new VerifiedCopy(c.copy().destination(), c.copy().location(), c.status().label(), c.copy().sha256(),
                    c.actual(), c.detail());
        }
    }

    /**
     * The payload of a {@link #PRUNE_KIND} entry: what one prune deleted for a source, and what it could
     * not. A prune writes two entries per source: the intent, naming every copy it is about to delete,
     * before the first deletion, and the outcome, naming the intent, after the last. A process killed in
     * between leaves an intent no outcome names: its copies are possibly gone ({@link BackupCatalog}).
     *
     * @param intent   the copies about to be deleted (an intent entry only; empty in an outcome)
     * @param intentId the id of the intent entry this outcome completes (null in an intent, and in entries
     *                 recorded before intents were written)
     * @param refused  why nothing of the source was deleted (a clock or a schedule that cannot be trusted), or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrunePayload(List<DeletedCopy> deleted, List<String> errors, Instant now,
                               @JsonInclude(Include.NON_EMPTY) List<DeletedCopy> intent,
                               @JsonInclude(Include.NON_NULL) @JsonProperty("intent_id") String intentId,
                               @JsonInclude(Include.NON_NULL) String refused) {
        public PrunePayload {
            deleted = deleted == null ? List.of() : List.copyOf(deleted);
            errors = errors == null ? List.of() : List.copyOf(errors);
            intent = intent == null ? List.of() : List.copyOf(intent);
        }

        /** An outcome as entries recorded before intents were written (no intent named, nothing refused). */
        public PrunePayload(List<DeletedCopy> deleted, List<String> errors, Instant now) {
            this(deleted, errors, now, List.of(), null, null);
        }

        /** True for an intent entry (written before the first deletion). */
        public boolean intends() {
            return !intent.isEmpty();
        }
    }

    /**
     * One deleted copy: a stored file (with its checksum) or a bucket copy's objects (with their number).
     *
     * @param destination {@code bucket} for the objects of a bucket copy
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"backup_id", "destination", "location", "sha256", "objects", "retention_until"})
    public record DeletedCopy(@JsonProperty("backup_id") String backupId, String destination, String location,
                              @JsonInclude(Include.NON_NULL) String sha256,
                              @JsonInclude(Include.NON_NULL) Long objects,
                              @JsonProperty("retention_until") Instant retentionUntil) {
    }

    /** The backup payload of an entry of {@link #KIND}; an argument error when it is not one. */
    static BackupPayload backup(LedgerEntry e) {
        return read(e, BackupPayload.class);
    }

    /**
     * Whether a backup or verification entry is about {@code source}: its subject (the source's name),
     * or the source or type its payload names (CEL's {@code backups.latest("mysql")}). A payload that
     * cannot be read names nothing.
     */
    public static boolean about(LedgerEntry e, String source) {
        if (source.equals(e.subject())) {
            return true;
        }
        // Only the two fields are read, so an entry that lacks the others (an older or partial one)
        // still names its source: a typed read of the whole payload would refuse it.
        try {
            JsonNode p = Json.parse(e.payload());
            return source.equals(p.path("source").asText(null)) || source.equals(p.path("type").asText(null));
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    /**
     * The size a {@link #KIND} entry recorded (the readiness page's chart); empty for a failed backup,
     * which has none, and for a payload that cannot be read.
     */
    public static OptionalLong size(LedgerEntry e) {
        BackupPayload p = readOr(e, BackupPayload.class, null);
        return p == null || p.size() == null ? OptionalLong.empty() : OptionalLong.of(p.size());
    }

    /** The verification payload of an entry of {@link #VERIFY_KIND}. */
    static VerifyPayload verify(LedgerEntry e) {
        return read(e, VerifyPayload.class);
    }

    /** The prune payload of an entry of {@link #PRUNE_KIND}. */
    static PrunePayload prune(LedgerEntry e) {
        return read(e, PrunePayload.class);
    }

    private static <T> T read(LedgerEntry e, Class<T> type) {
        try {
            return Json.mapper().readValue(e.payload(), type);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("ledger entry #" + e.seq() + " (" + e.kind() + "): not a "
                    + type.getSimpleName() + ": " + Errors.describe(ex), ex);
        }
    }

    /** As {@link #read}, but a payload that cannot be read is an empty one (the expectation then says what is missing). */
    private static <T> T readOr(LedgerEntry e, Class<T> type, T empty) {
        try {
            return read(e, type);
        } catch (IllegalArgumentException ex) {
            return empty;
        }
    }

    /**
     * The facts the backup entry {@code backupId} recorded (database name, row estimates, Redis key
     * counts), for restore; a missing node when there is no such entry or it recorded none.
     */
    public static JsonNode facts(Ledger ledger, String backupId) {
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(KIND))) {
            if (e.id().equals(backupId)) {
                Map<String, Object> facts = backup(e).facts();
                return facts == null ? MissingNode.getInstance() : Json.mapper().valueToTree(facts);
            }
        }
        return MissingNode.getInstance();
    }

    /**
     * What the backup entry {@code backupId} says it backed up ({@link BackupPlan.Source#origin}), or
     * null when there is no such entry or it does not say (restore compares it with the plan's source).
     */
    public static String origin(Ledger ledger, String backupId) {
        if (backupId == null) {
            return null;
        }
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(KIND))) {
            if (e.id().equals(backupId)) {
                BackupPayload p = readOr(e, BackupPayload.class, null);
                return p == null ? null : p.origin();
            }
        }
        return null;
    }

    /**
     * What the ledger says of one source's copy in one destination: the newest backup of the source
     * must have passed with a copy there, and the newest verification of that very backup (if any)
     * must have found that copy intact. A verification that found it intact vouches for the copy,
     * not for its age: the backup entry is what is judged then, so a backup that stopped being taken
     * is stale however recently its last copy was verified. Empty when the source was never backed up.
     */
    public static Optional<Expected.Found> copy(Ledger ledger, BackupPlan.Source source,
                                                BackupPlan.Destination destination) {
        return newestOf(ledger, source).or(() -> ledger.latest(BackupEvidence.KIND, source.name()))
                .map(b -> copy(ledger, b, source, destination));
    }

    /**
     * The newest backup entry (whatever its outcome) of what {@code source} backs up now: its name and
     * its origin, or no origin recorded (entries recorded before origins were kept). On a ledger two
     * projects share, each with a source of that name, the other's newer backup is passed over; with
     * none of this origin at all, the caller may judge the newest of the name, which then says what it
     * backed up instead.
     */
    public static Optional<LedgerEntry> newestOf(Ledger ledger, BackupPlan.Source source) {
        for (LedgerEntry e : ledger.query(new LedgerQuery(KIND, source.name(), null, 0, true))) {
            BackupPayload p = readOr(e, BackupPayload.class, null);
            if (p == null || sameOrigin(p.origin(), source.origin())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a backup that recorded {@code recorded} as its origin may be of {@code origin}: the two
     * are equal, or either is unknown (null: an entry recorded before origins were kept, or a caller
     * that does not ask). The one rule by which a plan's source tells its backups from another's of
     * the same name on a shared ledger.
     */
    public static boolean sameOrigin(String recorded, String origin) {
        return recorded == null || origin == null || recorded.equals(origin);
    }

    /**
     * How a given entry about {@code source} stands for its copy in {@code destination}: a backup
     * entry as {@link #copy(Ledger, BackupPlan.Source, BackupPlan.Destination)} judges the newest; a
     * verification by the backup it verified, which must be of what the plan's source is now. Null for other kinds.
     */
    public static Expected.Found judge(Ledger ledger, LedgerEntry e, BackupPlan.Source source,
                                       BackupPlan.Destination destination) {
        if (KIND.equals(e.kind())) {
            return copy(ledger, e, source, destination);
        }
        if (!VERIFY_KIND.equals(e.kind())) {
            return null;
        }
        if (!e.outcome().isGood()) {
            return Expected.Found.of(e);
        }
        String id = readOr(e, VerifyPayload.class, new VerifyPayload(null, List.of())).backupId();
        LedgerEntry b = id == null ? null : ledger.query(new LedgerQuery(KIND, source.name(), null, 0, true)).stream()
                .filter(x -> id.equals(x.id())).findFirst().orElse(null);
        if (b == null) {
            return new Expected.Found(e, Expected.Status.OUTDATED, "verification #" + e.seq() + " does not name a "
                    + "backup of " + source.name() + " in the ledger (run preflight backup run --source " + source.name()
                    + " and preflight backup verify)");
        }
        String changed = originChanged(b, source);
        if (changed != null) {
            return new Expected.Found(e, Expected.Status.OUTDATED, changed);
        }
        // A copy readiness found gone since is not vouched for by this verification of it.
        for (LedgerEntry x : ledger.query(new LedgerQuery(PRESENCE_KIND, source.name(), null, 0, true))) {
            if (x.seq() < e.seq()) {
                break;
            }
            VerifyPayload look = readOr(x, VerifyPayload.class, new VerifyPayload(null, List.of()));
            if (id.equals(look.backupId())) {
                List<String> gone = gone(look, null);
                return gone.isEmpty() ? Expected.Found.of(e) : new Expected.Found(x, Expected.Status.FAILED,
                        "backup #" + b.seq() + " verified by #" + e.seq() + ", but " + String.join(", ", gone)
                                + " when readiness looked at " + x.time());
            }
        }
        return Expected.Found.of(e);
    }

    /** The copies a look did not find as recorded ({@code location detail}), in {@code destination} (null: any). */
    private static List<String> gone(VerifyPayload look, String destination) {
        return look.copies().stream().filter(r -> (destination == null || destination.equals(r.destination()))
                && !"ok".equals(r.status())).map(r -> r.location() + " " + r.detail()).toList();
    }

    /** Why backup entry {@code b} is not of what the plan's {@code source} is now, or null when it is. */
    private static String originChanged(LedgerEntry b, BackupPlan.Source source) {
        BackupPayload backup = readOr(b, BackupPayload.class, null);
        String origin = backup == null ? null : backup.origin();
        if (source.origin().equals(origin)) {
            return null;
        }
        return origin == null
                ? "backup #" + b.seq() + " does not record what it backed up (run preflight backup run --source "
                + source.name() + ")"
                : "it backed up " + origin + "; the plan's source " + source.name() + " is " + source.origin()
                + " (run preflight backup run --source " + source.name() + ")";
    }

    private static Expected.Found copy(Ledger ledger, LedgerEntry b, BackupPlan.Source source,
                                       BackupPlan.Destination dest) {
        String destination = dest.name();
        if (!b.outcome().isGood()) {
            return Expected.Found.of(b);
        }
        boolean stored = false;
        BackupPayload backup = readOr(b, BackupPayload.class, null);
        String changed = originChanged(b, source);
        if (changed != null) {
            return new Expected.Found(b, Expected.Status.OUTDATED, changed);
        }
        String elsewhere = null;
        for (CopyPayload c : backup == null || backup.copies() == null ? List.<CopyPayload>of() : backup.copies()) {
            if (destination.equals(c.destination())) {
                // A copy vouches for the place it was written to, not for whatever the name points at now.
                if (BackupPlan.holds(dest, c.location())) {
                    stored = true;
                } else {
                    elsewhere = c.location();
                }
            }
        }
        if (!stored && elsewhere != null) {
            return new Expected.Found(b, Expected.Status.OUTDATED, "its copy in " + destination + " is "
                    + elsewhere + "; the plan's destination " + destination + " is " + BackupPlan.where(dest)
                    + " (run preflight backup run --source " + source.name() + ")");
        }
        if (!stored) {
            return new Expected.Found(b, Expected.Status.FAILED, "backup #" + b.seq()
                    + " stored no copy in " + destination);
        }
        // Newest first, verifications and readiness's looks at the copies of this backup: the newest
        // verification judges the copy unless a newer look found it gone (a look that found it present
        // vouches for nothing, it only supersedes older looks).
        List<LedgerEntry> after = new ArrayList<>();
        for (String kind : List.of(BackupEvidence.VERIFY_KIND, BackupEvidence.PRESENCE_KIND)) {
            for (LedgerEntry x : ledger.query(new LedgerQuery(kind, source.name(), null, 0, true))) {
                if (x.seq() < b.seq()) {
                    break;
                }
                after.add(x);
            }
        }
        after.sort(Comparator.comparingLong(LedgerEntry::seq).reversed());
        boolean looked = false;
        for (LedgerEntry v : after) {
            VerifyPayload p = readOr(v, VerifyPayload.class, new VerifyPayload(null, List.of()));
            if (!b.id().equals(p.backupId())) {
                continue;
            }
            if (PRESENCE_KIND.equals(v.kind())) {
                if (looked) {
                    continue;
                }
                looked = true;
                List<String> gone = gone(p, destination);
                if (!gone.isEmpty()) {
                    return new Expected.Found(v, Expected.Status.FAILED, "copy of backup #" + b.seq() + " in "
                            + destination + ": " + String.join(", ", gone) + " when readiness looked at "
                            + v.time() + " (put it back, or run preflight backup run --source " + source.name() + ")");
                }
                continue;
            }
            List<String> bad = new ArrayList<>();
            int rows = 0;
            for (VerifiedCopy row : p.copies()) {
                if (destination.equals(row.destination())) {
                    rows++;
                    if (!"ok".equals(row.status())) {
                        bad.add(row.location() + " " + row.status()
                                + (row.detail() != null ? " (" + row.detail() + ")" : ""));
                    }
                }
            }
            if (rows == 0) {
                return new Expected.Found(v, Expected.Status.FAILED, "verification #" + v.seq()
                        + " of backup #" + b.seq() + " found no copy in " + destination);
            }
            return bad.isEmpty() ? new Expected.Found(b, Expected.Status.PASSED, null)
                    : new Expected.Found(v, Expected.Status.FAILED, "copy of backup #" + b.seq() + " in " + destination
                    + ": " + String.join(", ", bad));
        }
        return Expected.Found.of(b);
    }
}
