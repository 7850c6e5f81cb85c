package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress when stderr is not a terminal ({@code > file}, {@code | tee}, CI): plain timestamped
 * lines with bytes and rate for the backup and the restore, no escape codes, the report on stdout
 * untouched. The interval is shortened so a small database shows them.
 */
class ProgressLinesTest {
    @TempDir
    Path dir;

    @Test
    void backupAndRestoreTestPrintPlainTimestampedProgressLinesOnStderr() throws Exception {
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(300)) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: progress}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                    restore_test:
                      source: db
                      target: {host: 127.0.0.1, user: root}
                    """.formatted(db.name));
            // Every 2 ms: the dump tool writing its file in place (no stdbuf, no pipe) finished a small
            // dump inside one 20 ms interval when the machine was quiet, and no line was printed.
            Map<String, String> env = Map.of("PREFLIGHT_PROGRESS_SECONDS", "0.002", "TERM", "xterm");
            CliRun backup = CliRun.of(dir, env, CliRun.CLOCK, "backup", "run");
            assertThat(backup.code()).as(backup.all()).isZero();
            List<String> lines = backup.err().lines().filter(l -> l.startsWith("10:00:00Z backup db: ")).toList();
            assertThat(lines).as(backup.err()).isNotEmpty().allSatisfy(l -> assertThat(l)
                    .matches("10:00:00Z backup db: [0-9.]+ (B|KiB|MiB)( of ~[0-9.]+ \\w+)?, [0-9.]+ (B|KiB|MiB)/s, \\d+ s.*"));
            assertThat(backup.all()).doesNotContain("\u001b", "\r");
            assertThat(backup.out()).doesNotContainPattern("(?m)^10:00:00Z");

            CliRun restore = CliRun.of(dir, env, CliRun.CLOCK, "restore-test");
            assertThat(restore.code()).as(restore.all()).isZero();
            assertThat(restore.err().lines().filter(l -> l.startsWith("10:00:00Z restore db: ")))
                    .as(restore.err()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).matches("10:00:00Z restore db: [0-9.]+ (B|KiB|MiB) of ~[0-9.]+ \\w+, .*"));
            assertThat(restore.all()).doesNotContain("\u001b", "\r");
            assertThat(restore.out()).containsPattern("restore time [0-9.]+s, artifact [0-9.]+ KiB, data [0-9.]+ KiB");
        }
    }
}
