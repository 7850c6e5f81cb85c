package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.report.Style;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code backup list} shows the names the copies are stored under, in columns that stay aligned. */
class BackupListTest {
    private static final Instant T = Instant.parse("2026-11-24T21:20:00Z");

    private static BackupRecord record(String id, String source, String file, List<Copy> copies) {
        return new BackupRecord(id, 1, T, source, "mysql", file, 2_500_000, "ab".repeat(32), T.plusSeconds(86_400 * 30),
                copies, null, false, null);
    }

    @Test
    void theFileColumnShowsTheStoredNameAndLongNamesKeepTheColumnsAligned() {
        BackupRecord second = record("aaaaaaaa-1", "academy-db", "academy-2026-11-24-2120.sql.gz", List.of(
                new Copy("onprem", "/srv/backups/academy-2026-11-24-2120-1.sql.gz", 2_500_000, "ab".repeat(32)),
                new Copy("offsite", "s3://bucket/db/academy-2026-11-24-2120-1.sql.gz", 2_500_000, "ab".repeat(32))));
        BackupRecord longer = record("bbbbbbbb-2", "academy-assets-with-a-long-name",
                "academy-assets-with-a-long-name-2026-11-24-2120.manifest.json", List.of(
                new Copy("onprem", "/srv/backups/academy-assets-with-a-long-name-2026-11-24-2120.manifest.json", 2_500_000,
                        "ab".repeat(32))));
        String out = BackupReport.LIST.text(new BackupReport.Listing(List.of(second, longer), T.plusSeconds(3600), Map.of()),
                Style.PLAIN);
        List<String> rows = out.lines().filter(l -> l.startsWith("ID") || l.startsWith("aaaaaaaa") || l.startsWith("bbbbbbbb"))
                .toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).contains("academy-2026-11-24-2120-1.sql.gz").doesNotContain("2120.sql.gz");
        // Every row's SIZE column starts where the header's does.
        int size = rows.get(0).indexOf("      SIZE");
        for (String r : rows.subList(1, 3)) {
            assertThat(r.substring(size, size + 10)).as(r).isEqualTo("   2.4 MiB");
        }
    }
}
