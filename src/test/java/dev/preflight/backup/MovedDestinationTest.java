package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy vouches for the place it was written to: when the plan points a destination at another
 * directory after the backup (the old disk is being retired), the copy is not in the destination
 * the plan names, and readiness is not GO on it; {@code backup verify} re-read the file at its
 * old path and said ok. Against the local Redis.
 */
class MovedDestinationTest {
    private static final Instant T0 = Instant.parse("2026-11-20T01:30:00Z");

    @TempDir
    Path dir;

    private static String plan(String offsite) {
        return """
                version: 1
                project: {name: moved-destination}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                    - {name: offsite, type: local, path: %s}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: 6379}
                """.formatted(offsite);
    }

    @Test
    void aCopyInTheDirectoryADestinationNamedBeforeDoesNotCountForItNow() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), plan("backups/old-nas"));
        CliHarness cli = new CliHarness(dir, T0);
        CliRun backup = cli.run("backup", "run");
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(cli.run("backup", "verify").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();

        Files.writeString(dir.resolve("preflight.yaml"), plan("backups/new-nas"));
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of moved-destination: NO-GO",
                "backup cache (copy in offsite)", "new-nas");
        assertThat(readiness.code()).isEqualTo(1);

        Files.writeString(dir.resolve("preflight.yaml"), plan("backups/old-nas"));
        assertThat(cli.run("readiness").code()).isZero();
    }
}
