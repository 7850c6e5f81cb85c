package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.StdinSource;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore test against a staging server that lies or loses data on the way: the real MariaDB behind
 * a client ({@link RestoreDrivers}) that rewrites answers or drops statements. Whatever it does, the
 * restore must not pass: the check that could not verify says so, the run fails with exit 1 and the
 * ledger records a failure, never an internal error and never a pass.
 */
class MisbehavingStagingTest {
    @TempDir
    Path dir;

    private final String db = "pf_mis_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private RestoreHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        RestoreHarness.sql("CREATE DATABASE " + db + ";\nUSE " + db + ";\n"
                + "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL);\n"
                + "CREATE TABLE audit_log (id INT PRIMARY KEY, note TEXT);\n"
                + "INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com') FROM seq_1_to_50;\n"
                + "INSERT INTO audit_log SELECT seq, 'created' FROM seq_1_to_40;\n"
                + "ANALYZE TABLE users, audit_log;\n");
        cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: misbehaving-staging}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}, name_pattern: "db-{date}-{time}"}
                restore_test:
                  source: db
                  target: {host: 127.0.0.1, port: 3306, user: root}
                """.formatted(db));
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        RestoreHarness.dropWithRestores(db);
    }

    /** The real client, with its row-count answers rewritten and the INSERTs into one table dropped. */
    private static final class Misbehaving implements SqlClient {
        private final SqlClient real;
        private final UnaryOperator<String> countAnswers;
        private final String lostTable;

        Misbehaving(SqlClient real, UnaryOperator<String> countAnswers, String lostTable) {
            this.real = real;
            this.countAnswers = countAnswers;
            this.lostTable = lostTable;
        }

        @Override
        public String program() {
            return real.program();
        }

        @Override
        public ProcessResult query(String database, String sql) throws IOException, InterruptedException {
            ProcessResult r = real.query(database, sql);
            // The checks' row counts: SELECT 'table', COUNT(*) FROM `db`.`table` [UNION ALL ...].
            if (sql.startsWith("SELECT '") && sql.contains(", COUNT(*) FROM ")) {
                return new ProcessResult(r.exitCode(), countAnswers.apply(r.stdout()), r.stderr(), r.timedOut(),
                        r.truncated(), r.stdoutBytes(), r.elapsed(), r.startFailure());
            }
            return r;
        }

        @Override
        public ProcessResult feed(String database, StdinSource stdin, Duration timeout)
                throws IOException, InterruptedException {
            return real.feed(database, losing(stdin), timeout);
        }

        @Override
        public ProcessResult session(String database, StdinSource stdin, OutputStream stdout, Duration timeout)
                throws IOException, InterruptedException {
            return real.session(database, losing(stdin), stdout, timeout);
        }

        /** The statements on their way to the server, without the lines inserting into the lost table. */
        private StdinSource losing(StdinSource stdin) {
            if (lostTable == null) {
                return stdin;
            }
            byte[] prefix = ("INSERT INTO `" + lostTable + "`").getBytes(StandardCharsets.UTF_8);
            return out -> stdin.writeTo(new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public void write(int b) throws IOException {
                    line.write(b);
                    if (b == '\n') {
                        flushLine();
                    }
                }

                private boolean dropping;

                // An INSERT may run over several lines (one row per line): dropped up to its ';'.
                private void flushLine() throws IOException {
                    byte[] l = line.toByteArray();
                    line.reset();
                    dropping |= l.length >= prefix.length && Arrays.equals(l, 0, prefix.length, prefix, 0, prefix.length);
                    if (!dropping) {
                        out.write(l);
                    } else if (new String(l, StandardCharsets.UTF_8).strip().endsWith(";")) {
                        dropping = false;
                    }
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    flushLine();
                    out.flush();
                }
            });
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** The plan's restore context over the real ledger and runner, its SQL client made by {@code sql}. */
    private RestoreContext context(Plan plan, Ledger ledger, LocalProcessRunner runner, RestoreDrivers.StagingSql sql) {
        return new RestoreContext(plan.section("restore_test", RestorePlan.class).orElseThrow(),
                plan.section("backups", BackupPlan.class).orElseThrow(), ledger, cli.clock,
                BackupFactories.stores(), runner, null, Secrets.none())
                .withDrivers(new RestoreDrivers(sql, RestoreDrivers.REAL.scratchRedis()));
    }

    private record Outcomes(RestoreRun run, LedgerEntry entry) {
    }

    private Outcomes restoreThrough(UnaryOperator<String> countAnswers, String lostTable) throws Exception {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext lying = context(plan, ledger, runner, (p, r, removeOnSignal) -> new Misbehaving(
                    RestoreDrivers.REAL.stagingSql().open(p, r, removeOnSignal), countAnswers, lostTable));
            RestoreRun run = new RestoreTest(lying).run(null, new RestoreTest.Options("latest", false, false));
            List<LedgerEntry> entries = ledger.query(LedgerQuery.kind(RestoreEvidence.KIND));
            assertThat(entries).hasSize(1);
            return new Outcomes(run, entries.get(0));
        }
    }

    @Test
    void anHonestClientPassesSoTheFailuresBelowAreTheClientsDoing() throws Exception {
        Outcomes o = restoreThrough(UnaryOperator.identity(), null);

        assertThat(o.run().results()).singleElement().satisfies(r -> assertThat(r.passed()).as(r.checks().toString()).isTrue());
        assertThat(o.entry().outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void rowsLostOnTheWayInFailTheRowCheckOfThatTableAndTheRun() throws Exception {
        Outcomes o = restoreThrough(UnaryOperator.identity(), "audit_log");

        RestoreResult r = o.run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.checks()).as(r.checks().toString()).filteredOn(c -> !c.passed()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("rows");
            assertThat(c.name()).isEqualTo("audit_log");
            assertThat(c.detail()).startsWith("0 rows restored, 40 in the dump");
        });
        assertThat(o.entry().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aRowCountThatIsNotANumberFailsThatCheckInsteadOfPassingOrCrashing() throws Exception {
        // What a client prints for NULL, or a proxy's warning where the number should be.
        Outcomes o = restoreThrough(out -> out.replace("users\t50", "users\tNULL"), null);

        RestoreResult r = o.run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.checks()).filteredOn(c -> !c.passed()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("rows");
            assertThat(c.name()).isEqualTo("users");
            assertThat(c.detail()).isEqualTo("the server's row count is not a number: 'NULL'; 50 rows in the dump not verified");
        });
        assertThat(r.checks()).filteredOn(c -> c.kind().equals("rows") && c.name().equals("audit_log"))
                .singleElement().satisfies(c -> assertThat(c.passed()).isTrue());
        assertThat(o.entry().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aCountAnswerMissingATableFailsThatTableAsNotCounted() throws Exception {
        Outcomes o = restoreThrough(out -> out.lines().filter(l -> !l.startsWith("users\t"))
                .map(l -> l + "\n").reduce("", String::concat), null);

        RestoreResult r = o.run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.checks()).filteredOn(c -> !c.passed()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("rows");
            assertThat(c.name()).isEqualTo("users");
            assertThat(c.detail()).isEqualTo("the server's count has no row for this table; 50 rows in the dump not verified");
        });
        assertThat(o.entry().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aDriverThatBreaksStillLeavesTheLedgerSayingFailedAndTheErrorReachesTheCaller() throws Exception {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext broken = context(plan, ledger, runner, (p, r, removeOnSignal) -> {
                throw new IllegalStateException("driver bug");
            });

            assertThatThrownBy(() -> new RestoreTest(broken).run(null, new RestoreTest.Options("latest", false, false)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("driver bug");
            assertThat(ledger.query(LedgerQuery.kind(RestoreEvidence.KIND))).singleElement().satisfies(e -> {
                assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(e.summary()).contains("internal error");
            });
        }
    }

    /**
     * A staging server whose first parallel session stops at a deadlock on the first statement it is
     * sent, as the real client does: it exits with the error, whatever else is queued for it. (It
     * used to wait for a kilobyte; a session that was sent only a sync marker then never ended and
     * the load waited for its echo forever, which hung the suite when that session was not the first.)
     */
    private static final class FirstSessionDeadlocks implements SqlClient {
        private final SqlClient real;
        private final AtomicInteger sessions;
        private final boolean serialDeadlocksToo;

        FirstSessionDeadlocks(SqlClient real, AtomicInteger sessions, boolean serialDeadlocksToo) {
            this.real = real;
            this.sessions = sessions;
            this.serialDeadlocksToo = serialDeadlocksToo;
        }

        private static ProcessResult deadlock(StdinSource stdin) {
            try {
                stdin.writeTo(new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("connection closed by the server");
                    }
                });
            } catch (IOException expected) {
                // the server hung up, as a client's stdin sees it
            }
            return new ProcessResult(1, "", "ERROR 1213 (40001) at line 15: Deadlock found when trying to get lock; "
                    + "try restarting transaction\n", false, false, 0, Duration.ofMillis(5), null);
        }

        @Override
        public String program() {
            return real.program();
        }

        @Override
        public ProcessResult query(String database, String sql) throws IOException, InterruptedException {
            return real.query(database, sql);
        }

        @Override
        public ProcessResult feed(String database, StdinSource stdin, Duration timeout)
                throws IOException, InterruptedException {
            return serialDeadlocksToo ? deadlock(stdin) : real.feed(database, stdin, timeout);
        }

        @Override
        public ProcessResult session(String database, StdinSource stdin, OutputStream stdout, Duration timeout)
                throws IOException, InterruptedException {
            return sessions.getAndIncrement() == 0 ? deadlock(stdin) : real.session(database, stdin, stdout, timeout);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    private RestoreRun restoreWith(boolean serialDeadlocksToo) throws Exception {
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        AtomicInteger sessions = new AtomicInteger();
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext ctx = context(plan, ledger, runner, (p, r, removeOnSignal) -> new FirstSessionDeadlocks(
                    RestoreDrivers.REAL.stagingSql().open(p, r, removeOnSignal), sessions, serialDeadlocksToo));
            RestoreRun run = new RestoreTest(ctx).run(null, new RestoreTest.Options("latest", false, false));
            assertThat(sessions.get()).as("the load went parallel first").isGreaterThanOrEqualTo(1);
            assertThat(ledger.query(LedgerQuery.kind(RestoreEvidence.KIND))).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(run.results().get(0).passed() ? Outcome.PASSED : Outcome.FAILED));
            return run;
        }
    }

    @Test
    void aDeadlockInTheParallelLoadIsRetriedOverOneConnectionIntoAnEmptiedDatabaseAndThenVerified() throws Exception {
        RestoreResult r = restoreWith(false).results().get(0);

        assertThat(r.passed()).as(r.checks().toString()).isTrue();
        assertThat(r.checks()).filteredOn(c -> c.kind().equals("restore")).singleElement().satisfies(c -> assertThat(c.detail())
                .contains("over one connection, after the parallel load stopped at a lock conflict (ERROR 1213 (40001) at "
                        + "line 15: Deadlock found", "and the database was emptied"));
        // The rows are the dump's exactly: nothing the stopped parallel sessions inserted was counted twice.
        assertThat(r.checks()).filteredOn(c -> c.kind().equals("rows")).extracting(Check::detail)
                .anySatisfy(d -> assertThat(d).startsWith("50 rows (dump 50"))
                .anySatisfy(d -> assertThat(d).startsWith("40 rows (dump 40"));
    }

    @Test
    void aDeadlockAgainOverOneConnectionFailsTheRestore() throws Exception {
        RestoreResult r = restoreWith(true).results().get(0);

        assertThat(r.passed()).isFalse();
        assertThat(r.failure()).contains("ERROR 1213");
    }
}
