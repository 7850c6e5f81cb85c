package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.StdinSource;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke checks of a restored database in as few sequential round trips as they allow: counting
 * rows scans every table (most of the checks' time), and the plan's SQL checks do not depend on the
 * counts, so they run while the counts do, on the real server; the report keeps its order.
 */
class RestoreChecksOverlapTest {
    @TempDir
    Path dir;

    private final String db = "pf_co_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private RestoreHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        RestoreHarness.sql("CREATE DATABASE " + db + ";\nUSE " + db + ";\n"
                + "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL);\n"
                + "INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com') FROM seq_1_to_50;\n"
                + "ANALYZE TABLE users;\n");
        cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: checks-overlap}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}, name_pattern: "db-{date}-{time}"}
                restore_test:
                  source: db
                  target: {host: 127.0.0.1, port: 3306, user: root}
                  sql_checks:
                    - {name: users exist, sql: "SELECT COUNT(*) FROM users", expect: "> 0"}
                    - {name: newest id, sql: "SELECT MAX(id) FROM users", expect: "= 50"}
                    - {name: other db, sql: "SELECT COUNT(*) FROM %s.users", expect: "> 0"}
                """.formatted(db, db));
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        RestoreHarness.dropWithRestores(db);
    }

    /** The real client; a row count answers only once a SQL check was sent (or after 5 s), and says which. */
    private static final class CountWaitsForSql implements SqlClient {
        private final SqlClient real;
        private final CountDownLatch sqlSent;
        private final AtomicBoolean overlapped;
        private final List<String> queries;

        CountWaitsForSql(SqlClient real, CountDownLatch sqlSent, AtomicBoolean overlapped, List<String> queries) {
            this.real = real;
            this.sqlSent = sqlSent;
            this.overlapped = overlapped;
            this.queries = queries;
        }

        @Override
        public String program() {
            return real.program();
        }

        @Override
        public ProcessResult query(String database, String sql) throws IOException, InterruptedException {
            queries.add(sql);
            if (sql.startsWith("SELECT COUNT(*) FROM users") || sql.startsWith("SELECT MAX(id)")) {
                sqlSent.countDown();
            }
            ProcessResult r = real.query(database, sql);
            if (sql.startsWith("SELECT '") && sql.contains(", COUNT(*) FROM ")) {
                overlapped.set(sqlSent.await(5, TimeUnit.SECONDS));
            }
            return r;
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
    void theSqlChecksRunWhileTheRowsAreCountedAndAreReportedInTheirOrderAfterTheRows() throws Exception {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        CountDownLatch sqlSent = new CountDownLatch(1);
        AtomicBoolean overlapped = new AtomicBoolean();
        List<String> queries = new CopyOnWriteArrayList<>();
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext ctx = new RestoreContext(plan.section("restore_test", RestorePlan.class).orElseThrow(),
                    plan.section("backups", BackupPlan.class).orElseThrow(), ledger, cli.clock,
                    BackupFactories.stores(), runner, null, Secrets.none())
                    .withDrivers(new RestoreDrivers((p, r, removeOnSignal) -> new CountWaitsForSql(
                            RestoreDrivers.REAL.stagingSql().open(p, r, removeOnSignal), sqlSent, overlapped, queries),
                            RestoreDrivers.REAL.scratchRedis()));
            RestoreResult r = new RestoreTest(ctx).run(null, new RestoreTest.Options("latest", false, false))
                    .results().get(0);

            assertThat(overlapped).as("a SQL check was sent before the row count answered").isTrue();
            assertThat(r.checks()).extracting(c -> c.kind() + " " + c.name()).containsExactly("artifact onprem",
                    "restore " + r.restoredTo().substring(r.restoredTo().indexOf('/') + 1), "structure tables",
                    "rows users", "sql users exist", "sql newest id", "sql other db");
            assertThat(r.checks()).filteredOn(c -> c.kind().equals("sql")).extracting(Check::passed)
                    .containsExactly(true, true, false);
            // The check naming another database is refused, never sent.
            assertThat(queries).noneMatch(q -> q.contains(db + ".users"));
        }
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
    }
}
