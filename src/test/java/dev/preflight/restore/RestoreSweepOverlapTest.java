package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.Leftovers;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.StdinSource;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep a restore test starts with reaches the staging server (a client process and a listing of
 * scratch databases) on its own thread, so that round trip overlaps the catalogue read that follows;
 * the local sweep and the ledger entry stay on the caller's thread, in {@link RestoreLeftovers.Sweep#finish()}.
 */
class RestoreSweepOverlapTest {
    @TempDir
    Path dir;

    /** The real client; the sweep's listing of scratch databases waits until {@code go} opens. */
    private static final class HeldListing implements SqlClient {
        private final SqlClient real;
        private final CountDownLatch listing;
        private final CountDownLatch go;

        HeldListing(SqlClient real, CountDownLatch listing, CountDownLatch go) {
            this.real = real;
            this.listing = listing;
            this.go = go;
        }

        @Override
        public String program() {
            return real.program();
        }

        @Override
        public ProcessResult query(String database, String sql) throws IOException, InterruptedException {
            if (sql.contains("SCHEMA_NAME LIKE '%restore%'")) {
                listing.countDown();
                go.await(10, TimeUnit.SECONDS);
            }
            return real.query(database, sql);
        }

        @Override
        public ProcessResult feed(String database, StdinSource stdin, Duration timeout)
                throws IOException, InterruptedException {
            return real.feed(database, stdin, timeout);
        }

        @Override
        public ProcessResult session(String database, StdinSource stdin, OutputStream stdout, Duration timeout)
                throws IOException, InterruptedException {
            return real.session(database, stdin, stdout, timeout);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void theStagingServerPartOfTheSweepRunsWhileTheCallerGoesOnAndFinishJoinsIt() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: sweep-overlap}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 3306, user: root, database: nothing_here}}
                restore_test:
                  source: db
                  target: {host: 127.0.0.1, port: 3306, user: root}
                """);
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        RestoreHarness cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext ctx = new RestoreContext(plan.section("restore_test", RestorePlan.class).orElseThrow(),
                    plan.section("backups", BackupPlan.class).orElseThrow(), ledger, cli.clock,
                    BackupFactories.stores(), runner, null, Secrets.none())
                    .withDrivers(new RestoreDrivers((p, r, removeOnSignal) -> new HeldListing(
                            RestoreDrivers.REAL.stagingSql().open(p, r, removeOnSignal), listing, go),
                            RestoreDrivers.REAL.scratchRedis()));

            RestoreLeftovers.Sweep sweep = new RestoreLeftovers(ctx).start("restore-test");
            // start() has returned while the listing is still held on the server side.
            assertThat(listing.await(10, TimeUnit.SECONDS)).as("the listing was sent").isTrue();
            assertThat(go.getCount()).isOne();
            go.countDown();

            List<Leftovers.Found> found = sweep.finish();

            // Nothing on the server is a dead process's (/tmp may hold what other killed runs left).
            assertThat(found).noneMatch(f -> f.what().equals("scratch database"));
            assertThat(sweep.finish()).as("finish is idempotent").isSameAs(found);
            assertThat(ledger.query(LedgerQuery.kind(Leftovers.KIND))).hasSize(found.isEmpty() ? 0 : 1);
        }
    }
}
