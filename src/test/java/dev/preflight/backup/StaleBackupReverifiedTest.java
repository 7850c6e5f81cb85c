package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backups section's max age is the backup's: the runbook backs up right before the change. A
 * backup ten days old that was verified again today is intact, but not recent: before, the verify
 * entry's time was judged instead of the backup's, so a nightly backup that stopped running ten days
 * ago was GO as soon as someone ran {@code backup verify}. And a backup vouches for the server it
 * was taken of: a source pointed at another server since is not GO on the backup of the old one.
 * Against the local Redis.
 */
class StaleBackupReverifiedTest {
    private static final Instant T0 = Instant.parse("2026-11-20T01:30:00Z");

    @TempDir
    Path dir;

    /** One Redis source (the local server) backed up to one local destination. */
    private static String redisPlan(String project) {
        return """
                version: 1
                project: {name: %s}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: 6379}
                """.formatted(project);
    }

    @Test
    void anOldBackupVerifiedAgainTodayIsStaleForTheVerdict() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), redisPlan("stale-backup"));
        CliHarness cli = new CliHarness(dir, T0);
        CliRun backup = cli.run("backup", "run");
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(cli.run("readiness").code()).isZero();

        cli.clock.advance(Duration.ofDays(10));
        CliRun verify = cli.run("backup", "verify");
        assertThat(verify.code()).as(verify.all()).isZero();
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of stale-backup: NO-GO",
                "backup cache (copy in onprem): stale, last passed #");
        assertThat(readiness.code()).isEqualTo(1);

        // A backup today is what makes it fresh again.
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();
    }

    @Test
    void aBackupOfTheServerTheSourceNamedBeforeAnEditDoesNotVouchForTheSourceAfterIt() throws Exception {
        String plan = redisPlan("moved-source");
        Files.writeString(dir.resolve("preflight.yaml"), plan);
        CliHarness cli = new CliHarness(dir, T0);
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(cli.run("backup", "verify").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();

        // The source now names another server (nothing was backed up of it).
        Files.writeString(dir.resolve("preflight.yaml"), plan.replace("port: 6379", "port: 6390"));
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of moved-source: NO-GO",
                "it backed up redis://127.0.0.1:6379; the plan's source cache is redis://127.0.0.1:6390");
        assertThat(readiness.code()).isEqualTo(1);

        Files.writeString(dir.resolve("preflight.yaml"), plan);
        assertThat(cli.run("readiness").code()).isZero();
    }
}
