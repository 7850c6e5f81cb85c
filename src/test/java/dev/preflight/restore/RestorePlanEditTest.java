package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore test vouches for the backup it restored and the checks the plan had it run: a source
 * pointed at another server since (so the restored backup is of the old one), or restore checks
 * edited since, are not GO on the old restore test. Before, readiness judged only the newest
 * restore-test entry's outcome and age. Against the local Redis.
 */
class RestorePlanEditTest {
    @TempDir
    Path dir;

    private void plan(int port, boolean allowEmpty) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: restored}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: %d}
                restore_test:
                  redis: {source: cache, start_timeout: 60s, allow_empty: %s}
                """.formatted(port, allowEmpty));
    }

    /**
     * Readiness vouches for a restore only by a test of the newest backup, so the nightly schedule of
     * a plan with restore_test tests each night's backup, after verify and before prune.
     */
    @Test
    void theNightlyScheduleOfAPlanWithARestoreTestRunsItAfterVerifyAndBeforePrune() throws Exception {
        plan(6379, true);
        CliHarness cli = new CliHarness(dir, Instant.now());
        CliRun json = cli.run("backup", "schedule", "--at", "01:30", "--style", "cron", "--format", "json");
        assertThat(json.code()).as(json.all()).isZero();
        JsonNode jobs = new ObjectMapper().readTree(json.out()).path("jobs");
        assertThat(jobs).extracting(j -> j.path("name").asText())
                .containsExactly("backup", "backup-verify", "restore-test", "backup-prune");
        assertThat(jobs.get(2).path("at_utc").asText()).isEqualTo("03:00");
        CliRun text = cli.run("backup", "schedule", "--at", "01:30", "--preflight", "/opt/preflight/bin/preflight");
        assertThat(text.out()).as(text.all()).contains("0 3 * * * ", "restore-test >> ",
                "preflight-restore-test.timer");
    }

    @Test
    void aRestoreTestOfTheSourceOrChecksBeforeAnEditDoesNotVouchForThePlanAfterIt() throws Exception {
        plan(6379, true);
        CliHarness cli = new CliHarness(dir, Instant.now());
        assertThat(cli.run("backup", "run").code()).isZero();
        CliRun restore = cli.run("restore-test");
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(cli.run("readiness").code()).isZero();

        // An empty snapshot no longer passes: the restore test that passed it does not vouch for that.
        plan(6379, false);
        CliRun checks = cli.run("readiness");
        assertThat(checks.out()).as(checks.all()).contains("Readiness of restored: NO-GO",
                "the plan's restore test of cache changed since");
        assertThat(checks.code()).isEqualTo(1);

        // A backup of another server since: the restore test is of a backup of the old one.
        plan(6379, true);
        assertThat(cli.run("readiness").code()).isZero();
        plan(6390, true);
        CliRun moved = cli.run("readiness");
        assertThat(moved.out()).as(moved.all()).contains("Readiness of restored: NO-GO",
                "it restored a backup of redis://127.0.0.1:6379; the plan's source cache is redis://127.0.0.1:6390");
        assertThat(moved.code()).isEqualTo(1);
    }

    /**
     * The newest backup's restore test failed (its copy damaged); an operator then restore-tested an
     * older backup with --backup, which passed. That newest entry was judged alone and readiness said
     * GO while the backup the source would be restored from had just failed its restore.
     */
    @Test
    void aPassingTestOfAnOlderBackupDoesNotHideTheNewerBackupsFailedTest() throws Exception {
        plan(6379, true);
        CliHarness cli = new CliHarness(dir, Instant.now());
        assertThat(cli.run("backup", "run").code()).isZero();
        String older = cli.entries("backup").get(0).id();
        cli.clock.advance(java.time.Duration.ofMinutes(10));
        assertThat(cli.run("backup", "run").code()).isZero();
        JsonNode newest = CliHarness.payload(cli.entries("backup").get(1));
        Path copy = Path.of(newest.path("copies").get(0).path("location").asText());
        Files.write(copy, new byte[] {'x'}, java.nio.file.StandardOpenOption.APPEND);
        CliRun failed = cli.run("restore-test");
        assertThat(failed.code()).as(failed.all()).isEqualTo(1);

        CliRun old = cli.run("restore-test", "--backup", older);
        assertThat(old.code()).as(old.all()).isZero();
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of restored: NO-GO",
                "but the restore test of a newer backup of cache failed");
        assertThat(readiness.code()).isEqualTo(1);
    }

    /**
     * Two backups; only the older one restore-tested (--backup). Readiness judged that passing entry
     * (nothing newer had failed) and said GO, while the newest backup, the one a failback restores,
     * was never restored. Then the newest is tested and readiness is GO; a backup taken after that
     * test leaves the restore unproven again until the new one is tested.
     */
    @Test
    void aPassingTestOfAnOlderBackupDoesNotVouchWhenTheNewestWasNeverTested() throws Exception {
        plan(6379, true);
        CliHarness cli = new CliHarness(dir, Instant.now());
        assertThat(cli.run("backup", "run").code()).isZero();
        String older = cli.entries("backup").get(0).id();
        cli.clock.advance(java.time.Duration.ofMinutes(10));
        assertThat(cli.run("backup", "run").code()).isZero();

        CliRun old = cli.run("restore-test", "--backup", older);
        assertThat(old.code()).as(old.all()).isZero();
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of restored: NO-GO",
                "but the newest verified backup of cache", "has no passing restore test");
        assertThat(readiness.code()).isEqualTo(1);
        CliRun risks = cli.run("readiness", "--format", "json");
        assertThat(risks.out()).contains("has no passing restore test");

        cli.clock.advance(java.time.Duration.ofMinutes(10));
        CliRun newest = cli.run("restore-test");
        assertThat(newest.code()).as(newest.all()).isZero();
        CliRun go = cli.run("readiness");
        assertThat(go.code()).as(go.all()).isZero();
        // An older backup tested again after the newest passed: the newest's own test still speaks for it.
        assertThat(cli.run("restore-test", "--backup", older).code()).isZero();
        assertThat(cli.run("readiness").code()).as("newest tested before").isZero();

        cli.clock.advance(java.time.Duration.ofMinutes(10));
        assertThat(cli.run("backup", "run").code()).isZero();
        CliRun stale = cli.run("readiness");
        assertThat(stale.out()).as(stale.all()).contains("Readiness of restored: NO-GO",
                "has no passing restore test (it was taken after this test)");
        assertThat(stale.code()).isEqualTo(1);
    }
}
