package dev.preflight.restore;

import dev.preflight.report.Style;
import dev.preflight.testing.Golden;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the restore-test renderer (text, colour, JSON) on fixed results: a passed MySQL restore
 * with row, SQL and HTTP checks, a warned empty one, a failed Redis restore and one that never
 * got to restoring.
 */
class RestoreGoldenTest {
    private static List<RestoreResult> results() {
        RestoreResult passed = new RestoreResult("academy-db", "mysql", "0a1b2c3d-1111-4222-8333-444455556666", 12,
                "academy-20261124-0930.sql.gz", "/backups/academy-20261124-0930.sql.gz", "pf_restore_academy_db_1a2b3c",
                Duration.ofMillis(41_250), 52_428_800, 314_572_800,
                List.of(new Check("rows", "users", true, "10000 rows (backup estimate 9987)"),
                        new Check("rows", "courses", true, "250 rows (backup estimate 250)"),
                        new Check("objects", "views", true, "2 view(s) restored"),
                        new Check("sql", "users exist", true, "10000 > 0"),
                        new Check("http", "staging home", true, "200 in 120 ms")),
                null, false, null, List.of("dropped pf_restore_academy_db_1a2b3c"), "77777777-8888-4999-8aaa-bbbbccccdddd");
        RestoreResult empty = new RestoreResult("reports-db", "mysql", "abcdef01-2345-4678-89ab-cdef01234567", 14,
                "reports-20261124-0930.sql.gz", "/backups/reports-20261124-0930.sql.gz", "pf_restore_reports_db_4d5e6f",
                Duration.ofMillis(850), 1_024, 4_096,
                List.of(new Check("rows", "dump", false, "the dump creates no table: nothing was proven", true)),
                null, true, null, List.of("kept pf_restore_reports_db_4d5e6f (--keep)"), "eeeeeeee-ffff-4000-8111-222233334444");
        RestoreResult failed = new RestoreResult("academy-cache", "redis", "9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff", 7,
                "academy-cache-20261123-0100.rdb", "/backups/academy-cache-20261123-0100.rdb", "redis-server on 127.0.0.1:40123",
                Duration.ofMillis(2_500), 3_145_728, 3_145_728,
                List.of(new Check("keys", "session:*", false, "0 keys, expected at least 1"),
                        new Check("keys", "cache:*", true, "1204 keys")),
                null, false, null, List.of("stopped redis-server (pid 4321)", "removed its data directory"),
                "99999999-aaaa-4bbb-8ccc-ddddeeeeeeee");
        RestoreResult noBackup = new RestoreResult("academy-assets", "s3", null, 0, null, null, null, null, 0, 0,
                List.of(), "no backup of academy-assets in the ledger (run preflight backup run)", false, null, List.of(),
                "12121212-3434-4565-8787-909090909090");
        return List.of(passed, empty, failed, noBackup);
    }

    @Test
    void everyFormatIsPinned() {
        Golden.exact().check("restore/restore-test.txt", RestoreReport.TEST.text(new RestoreRun(results()), Style.PLAIN));
        Golden.exact().check("restore/restore-test.color.txt", RestoreReport.TEST.text(new RestoreRun(results()), new Style(true)));
        Golden.exact().check("restore/restore-test.json", RestoreReport.TEST.json(new RestoreRun(results())));
    }
}
