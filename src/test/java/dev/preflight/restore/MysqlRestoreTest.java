package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupFactories;
import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.Owner;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore tests of MariaDB dumps made by the backups code, against the real local server. */
class MysqlRestoreTest {
    @TempDir
    Path dir;

    private final String db = "pf_rt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private RestoreHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        RestoreHarness.sql("CREATE DATABASE " + db + ";\nUSE " + db + ";\n"
                + "CREATE TABLE users (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(100) NOT NULL, "
                + "created_at DATETIME NOT NULL);\n"
                + "CREATE TABLE audit_log (id INT PRIMARY KEY AUTO_INCREMENT, user_id INT, note TEXT);\n"
                + "CREATE TABLE empty_one (id INT);\n"
                + "CREATE VIEW user_emails AS SELECT id, email FROM users;\n"
                + "DELIMITER //\n"
                + "CREATE PROCEDURE count_users(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM users; END//\n"
                + "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2//\n"
                + "CREATE TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW BEGIN "
                + "INSERT INTO audit_log (user_id, note) VALUES (NEW.id, 'it''s (created); \\\\ ok'); END//\n"
                + "DELIMITER ;\n"
                + "CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit_log WHERE id < 0;\n"
                + "INSERT INTO users (email, created_at) SELECT CONCAT('user', seq, '@example.com'), "
                + "UTC_TIMESTAMP() - INTERVAL seq MINUTE FROM seq_1_to_50;\n"
                + "ANALYZE TABLE users, audit_log, empty_one;\n");
        // The clock is real time: the freshness check compares the newest row with the backup's start.
        cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    @AfterEach
    void tearDown() throws Exception {
        RestoreHarness.dropWithRestores(db);
    }

    private void plan(String sqlChecks, String extraTarget) throws Exception {
        plan(sqlChecks, extraTarget, "0.05");
    }

    private void plan(String sqlChecks, String extraTarget, String tolerance) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: restore-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - name: academy-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                      compression: gzip
                      name_pattern: "academy-{date}-{time}"
                restore_test:
                  source: academy-db
                  target: {host: 127.0.0.1, port: 3306, user: root%s}
                  row_count_tolerance: %s
                  sql_checks:
                %s""".formatted(db, extraTarget, tolerance, sqlChecks));
    }

    private static final String GOOD_CHECKS = """
                    - {name: users exist, sql: "SELECT COUNT(*) FROM users", expect: "> 0"}
                    - {name: trigger fired, sql: "SELECT COUNT(*) FROM audit_log", expect: "= 50"}
                    - {name: fresh users, sql: "SELECT MAX(created_at) FROM users", expect: "within 24h of backup"}
                """;

    private String backup() {
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();
        return cli.entries("backup").get(0).id();
    }

    @Test
    void aDumpFromTheBackupsRestoresIntoAScratchDatabaseWithEveryObjectAndIsRecordedAgainstTheBackup() throws Exception {
        plan(GOOD_CHECKS, "");
        String backupId = backup();
        cli.clock.set(cli.clock.instant().plusSeconds(60));

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isZero();
        // <db>_restore_<stamp>_<owner: this JVM's pid, start time and host tag>.
        String scratch = db + "_restore_" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(ZoneOffset.UTC).format(cli.clock.instant()) + "_"
                + Owner.me().dbToken();
        assertThat(r.out()).contains("PASSED  academy-db  backup " + backupId.substring(0, 8),
                "-> 127.0.0.1:3306/" + scratch,
                "ok    artifact onprem:", "as recorded",
                "ok    structure tables: 3 of 3 present", "ok    structure views: 1 of 1 present",
                "ok    structure procedures: 1 of 1 present", "ok    structure functions: 1 of 1 present",
                "ok    structure triggers: 1 of 1 present", "ok    structure events: 1 of 1 present",
                "ok    rows: 3 table(s)",
                "ok    sql users exist: 50 (expected > 0)", "ok    sql trigger fired: 50 (expected = 50)",
                "ok    sql fresh users:",
                "scratch database 127.0.0.1:3306/" + scratch + " dropped",
                "1 restore test(s) passed, 0 failed");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();

        List<LedgerEntry> tests = cli.entries("restore-test");
        assertThat(tests).hasSize(1);
        LedgerEntry e = tests.get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
        JsonNode p = RestoreHarness.payload(e);
        LedgerEntry backupEntry = cli.entries("backup").get(0);
        assertThat(p.path("backup_id").asText()).isEqualTo(backupEntry.id());
        assertThat(p.path("backup_seq").asLong()).isEqualTo(backupEntry.seq());
        assertThat(p.path("restore_ms").isNumber()).isTrue();
        assertThat(p.path("artifact_bytes").asLong()).isEqualTo(RestoreHarness.payload(backupEntry).path("size").asLong());
        assertThat(p.path("data_bytes").asLong()).isGreaterThan(p.path("artifact_bytes").asLong());
        assertThat(p.path("checks")).allSatisfy(c -> assertThat(c.path("outcome").asText()).isEqualTo("passed"));
        assertThat(p.path("checks").toString()).contains("\"name\":\"users\"", "\"name\":\"audit_log\"",
                "50 rows (dump 50");

        CliRun list = cli.run("backup", "list");
        assertThat(list.out()).contains("restore-tested: passed " + e.time());
        JsonNode json = Json.parse(cli.run("backup", "list", "--format", "json").out());
        assertThat(json.get(0).path("restore_tested").asText()).isEqualTo("passed " + e.time());
        assertThat(json.get(0).path("id").asText()).isEqualTo(backupEntry.id());
    }

    @Test
    void aFailingSqlAssertionFailsTheRunWithTheAssertionNamedAndTheScratchDatabaseIsStillDropped() throws Exception {
        plan(GOOD_CHECKS + "    - {name: no users yet, sql: \"SELECT COUNT(*) FROM users\", expect: \"= 0\"}\n", "");
        backup();

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  academy-db", "FAIL  sql no users yet: got '50', expected '0'",
                "ok    sql users exist", "0 restore test(s) passed, 1 failed");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        LedgerEntry e = cli.entries("restore-test").get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.summary()).contains("sql no users yet");
    }

    /**
     * A smoke check that names another database (copied from a console on production: {@code
     * db.users}) reads that database, not the restored copy: it passed whatever the restore held.
     */
    @Test
    void aSqlCheckThatNamesAnotherDatabaseFailsInsteadOfCheckingIt() throws Exception {
        plan(GOOD_CHECKS + "    - {name: prod users, sql: \"SELECT COUNT(*) FROM `" + db + "`.users\", expect: \"> 0\"}\n"
                + "    - {name: prod emails, sql: \"SELECT COUNT(*) FROM " + db + " . user_emails\", expect: \"> 0\"}\n"
                + "    - {name: schema, sql: \"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                + "DATABASE()\", expect: \"> 0\"}\n"
                + "    - {name: literal, sql: \"SELECT COUNT(*) FROM users WHERE email <> '" + db + ".users'\", "
                + "expect: \"> 0\"}\n", "");
        backup();

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  sql prod users: the query names the database " + db,
                "FAIL  sql prod emails: the query names the database " + db, "ok    sql schema:", "ok    sql literal:",
                "ok    sql users exist");
    }

    @Test
    void aCorruptedArtifactIsRefusedBeforeAnythingTouchesTheServer() throws Exception {
        plan(GOOD_CHECKS, "");
        backup();
        for (String d : List.of("onprem", "second")) {
            try (Stream<Path> s = Files.list(dir.resolve(d))) {
                Path f = s.findFirst().orElseThrow();
                byte[] b = Files.readAllBytes(f);
                b[b.length / 2] ^= 0x01;
                Files.write(f, b, StandardOpenOption.TRUNCATE_EXISTING);
            }
        }

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  academy-db", "matches its recorded SHA-256: it was not restored",
                "FAIL  artifact");
        assertThat(r.out()).doesNotContain("restore time", "structure");
        // Nothing reached the server: no scratch database was ever created.
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        assertThat(r.err()).doesNotContain("restoring into");
        JsonNode p = RestoreHarness.payload(cli.entries("restore-test").get(0));
        assertThat(p.path("restored_to").isNull()).isTrue();
        assertThat(p.path("checks")).hasSize(1);
    }

    @Test
    void aCopyThatWasDeletedIsSkippedAndTheOtherVerifiedCopyIsRestored() throws Exception {
        plan(GOOD_CHECKS, "");
        backup();
        try (Stream<Path> s = Files.list(dir.resolve("onprem"))) {
            Files.delete(s.findFirst().orElseThrow());
        }

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("ok    artifact second:", "onprem/academy-", ": missing)");
    }

    @Test
    void aTableDroppedAfterTheRestoreIsReportedByNameWhenTheChecksRunAgain() throws Exception {
        plan(GOOD_CHECKS, "");
        backup();
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        RestoreResult r;
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(Secrets.none())) {
            RestoreContext restore = new RestoreContext(plan.section("restore_test", RestorePlan.class).orElseThrow(),
                    plan.section("backups", BackupPlan.class).orElseThrow(), ledger, cli.clock,
                    BackupFactories.stores(), runner, null, Secrets.none());
            r = new RestoreTest(restore).run(null, new RestoreTest.Options("latest", true, false)).results().get(0);
            assertThat(r.passed()).as(r.checks().toString()).isTrue();
            assertThat(r.kept()).isTrue();
            String scratch = r.mysql().database();
            assertThat(RestoreHarness.databases(db + "_restore_")).containsExactly(scratch);

            RestoreHarness.sql("DROP TABLE " + scratch + ".audit_log");
            List<Check> again = new MysqlChecks(restore).run(r.mysql());

            assertThat(again).filteredOn(c -> !c.passed()).extracting(Check::kind, Check::name).contains(
                    Tuple.tuple("structure", "tables"),
                    Tuple.tuple("rows", "audit_log"));
            assertThat(again).filteredOn(c -> c.kind().equals("structure") && c.name().equals("tables"))
                    .singleElement().extracting(Check::detail).asString()
                    .contains("missing after restore: audit_log", "2 of 3 present");
            assertThat(again).filteredOn(c -> c.kind().equals("rows") && c.name().equals("users"))
                    .singleElement().extracting(Check::passed).isEqualTo(true);
        }
    }

    @Test
    void replaceNeedsTheDatabaseNamedInThePlanAndOtherwiseNeverTouchesAnExistingDatabase() throws Exception {
        plan(GOOD_CHECKS, "");
        backup();
        CliRun r = cli.run("restore-test", "--replace");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--replace needs the database to replace named in the plan");

        String named = db + "_staging";
        try {
            RestoreHarness.sql("CREATE DATABASE " + named + "; CREATE TABLE " + named + ".old_stuff (id INT);");
            plan(GOOD_CHECKS, ", database: " + named);
            // Without --replace the named database is left alone: a scratch database is used.
            CliRun scratch = cli.run("restore-test");
            assertThat(scratch.code()).as(scratch.all()).isZero();
            assertThat(scratch.out()).contains("-> 127.0.0.1:3306/" + db + "_restore_");
            assertThat(RestoreHarness.sql("SHOW TABLES FROM " + named)).contains("old_stuff");

            CliRun replaced = cli.run("restore-test", "--replace");
            assertThat(replaced.code()).as(replaced.all()).isZero();
            assertThat(replaced.out()).contains("-> 127.0.0.1:3306/" + named);
            assertThat(RestoreHarness.sql("SHOW TABLES FROM " + named)).doesNotContain("old_stuff").contains("users");
        } finally {
            RestoreHarness.sql("DROP DATABASE IF EXISTS " + named);
        }
    }

    @Test
    void cliRefusesWhatItCannotDo() throws Exception {
        plan(GOOD_CHECKS, "");
        CliRun none = cli.run("restore-test");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.out()).contains("no current backup of academy-db in the ledger");

        CliRun zero = cli.run("restore-test", "--parallel", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--parallel must be between 1 and 64, not 0");

        CliRun bad = cli.run("restore-test", "--source", "nope");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("does not restore a source named 'nope'");

        backup();
        CliRun unknown = cli.run("restore-test", "--backup", "ffffffff");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no current backup with id ffffffff");
    }

    @Test
    void preflightRunIncludesTheRestoreTest() throws Exception {
        plan(GOOD_CHECKS, "");
        CliRun r = cli.run("run");
        assertThat(r.out()).as(r.all()).contains("restore-test  PASSED");
        assertThat(cli.entries("restore-test")).hasSize(1);
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
    }

    /** Enough rows that mariadb-dump writes several INSERT statements (about 1 MB each) per table. */
    private void bigTable() throws Exception {
        RestoreHarness.sql("USE " + db + ";\n CREATE TABLE " + db + ".big (id INT PRIMARY KEY, a CHAR(32), payload VARCHAR(1000)) "
                + "ENGINE=InnoDB;\n INSERT INTO " + db + ".big SELECT seq, MD5(seq), CONCAT(REPEAT(MD5(seq), 30), "
                + "' it''s; \\\\ (x)') FROM seq_1_to_6000;\n INSERT INTO " + db + ".users (email, created_at) "
                + "SELECT CONCAT('more', seq, '@example.com'), UTC_TIMESTAMP() FROM seq_1_to_3000;\n"
                + "ANALYZE TABLE " + db + ".big, " + db + ".users;");
    }

    @Test
    void aLoadOverSeveralConnectionsRestoresExactlyWhatASerialLoadDoesAndNoTriggerFiresForDumpedRows()
            throws Exception {
        bigTable();
        // InnoDB's row estimates for the new table are rough: the exact check is against the dump.
        plan("""
                    - {name: trigger fired once per user, sql: "SELECT COUNT(*) FROM audit_log", expect: "= 3050"}
                """, "", "0.5");
        backup();
        String dump = RestoreHarness.sql("SELECT COUNT(*) FROM " + db + ".big");
        assertThat(dump.strip()).isEqualTo("6000");

        CliRun parallel = cli.run("restore-test", "--keep", "--parallel", "4");
        cli.clock.set(cli.clock.instant().plusSeconds(1));
        CliRun serial = cli.run("restore-test", "--keep", "--parallel", "1");

        assertThat(parallel.code()).as(parallel.all()).isZero();
        assertThat(serial.code()).as(serial.all()).isZero();
        assertThat(parallel.out()).contains("over 4 connections", "ok    sql trigger fired once per user: 3050");
        assertThat(serial.out()).doesNotContain("connections");
        List<String> scratch = RestoreHarness.databases(db + "_restore_");
        assertThat(scratch).hasSize(2);
        for (String table : List.of("big", "users", "audit_log", "empty_one")) {
            String sums = RestoreHarness.sql("CHECKSUM TABLE " + scratch.get(0) + "." + table + ", "
                    + scratch.get(1) + "." + table + ", " + db + "." + table + " EXTENDED");
            List<String> values = sums.lines().map(l -> l.split("\t")[1]).toList();
            assertThat(values).as(table + ": " + sums).hasSize(3).allMatch(v -> v.equals(values.get(0)));
        }
        // The routine, function, view, trigger and event are there too (the structure checks passed).
        assertThat(parallel.out()).contains("ok    structure triggers: 1 of 1 present",
                "ok    structure views: 1 of 1 present", "ok    rows: 4 table(s)");
    }

    @Test
    void aConnectionThatFailsStopsTheWholeLoadNamesTheErrorAndTheScratchDatabaseIsDropped() throws Exception {
        bigTable();
        // The real client, except that on the connections of a parallel load the row with id 3000
        // becomes a syntax error (sed -u passes each line on at once).
        Path wrapper = dir.resolve("mariadb-breaks");
        Files.writeString(wrapper, """
                #!/bin/sh
                case "$*" in
                  *--unbuffered*) sed -u "s/^(3000,'/(3000 x,'/" | mariadb "$@" ;;
                  *) exec mariadb "$@" ;;
                esac
                """);
        wrapper.toFile().setExecutable(true);
        plan(GOOD_CHECKS, ", client_command: [" + wrapper + "]", "0.5");
        backup();

        CliRun r = cli.run("restore-test", "--parallel", "3");
        RestoreHarness.sql("SELECT 1");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  academy-db", "ERROR 1064");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        assertThat(cli.entries("restore-test").get(0).outcome()).isEqualTo(Outcome.FAILED);
    }
}
