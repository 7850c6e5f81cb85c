package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code preflight readiness} judges from the ledger, but a verified copy can be deleted or replaced
 * on disk afterwards (a cleanup job, a full disk, a colleague). Before readiness looked, it was GO on
 * a backup whose every copy was gone, until the next verify or the max age. Now it asks each store
 * whether the newest backup's copies are still there at their recorded size, records what it found
 * ({@code backup-presence}), and a missing copy is NO-GO until it is back (or backed up again).
 * Against the real local Redis.
 */
class CopyPresenceTest {
    @TempDir
    Path dir;
    CliHarness cli;

    @BeforeEach
    void plan() throws Exception {
        cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: presence}
                backups:
                  log: backups/backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                    - {name: second, type: local, path: backups/second}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: 6379}
                risks:
                  - name: backup-corruption
                    title: Backup corruption
                    controls: [{evidence: backup-verify, subject: cache, max_age: 24h}]
                """);
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(cli.run("backup", "verify").code()).isZero();
        CliRun ok = cli.run("readiness");
        assertThat(ok.out()).as(ok.all()).contains("Readiness of presence: GO", "backups       PASSED  2 copies of 1 backup(s) present");
        assertThat(ok.code()).isZero();
    }

    private Path copyIn(String destination) throws Exception {
        try (var files = Files.list(dir.resolve("backups").resolve(destination))) {
            return files.filter(f -> f.getFileName().toString().startsWith("cache-")).findFirst().orElseThrow();
        }
    }

    @Test
    void aCopyDeletedAfterVerifyIsNoGoUntilItIsBack() throws Exception {
        Path copy = copyIn("second");
        Path aside = dir.resolve("aside");
        Files.move(copy, aside);

        CliRun gone = cli.run("readiness");
        assertThat(gone.out()).as(gone.all()).contains("Readiness of presence: NO-GO",
                "backups       FAILED  1 of 2 copies of 1 backup(s) not present",
                "copy in second", copy + " missing");
        assertThat(gone.code()).isEqualTo(1);
        // The risk register judges the verification by the owner's judge: the copy it vouched for is gone.
        CliRun risks = cli.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("Open", copy + " missing when readiness looked at");
        assertThat(risks.code()).isEqualTo(1);
        List<LedgerEntry> checks = cli.entries("backup-presence");
        assertThat(checks).hasSize(2);
        assertThat(checks.get(1).outcome().isGood()).isFalse();
        // run --format json agrees, and so does the risk-free verdict of run's own judge: readiness again.
        assertThat(cli.run("readiness").code()).isEqualTo(1);

        // Put back: the next look finds it, and the verification of those very bytes speaks again.
        Files.move(aside, copy);
        CliRun back = cli.run("readiness");
        assertThat(back.out()).as(back.all()).contains("Readiness of presence: GO");
        assertThat(back.code()).isZero();
    }

    @Test
    void aCopyReplacedByOtherBytesOfAnotherSizeIsNoGo() throws Exception {
        Path copy = copyIn("onprem");
        Files.writeString(copy, "truncated");
        CliRun r = cli.run("readiness");
        assertThat(r.out()).as(r.all()).contains("Readiness of presence: NO-GO", "copy in onprem",
                copy + " size differs (9 bytes, recorded ");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void everyCopyGoneIsNoGoEvenWithoutAVerification() throws Exception {
        assertThat(cli.run("backup", "run").code()).isZero();
        Files.copy(copyIn("onprem"), dir.resolve("kept"), StandardCopyOption.REPLACE_EXISTING);
        for (String d : List.of("onprem", "second")) {
            try (var files = Files.list(dir.resolve("backups").resolve(d))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        CliRun r = cli.run("readiness");
        assertThat(r.out()).as(r.all()).contains("Readiness of presence: NO-GO",
                "backups       FAILED  2 of 2 copies of 1 backup(s) not present");
        assertThat(r.code()).isEqualTo(1);
    }

    /** The same look through S3 (a HEAD per copy, against a real S3 server in-process). */
    @Test
    void anS3CopyDeletedAfterVerifyIsNoGo() throws Exception {
        try (InProcessS3 s3 = new InProcessS3(); var client = s3.client()) {
            client.createBucket(b -> b.bucket("academy-backups"));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: presence}
                    backups:
                      log: backups/backup-log.md
                      destinations:
                        - {name: onprem, type: local, path: backups/onprem}
                        - {name: offsite, type: s3, bucket: academy-backups, prefix: redis, %s}
                      sources:
                        - name: cache
                          type: redis
                          redis: {host: 127.0.0.1, port: 6379}
                    """.formatted(s3.yaml()));
            assertThat(cli.run("backup", "run").code()).isZero();
            assertThat(cli.run("backup", "verify").code()).isZero();
            CliRun ok = cli.run("readiness");
            assertThat(ok.out()).as(ok.all()).contains("Readiness of presence: GO", "2 copies of 1 backup(s) present");

            String key = client.listObjectsV2(b -> b.bucket("academy-backups").prefix("redis/")).contents().get(0).key();
            client.deleteObject(b -> b.bucket("academy-backups").key(key));
            CliRun gone = cli.run("readiness");
            assertThat(gone.out()).as(gone.all()).contains("Readiness of presence: NO-GO", "copy in offsite",
                    "s3://academy-backups/" + key + " missing");
            assertThat(gone.code()).isEqualTo(1);
        }
    }
}
