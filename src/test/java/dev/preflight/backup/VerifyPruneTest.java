package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup verify}, {@code list} and {@code prune} over real dumps, with a clock the test sets. */
class VerifyPruneTest {
    private static final Instant T0 = Instant.parse("2026-01-01T01:30:00Z");

    @TempDir
    Path dir;

    private ScratchMariaDb db;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        db = new ScratchMariaDb().withSchemaObjects(5);
        cli = new CliHarness(dir, T0);
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: backup-test}
                backups:
                  log: backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - name: db
                      type: mysql
                      mysql: {host: 127.0.0.1, user: root, database: %s}
                      compression: gzip
                      retention: 15d
                """.formatted(db.name));
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    /**
     * The plan as it was, with a client that cannot ask the server anything: these tests move the
     * clock by days between the backups and the prune, which the server's own clock (prune's second
     * clock when every copy is local) would contradict. The backups are already taken.
     */
    private void noSecondClock() throws Exception {
        Path plan = dir.resolve("preflight.yaml");
        Files.writeString(plan, Files.readString(plan).replace("      compression: gzip\n",
                "      compression: gzip\n      client_command: [\"false\"]\n"));
    }

    private String backupAt(Instant t) {
        cli.clock.set(t);
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        List<LedgerEntry> e = cli.entries("backup");
        return e.get(e.size() - 1).id();
    }

    private static Path location(JsonNode payload, String destination) {
        for (JsonNode c : payload.path("copies")) {
            if (c.path("destination").asText().equals(destination)) {
                return Path.of(c.path("location").asText());
            }
        }
        throw new AssertionError("no copy in " + destination);
    }

    @Test
    void verifyNamesAFlippedByteInOneLocationAndADeletedCopyInAnother() throws Exception {
        backupAt(T0);
        JsonNode p = CliHarness.payload(cli.entries("backup").get(0));
        Path inOnprem = location(p, "onprem");
        Path inSecond = location(p, "second");
        assertThat(cli.run("backup", "verify").code()).isZero();

        try (FileChannel ch = FileChannel.open(inOnprem, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, 100);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            b.rewind();
            ch.write(b, 100);
        }
        Files.delete(inSecond);

        CliRun v = cli.run("backup", "verify");
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("MISMATCH", "onprem: " + inOnprem, "!= recorded " + p.path("sha256").asText(),
                "MISSING ", "second: " + inSecond, "0 copies verified, 2 failed");
        List<LedgerEntry> verifies = cli.entries("backup-verify");
        assertThat(verifies).hasSize(2);
        LedgerEntry last = verifies.get(1);
        assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(last.summary()).contains(inOnprem + " mismatch", inSecond + " missing");

        CliRun list = cli.run("backup", "list");
        assertThat(list.out()).contains("FAILED ");
        CliRun byId = cli.run("backup", "verify", "--id", cli.entries("backup").get(0).id().substring(0, 8));
        assertThat(byId.code()).isEqualTo(1);
        assertThat(cli.run("backup", "verify", "--id", "nope").code()).isEqualTo(2);
    }

    @Test
    void pruneRemovesExactlyTheExpiredBackupsAndKeepsTheNewestVerifiedEvenWhenExpired() throws Exception {
        String first = backupAt(T0);                                // kept until T0+15d
        String second = backupAt(T0.plus(Duration.ofDays(10)));     // until T0+25d
        String third = backupAt(T0.plus(Duration.ofDays(20)));      // until T0+35d
        Path firstCopy = location(CliHarness.payload(cli.entries("backup").get(0)), "onprem");
        Path secondCopy = location(CliHarness.payload(cli.entries("backup").get(1)), "second");

        // Day 21: only the first has expired. A dry run deletes nothing.
        noSecondClock();
        cli.clock.set(T0.plus(Duration.ofDays(21)));
        CliRun dry = cli.run("backup", "prune");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("delete   " + first.substring(0, 8), "keep     " + second.substring(0, 8),
                "keep     " + third.substring(0, 8), "1 backup(s) would be deleted (dry run: add --apply), 2 kept");
        assertThat(firstCopy).exists();
        assertThat(cli.entries("backup-prune")).isEmpty();

        CliRun applied = cli.run("backup", "prune", "--apply");
        assertThat(applied.code()).isZero();
        assertThat(applied.out()).contains("deleted  " + first.substring(0, 8), "1 backup(s) deleted, 2 kept");
        assertThat(firstCopy).doesNotExist();
        assertThat(MysqlBackupTest.files(dir.resolve("onprem"))).hasSize(2);
        assertThat(MysqlBackupTest.files(dir.resolve("second"))).hasSize(2);
        // The intent (both copies about to go) before the first deletion, the outcome after the last.
        List<LedgerEntry> prunes = cli.entries("backup-prune");
        assertThat(prunes).hasSize(2);
        assertThat(CliHarness.payload(prunes.get(0)).path("intent")).hasSize(2);
        LedgerEntry pe = prunes.get(1);
        assertThat(CliHarness.payload(pe).path("deleted")).hasSize(2);
        assertThat(CliHarness.payload(pe).path("intent_id").asText()).isEqualTo(prunes.get(0).id());
        assertThat(cli.run("backup", "list").out()).contains("2 backup(s)").doesNotContain(first.substring(0, 8));

        // Day 40: everything has expired, the newest backup too: the clock is ahead or backups stopped,
        // and deleting by age would leave one restore point. Nothing of the source is deleted (exit 1).
        cli.clock.set(T0.plus(Duration.ofDays(40)));
        CliRun late = cli.run("backup", "prune", "--apply");
        assertThat(late.code()).isEqualTo(1);
        assertThat(late.out()).contains("REFUSED  " + second.substring(0, 8), "REFUSED  " + third.substring(0, 8),
                "even the newest backup of db", "0 backup(s) deleted, 2 kept");
        assertThat(secondCopy).exists();
        assertThat(MysqlBackupTest.files(dir.resolve("onprem"))).hasSize(2);
        assertThat(cli.run("backup", "verify").code()).isZero();
        assertThat(Files.readString(dir.resolve("backup-log.md"))).contains("| db | pruned |");
    }

    @Test
    void aNewestBackupThatFailedVerificationDoesNotProtectItselfTheNewestVerifiedOneIsKept() throws Exception {
        String first = backupAt(T0);
        String second = backupAt(T0.plus(Duration.ofDays(1)));
        Files.delete(location(CliHarness.payload(cli.entries("backup").get(1)), "onprem"));
        // A newer backup within its retention (so the clock is not suspect), whose copy also went bad.
        String third = backupAt(T0.plus(Duration.ofDays(20)));
        Files.delete(location(CliHarness.payload(cli.entries("backup").get(2)), "onprem"));
        cli.clock.set(T0.plus(Duration.ofDays(21)));
        assertThat(cli.run("backup", "verify").code()).isEqualTo(1);

        noSecondClock();
        cli.clock.set(T0.plus(Duration.ofDays(30)));
        CliRun r = cli.run("backup", "prune");
        assertThat(r.out()).contains("keep*    " + first.substring(0, 8), "delete   " + second.substring(0, 8),
                "keep     " + third.substring(0, 8));
    }

    @Test
    void verifyWithNothingRecordedIsNotASuccess() {
        CliRun r = cli.run("backup", "verify");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no backup is recorded");
    }

    @Test
    void scheduleprintsCrontabAndSystemdUnits() {
        CliRun r = cli.run("backup", "schedule", "--at", "01:30", "--preflight", "/opt/preflight/bin/preflight");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("CRON_TZ=UTC",
                "30 1 * * * cd '" + dir + "' && '/opt/preflight/bin/preflight' --plan '" + dir.resolve("preflight.yaml")
                        + "' backup run",
                "30 2 * * * ", "backup verify", "30 3 * * * ", "backup prune --apply",
                "# /etc/systemd/system/preflight-backup.service", "Type=oneshot",
                "ExecStart=/opt/preflight/bin/preflight --plan " + dir.resolve("preflight.yaml") + " backup run",
                "OnCalendar=*-*-* 01:30:00 UTC", "Persistent=true", "preflight-backup-prune.timer");
        assertThat(cli.run("backup", "schedule", "--at", "25:00").code()).isEqualTo(2);

        // The same schedule for configuration management: the jobs, and the crontab text alone.
        CliRun json = cli.run("backup", "schedule", "--at", "01:30", "--style", "cron", "--format", "json");
        assertThat(json.code()).isZero();
        JsonNode j = Json.parse(json.out());
        assertThat(j.path("jobs")).hasSize(3);
        assertThat(j.path("jobs").get(0).path("at_utc").asText()).isEqualTo("01:30");
        assertThat(j.path("jobs").get(2).path("args").toString()).contains("prune", "--apply");
        assertThat(j.path("crontab").asText()).contains("CRON_TZ=UTC", "30 1 * * * ");
        assertThat(j.path("systemd").isNull()).isTrue();
    }
}
