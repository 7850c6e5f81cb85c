package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune's second clock when every copy is in a local directory (whose times are this host's own):
 * the source's server. The clock jumps ten days ahead, less than the retention; the nightly backup
 * runs on it, then the prune. The newest backup looks fresh and the older ones older than they are:
 * before, the prune deleted a backup five days before its retention ended. The server's clock (Redis
 * {@code TIME}, MariaDB {@code UTC_TIMESTAMP()}) says otherwise. With a right clock the same plan
 * prunes as before. The backups' bytes come from a fixed producer; the prune's second clock from the
 * real server.
 */
class PruneSourceClockTest {
    @TempDir
    Path dir;

    private BackupPlan plan(String source) throws IOException {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: prune-clock}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - %s
                """.formatted(source));
        return PlanLoader.load(dir.resolve("preflight.yaml"), Map.of()).section("backups", BackupPlan.class).orElseThrow();
    }

    private List<String> backupsAt(BackupPlan plan, CliHarness cli, Instant... times) {
        List<String> ids = new ArrayList<>();
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock)) {
            BackupContext ctx = new BackupContext(plan, ledger, cli.clock, BackupFactories.stores(),
                    BackupTestKit.fixed("fixed bytes\n".getBytes(StandardCharsets.UTF_8)), null, Secrets.none());
            for (Instant t : times) {
                cli.clock.set(t);
                RunResult r = new BackupRun(ctx).run(plan.sources().get(0));
                assertThat(r.failure()).isNull();
                ids.add(r.entryId());
            }
        }
        return ids;
    }

    @Test
    void aClockAheadByLessThanTheRetentionIsCaughtByTheSourceServersClock() throws Exception {
        BackupPlan plan = plan("{name: cache, type: redis, redis: {host: 127.0.0.1, port: 6379}, retention: 15d}");
        Instant real = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CliHarness cli = new CliHarness(dir, real);
        List<String> ids = backupsAt(plan, cli, real.minus(Duration.ofDays(20)), real.minus(Duration.ofDays(10)),
                real.minus(Duration.ofMinutes(5)));

        // A right clock: the 20-day-old backup is past its 15 days, the others are kept.
        cli.clock.set(real.plus(Duration.ofMinutes(1)));
        CliRun right = cli.run("backup", "prune");
        assertThat(right.code()).as(right.all()).isZero();
        assertThat(right.out()).contains("delete   " + ids.get(0).substring(0, 8), "keep     " + ids.get(1).substring(0, 8),
                "1 backup(s) would be deleted");

        // Ten days ahead: the nightly backup, then the prune. The 10-day-old backup looks 20 days old.
        Instant ahead = real.plus(Duration.ofDays(10));
        ids.add(backupsAt(plan, cli, ahead).get(0));
        cli.clock.set(ahead.plus(Duration.ofHours(1)));
        CliRun wrong = cli.run("backup", "prune", "--apply");
        assertThat(wrong.code()).as(wrong.all()).isEqualTo(1);
        assertThat(wrong.out()).contains("REFUSED  " + ids.get(1).substring(0, 8),
                "but the server of cache (redis://127.0.0.1:6379) says " + real.toString().substring(0, 10),
                "0 backup(s) deleted");
        assertThat(Files.list(dir.resolve("onprem")).count()).isEqualTo(4);

        // A server that cannot be asked is no evidence either way: the prune goes by this clock, as before.
        plan("{name: cache, type: redis, redis: {host: 127.0.0.1, port: 1}, retention: 15d}");
        CliRun unknown = cli.run("backup", "prune");
        assertThat(unknown.out()).as(unknown.all()).doesNotContain("REFUSED");
    }

    @Test
    void theServersClockIsAskedWithOneQuery() throws Exception {
        BackupPlan redis = plan("{name: cache, type: redis, redis: {host: 127.0.0.1, port: 6379}}");
        Instant now = Instant.now();
        Instant r = new RedisProducer(redis.sources().get(0).redis(), new LocalProcessRunner(Secrets.none()),
                Duration.ofMinutes(1)).serverNow().orElseThrow();
        assertThat(Duration.between(now, r).toMillis()).isCloseTo(0L, within(5_000L));

        BackupPlan mysql = plan("{name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: mysql}}");
        Instant m = new MysqlProducer(mysql.sources().get(0).mysql(), new LocalProcessRunner(Secrets.none()),
                Duration.ofMinutes(1)).serverNow().orElseThrow();
        assertThat(Duration.between(now, m).toMillis()).isCloseTo(0L, within(5_000L));
    }
}
