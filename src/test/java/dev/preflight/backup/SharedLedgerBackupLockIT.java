package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.Child;
import dev.preflight.testing.PgDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two machines backing up one source into one PostgreSQL ledger (#15.5), as two real processes on
 * two plan directories: the second {@code backup run} is refused with exit 3 naming the first;
 * once the first is SIGKILLed the lock is free and the second backs up, removing what the killed
 * one left in the temporary directory and saying so.
 */
class SharedLedgerBackupLockIT {
    @TempDir
    Path dir;

    @Test
    void theSecondMachineIsRefusedNamingTheFirstAndBacksUpOnceTheFirstIsKilled() throws Exception {
        try (PgDatabase pg = new PgDatabase(); ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(2)) {
            Path a = Files.createDirectories(dir.resolve("host-a"));
            Path b = Files.createDirectories(dir.resolve("host-b"));
            Path started = dir.resolve("started");
            Path slow = dir.resolve("slow-dump.sh");
            Files.writeString(slow, "#!/bin/sh\ntouch '" + started + "'\nsleep 120\nexec mariadb-dump \"$@\"\n");
            Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwx------"));
            String plan = """
                    version: 1
                    project: {name: shared-backup}
                    ledger: {url: "%s"}
                    backups:
                      destinations: [{name: d, type: local, path: out}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}%s}
                    """;
            Files.writeString(a.resolve("preflight.yaml"), plan.formatted(pg.url(), db.name,
                    ", dump_command: [\"" + slow + "\"]"));
            Files.writeString(b.resolve("preflight.yaml"), plan.formatted(pg.url(), db.name, ""));

            Child first = Child.start(a, "first", "backup", "run");
            try {
                first.awaitFile(started);
                Child second = Child.start(b, "second", "backup", "run");
                assertThat(second.await()).as(second.output()).isEqualTo(3);
                assertThat(second.output()).containsPattern("a backup of source 'db' is already running \\(PostgreSQL "
                                + "advisory lock 'preflight:backup:shared-backup:db' \\(key -?\\d+\\) in the ledger database "
                                + "127\\.0\\.0\\.1:5432/" + pg.name + " held by \\S+@\\S+ pid " + first.pid()
                                + " since \\S+ \\(preflight backup run\\), PostgreSQL session \\d+")
                        .doesNotContain("user=postgres");
                assertThat(first.process.isAlive()).isTrue();
            } finally {
                first.kill();
            }
            // Killed while dumping: its option file could not be removed by it.
            assertThat(tempDirsOf(first.pid())).isNotEmpty();

            Child third = Child.start(b, "third", "backup", "run");
            assertThat(third.await()).as(third.output()).isZero();
            assertThat(third.output()).contains("PASSED  db",
                    "cleanup: removed private temporary directory (database client option file) "
                            + Leftovers.tmp().resolve(MysqlProducer.TMP_PREFIX + first.pid() + "-"),
                    "left by pid " + first.pid() + " (started ");
            assertThat(tempDirsOf(first.pid())).isEmpty();
            assertThat(b.resolve(".preflight/locks/backup-db.lock")).doesNotExist();
        }
    }

    static List<Path> tempDirsOf(long pid) throws Exception {
        try (Stream<Path> s = Files.list(Leftovers.tmp())) {
            return s.filter(p -> p.getFileName().toString().startsWith(MysqlProducer.TMP_PREFIX + pid + "-")).toList();
        }
    }
}
