package dev.preflight.restore;

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
 * Two projects on one ledger, each with a Redis source named {@code cache} of a server of its own
 * (spelled apart here: {@code 127.0.0.1} and {@code localhost}). The other project's newer backup is
 * not the one this project's failback would restore: its restore test, readiness and risk register
 * must judge this project's own backup, its verification and its test. Before, the shop's register went At risk ("the newest
 * verified backup of cache ... has no passing restore test") as soon as the blog backed up, the
 * shop's readiness judged the blog's backup as the shop's (a backup of another server: NO-GO) and
 * looked at its copies, and the shop's restore-test restored the blog's backup.
 */
class SharedLedgerRestoreTest {
    @TempDir
    Path dir;

    private CliHarness project(String name, String host, Instant start) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("preflight.yaml"), """
                version: 1
                project: {name: %s}
                ledger: {url: "sqlite:%s"}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                  sources:
                    - {name: cache, type: redis, redis: {host: %s, port: 6379}}
                restore_test:
                  redis: {source: cache, start_timeout: 60s, allow_empty: true}
                risks:
                  - name: restore
                    title: A failback with nothing restorable
                    mitigation: the newest verified backup is restore-tested
                    controls: [{evidence: backup, max_age: 7d}, {evidence: backup-verify, max_age: 7d},
                               {evidence: restore-test, max_age: 7d}]
                """.formatted(name, dir.resolve("shared.db"), host));
        return new CliHarness(p, start);
    }

    @Test
    void anotherProjectsNewerBackupOfASourceOfTheSameNameIsNotThisOnesToTest() throws Exception {
        Instant t = Instant.now();
        CliHarness shop = project("shop", "127.0.0.1", t);
        CliHarness blog = project("blog", "localhost", t.plus(Duration.ofMinutes(5)));

        assertThat(shop.run("backup", "run").code()).isZero();
        assertThat(shop.run("backup", "verify").code()).isZero();
        CliRun tested = shop.run("restore-test");
        assertThat(tested.code()).as(tested.all()).isZero();
        assertThat(shop.run("risks").out()).contains("Mitigated");

        CliRun other = blog.run("backup", "run");
        assertThat(other.code()).as(other.all()).isZero();
        blog.clock.advance(Duration.ofMinutes(1));
        assertThat(blog.run("backup", "verify").code()).isZero();

        shop.clock.set(t.plus(Duration.ofMinutes(10)));
        CliRun risks = shop.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("Mitigated").doesNotContain("has no passing restore test")
                .doesNotContain("it backed up redis://localhost:6379");
        assertThat(risks.code()).as(risks.all()).isZero();
        assertThat(shop.run("backup", "list").out()).contains("1 backup(s)");
        // Readiness judges and looks at the shop's own backup (#1), not the blog's newer one.
        CliRun readiness = shop.run("readiness");
        assertThat(readiness.code()).as(readiness.all()).isZero();
        assertThat(readiness.out()).contains("Readiness of shop: GO", "backup cache (copy in onprem): passed #1 ");

        // The shop's next restore test restores the shop's backup, not the blog's newer one.
        CliRun again = shop.run("restore-test");
        assertThat(again.code()).as(again.all()).isZero();
        String shopBackup = shop.run("--format", "json", "backup", "list").out();
        assertThat(again.err() + again.out()).contains(shopBackup.substring(shopBackup.indexOf("\"id\" : \"") + 8,
                shopBackup.indexOf("\"id\" : \"") + 16));

        // The blog's register still wants its own newest backup tested.
        CliRun blogRisks = blog.run("risks");
        assertThat(blogRisks.out()).as(blogRisks.all()).contains("At risk");
    }
}
