package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The catalogue of current backups, read from the ledger: every backup that passed and still has
 * copies (not pruned), with its last verification. Restore reads it too.
 */
public final class BackupCatalog {
    private final BackupContext ctx;

    /** A catalogue over the context's ledger and plan. */
    public BackupCatalog(BackupContext ctx) {
        this.ctx = ctx;
    }

    /** Every backup that passed and still has copies, oldest first, from the ctx.ledger(). */
    public List<BackupRecord> all() {
        List<LedgerEntry> backups = ctx.ledger().query(LedgerQuery.kind(BackupEvidence.KIND));
        Set<String> pruned = new HashSet<>();
        for (LedgerEntry e : ctx.ledger().query(LedgerQuery.kind(BackupEvidence.PRUNE_KIND))) {
            for (JsonNode d : Json.parse(e.payload()).path("deleted")) {
                pruned.add(d.path("backup_id").asText() + "\n" + d.path("location").asText());
            }
        }
        Map<String, LedgerEntry> lastVerify = new HashMap<>();
        for (LedgerEntry e : ctx.ledger().query(LedgerQuery.kind(BackupEvidence.VERIFY_KIND))) {
            lastVerify.put(Json.parse(e.payload()).path("backup_id").asText(), e);
        }
        List<BackupRecord> out = new ArrayList<>();
        for (LedgerEntry e : backups) {
            if (e.outcome() != Outcome.PASSED) {
                continue;
            }
            JsonNode p = Json.parse(e.payload());
            List<Copy> copies = new ArrayList<>();
            for (JsonNode c : p.path("copies")) {
                if (!pruned.contains(e.id() + "\n" + c.path("location").asText())) {
                    copies.add(new Copy(c.path("destination").asText(), c.path("location").asText(),
                            c.path("size").asLong(), c.path("sha256").asText()));
                }
            }
            if (copies.isEmpty()) {
                continue;
            }
            LedgerEntry v = lastVerify.get(e.id());
            out.add(new BackupRecord(e.id(), e.seq(), Instant.parse(p.path("started").asText()), e.subject(),
                    p.path("type").asText(), p.path("file").asText(), p.path("size").asLong(),
                    p.path("sha256").asText(), Instant.parse(p.path("retention_until").asText()), copies,
                    v == null ? null : v.time(), v == null || v.outcome() == Outcome.PASSED,
                    p.path("facts").hasNonNull("target") && "s3".equals(p.path("type").asText())
                            ? p.path("facts").path("target").asText() : null));
        }
        return out;
    }

    /** The newest current backup's artifact of a source, from the first copy that can be opened. */
    Optional<InputStream> latestArtifact(String source) {
        List<BackupRecord> mine = all().stream().filter(b -> b.source().equals(source) && b.lastVerifyOk()).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        BackupRecord b = mine.get(mine.size() - 1);
        for (Copy c : b.copies()) {
            try {
                InputStream in = ctx.storeFor(c).open(c.location());
                return Optional.of(b.file().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
            } catch (IOException | RuntimeException e) {
                ctx.step(source + ": previous backup copy " + c.location() + " unreadable (" + Errors.describe(e)
                        + ")");
            }
        }
        return Optional.empty();
    }

    /** The backup whose id is or starts with {@code id}; exit 2 when none or several match. */
    public BackupRecord find(String id) {
        List<BackupRecord> m = all().stream().filter(b -> b.id().startsWith(id)).toList();
        if (m.size() != 1) {
            throw PreflightException.usage(m.isEmpty() ? "no current backup with id " + id
                    : "id " + id + " matches " + m.size() + " backups", "see 'preflight backup list'");
        }
        return m.get(0);
    }

    // ---------------------------------------------------------------- verify
}
