package dev.preflight.backup;

import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.BackupReport.Listing;
import dev.preflight.backup.BackupReport.Pruning;
import dev.preflight.backup.BackupReport.Runs;
import dev.preflight.backup.BackupReport.Verification;
import dev.preflight.backup.CopyCheck.Status;
import dev.preflight.backup.PruneItem.Action;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Style;
import dev.preflight.testing.Golden;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the backup renderers (run, list, verify, prune; text, colour and JSON) on fixed results:
 * the values a backup produces that vary from run to run (ids, checksums, sizes, times) are chosen
 * here, so only the renderer decides the text.
 */
class BackupGoldenTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final String SHA_A = "a1".repeat(32);
    private static final String SHA_B = "b2".repeat(32);
    private static final String SHA_C = "c3".repeat(32);

    private static final Copy ONPREM_A = new Copy("onprem", "/backups/academy-20261124-0930.sql.gz", 52_428_800, SHA_A);
    private static final Copy OFFSITE_A = new Copy("offsite", "s3://academy-backups/db/academy-20261124-0930.sql.gz",
            52_428_800, SHA_A);
    private static final Copy ONPREM_B = new Copy("onprem", "/backups/academy-cache-20261123-0100.rdb", 3_145_728, SHA_B);
    private static final Copy ONPREM_C = new Copy("onprem", "/backups/academy-20261020-0100.sql.gz", 50_331_648, SHA_C);

    static final BackupRecord DB = new BackupRecord("0a1b2c3d-1111-4222-8333-444455556666", 12,
            Instant.parse("2026-11-24T09:30:00Z"), "academy-db", "mysql", "academy-20261124-0930.sql.gz", 52_428_800,
            SHA_A, Instant.parse("2026-12-24T09:30:00Z"), List.of(ONPREM_A, OFFSITE_A), null, true, null);
    static final BackupRecord CACHE = new BackupRecord("9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff", 7,
            Instant.parse("2026-11-23T01:00:00Z"), "academy-cache", "redis", "academy-cache-20261123-0100.rdb", 3_145_728,
            SHA_B, Instant.parse("2026-11-30T01:00:00Z"), List.of(ONPREM_B), Instant.parse("2026-11-24T08:00:00Z"), false,
            null);
    static final BackupRecord OLD = new BackupRecord("55aa66bb-0000-4111-8222-333344445555", 2,
            Instant.parse("2026-10-20T01:00:00Z"), "academy-db", "mysql", "academy-20261020-0100.sql.gz", 50_331_648,
            SHA_C, Instant.parse("2026-11-19T01:00:00Z"), List.of(ONPREM_C), Instant.parse("2026-11-01T00:00:00Z"), true,
            null);

    private static List<RunResult> runs() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("server", "10.11.6-MariaDB");
        facts.put("tables", 42);
        return List.of(
                new RunResult("academy-db", Outcome.PASSED, "0a1b2c3d-1111-4222-8333-444455556666",
                        "academy-20261124-0930.sql.gz", 52_428_800, SHA_A, Instant.parse("2026-12-24T09:30:00Z"),
                        List.of(ONPREM_A, OFFSITE_A), null, facts),
                new RunResult("academy-cache", Outcome.FAILED, "12345678-9abc-4def-8123-456789abcdef", null, 0, null,
                        null, List.of(), "redis BGSAVE failed: MISCONF Redis is configured to save RDB snapshots", Map.of()));
    }

    @Test
    void runIsPinned() {
        List<String> locked = List.of("academy-assets (a backup of it is running: pid 4242 on bastion since 09:59:00Z)");
        Golden.exact().check("backup/run.txt", BackupReport.RUNS.text(new Runs(runs(), locked), Style.PLAIN));
        Golden.exact().check("backup/run.color.txt", BackupReport.RUNS.text(new Runs(runs(), locked), new Style(true)));
        Golden.exact().check("backup/run.json", BackupReport.RUNS.json(new Runs(runs(), locked)));
    }

    @Test
    void listIsPinned() {
        List<BackupRecord> all = List.of(DB, CACHE, OLD);
        Map<String, String> tested = Map.of(DB.id(), "passed 2026-11-24T09:45:00Z (restore-test #13)");
        Golden.exact().check("backup/list.txt", BackupReport.LIST.text(new Listing(all, NOW, tested), Style.PLAIN));
        Golden.exact().check("backup/list.json", BackupReport.LIST.json(new Listing(all, NOW, tested)));
        Golden.exact().check("backup/list-empty.txt", BackupReport.LIST.text(new Listing(List.of(), NOW, Map.of()), Style.PLAIN));
    }

    @Test
    void verifyIsPinned() {
        List<CopyCheck> checks = List.of(
                new CopyCheck(DB, ONPREM_A, Status.OK, SHA_A, "sha256 matches"),
                new CopyCheck(DB, OFFSITE_A, Status.MISSING, null, "NoSuchKey: the object is gone"),
                new CopyCheck(CACHE, ONPREM_B, Status.MISMATCH, "ff".repeat(32), "the file was changed after the backup"),
                new CopyCheck(OLD, ONPREM_C, Status.UNREADABLE, null, "permission denied"),
                new CopyCheck(OLD, new Copy("second", "/backups/academy-20261020-0100.sql.gz", 50_331_648, SHA_C),
                        Status.SAME_FILE, null, "the same file as copy onprem"));
        Golden.exact().check("backup/verify.txt", BackupReport.VERIFY.text(new Verification(checks), Style.PLAIN));
        Golden.exact().check("backup/verify.color.txt", BackupReport.VERIFY.text(new Verification(checks), new Style(true)));
        Golden.exact().check("backup/verify.json", BackupReport.VERIFY.json(new Verification(checks)));
    }

    @Test
    void pruneIsPinned() {
        List<PruneItem> items = List.of(
                new PruneItem(DB, Action.KEEP, "within retention (until 2026-12-24)", List.of()),
                new PruneItem(CACHE, Action.KEEP_NEWEST_VERIFIED, "the newest verified backup of academy-cache", List.of()),
                new PruneItem(OLD, Action.DELETE, "retention ended 2026-11-19", List.of()));
        List<PruneItem> applied = List.of(items.get(0), items.get(1),
                new PruneItem(OLD, Action.DELETE, "retention ended 2026-11-19",
                        List.of("onprem: cannot delete /backups/academy-20261020-0100.sql.gz: permission denied")));
        Golden.exact().check("backup/prune-dry-run.txt", BackupReport.PRUNE.text(new Pruning(items, false), Style.PLAIN));
        Golden.exact().check("backup/prune-applied.txt", BackupReport.PRUNE.text(new Pruning(applied, true), Style.PLAIN));
        Golden.exact().check("backup/prune-dry-run.json", BackupReport.PRUNE.json(new Pruning(items, false)));
        Golden.exact().check("backup/prune-applied.json", BackupReport.PRUNE.json(new Pruning(applied, true)));
    }
}
