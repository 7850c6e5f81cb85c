package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.Child;
import dev.preflight.testing.PgDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bastions, two plan directories, one PostgreSQL ledger (#15.5): the cutover lock is held in
 * that database, so a second {@code cutover start} from the other directory is refused with exit 3
 * naming the first process; once the first is SIGKILLed its session ends, the lock is free, and the
 * other bastion resumes the cutover. Real processes throughout.
 */
class SharedLedgerCutoverLockIT {
    @TempDir
    Path dir;

    @Test
    void aSecondBastionIsRefusedNamingTheFirstAndTakesOverOnceTheFirstIsKilled() throws Exception {
        try (PgDatabase pg = new PgDatabase(); ColourServer blue = new ColourServer("blue");
             ColourServer green = new ColourServer("green")) {
            Path a = Files.createDirectories(dir.resolve("bastion-a"));
            Path b = Files.createDirectories(dir.resolve("bastion-b"));
            // The prepare step's worker check waits until the test lets it go: the first process holds the lock.
            Path started = dir.resolve("workers-started");
            Path release = dir.resolve("workers-release");
            Path workers = dir.resolve("workers.sh");
            Files.writeString(workers, "#!/bin/sh\ntouch '" + started + "'\nwhile [ ! -f '" + release
                    + "' ]; do sleep 0.1; done\n");
            Files.setPosixFilePermissions(workers, PosixFilePermissions.fromString("rwx------"));
            String plan = """
                    version: 1
                    project: {name: shared-cutover}
                    ledger: {url: "%s"}
                    environments:
                      - name: staging
                        hosts: [{name: me, uri: local}]
                    """.formatted(pg.url()) + CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(a),
                    "  prepare: {workers: [\"" + workers + "\"]}\n");
            Files.writeString(a.resolve("preflight.yaml"), plan);
            Files.writeString(b.resolve("preflight.yaml"), plan);

            Child first = Child.start(a, "first", "cutover", "start");
            try {
                first.awaitFile(started);
                assertThat(prepareStarted(pg.url())).as(first.output()).isTrue();

                Child second = Child.start(b, "second", "cutover", "start");
                assertThat(second.await()).as(second.output()).isEqualTo(3);
                assertThat(second.output()).containsPattern("another cutover of staging is running: \\S+@\\S+ pid "
                                + first.pid() + " since \\S+ \\(preflight cutover start\\), PostgreSQL session \\d+")
                        .contains("PostgreSQL advisory lock 'preflight:cutover:shared-cutover:staging'",
                                "in the ledger database 127.0.0.1:5432/" + pg.name)
                        .doesNotContain("postgres?user");
                // 'resume' from the other bastion would run the same steps at the same time: refused too.
                Child racer = Child.start(b, "racer", "cutover", "resume");
                assertThat(racer.await()).as(racer.output()).isEqualTo(3);
                assertThat(racer.output()).contains("another cutover of staging is running: ", " pid " + first.pid()
                        + " since ");
                // Nothing of the refused attempts reached the load balancer.
                assertThat(CommandLb.active(a)).isEqualTo("blue");
                assertThat(first.process.isAlive()).as("the first cutover still runs").isTrue();
            } finally {
                first.kill();
            }
            Files.writeString(release, "");

            // The killed holder's session is gone, and with it the lock: the other bastion carries on.
            Child resume = Child.start(b, "resume", "cutover", "resume");
            assertThat(resume.await()).as(resume.output()).isZero();
            assertThat(resume.output()).contains("prepare: attempt 1 was interrupted; running it again",
                    "cutover of staging is switched");
            assertThat(CommandLb.active(a)).isEqualTo("green");
            // No lock file was involved: the state, and so the lock, is in the shared database.
            assertThat(b.resolve(".preflight/cutover-staging.lock")).doesNotExist();
        }
    }

    private static boolean prepareStarted(String url) {
        try (Ledger l = Ledgers.open(url, Path.of("."), Secrets.none(), "test", Clock.systemUTC())) {
            return l.query(LedgerQuery.kind(CutoverHistory.KIND)).stream()
                    .anyMatch(e -> e.summary().startsWith("prepare attempt 1 started"));
        } catch (RuntimeException e) {
            return false; // the schema is being created by the first process
        }
    }
}
