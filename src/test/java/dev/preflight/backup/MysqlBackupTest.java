package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MariaDB dumps end to end through the CLI, against the real local server. */
class MysqlBackupTest {
    @TempDir
    Path dir;

    private ScratchMariaDb db;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        db = new ScratchMariaDb().withSchemaObjects(50);
        cli = new CliHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private void plan(String compression, String dumpCommand) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: backup-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - name: academy-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                      compression: %s
                      retention: 30d
                      name_pattern: "academy-{date}-{time}"
                %s""".formatted(db.name, compression, dumpCommand == null ? ""
                : "      dump_command: [\"" + dumpCommand + "\"]\n"));
    }

    static List<Path> files(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    static String sha256sum(Path f) throws Exception {
        try (LocalProcessRunner r = new LocalProcessRunner(Secrets.none())) {
            return r.run(ProcessSpec.of("sha256sum", f.toString())).stdout().split(" ")[0];
        }
    }

    @Test
    void dumpsEverySchemaObjectToBothDestinationsAndRecordsTheChecksumOfEveryCopy() throws Exception {
        plan("gzip", null);
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASSED  academy-db  academy-2026-01-05-0130.sql.gz", "onprem: ", "second: ",
                "1 backup(s) passed, 0 failed");

        List<LedgerEntry> entries = cli.entries("backup");
        assertThat(entries).hasSize(1);
        LedgerEntry e = entries.get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
        JsonNode p = CliHarness.payload(e);
        String sha = p.path("sha256").asText();
        assertThat(sha).hasSize(64);
        assertThat(r.out()).contains("sha256 " + sha);

        for (String d : List.of("onprem", "second")) {
            List<Path> stored = files(dir.resolve(d));
            assertThat(stored).extracting(f -> f.getFileName().toString()).containsExactly("academy-2026-01-05-0130.sql.gz");
            assertThat(sha256sum(stored.get(0))).isEqualTo(sha);
        }
        assertThat(e.artifacts()).hasSize(2).allSatisfy(a -> assertThat(a.sha256()).isEqualTo(sha));
        assertThat(p.path("copies")).hasSize(2);
        assertThat(p.path("retention_until").asText()).isEqualTo("2026-02-04T01:30:00Z");

        String dump;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("onprem/academy-2026-01-05-0130.sql.gz")))) {
            dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(dump).contains("CREATE TABLE `users`", "CREATE TABLE `audit_log`", "VIEW `user_emails`",
                "PROCEDURE `count_users`", "TRIGGER users_ai AFTER INSERT ON users", "EVENT `purge_audit`", "user49@example.com");
        assertThat(MysqlProducer.endsWithTrailer(dump)).isTrue();

        JsonNode facts = p.path("facts");
        assertThat(facts.path("server_version").asText()).contains("MariaDB");
        assertThat(facts.path("flavor").asText()).isEqualTo("mariadb");
        assertThat(facts.path("table_rows_estimate").has("users")).isTrue();
        assertThat(facts.path("table_rows_estimate").path("users").asLong()).isPositive();
        assertThat(facts.path("views").toString()).contains("user_emails");

        String log = Files.readString(dir.resolve("docs/upgrade/backups/backup-log.md"));
        assertThat(log).contains("| 2026-01-05 01:30 | academy-db | passed | academy-2026-01-05-0130.sql.gz |", sha,
                "| 2026-02-04 |");

        // Verify passes on intact copies and is recorded.
        CliRun v = cli.run("backup", "verify");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("2 copies verified, 0 failed");
        assertThat(cli.entries("backup-verify")).singleElement().extracting(LedgerEntry::outcome).isEqualTo(Outcome.PASSED);
    }

    @Test
    void aSecondBackupInTheSameMinuteGetsItsOwnNameAndAnUncompressedDumpIsPlainSql() throws Exception {
        plan("none", null);
        assertThat(cli.run("backup", "run", "--source", "academy-db").code()).isZero();
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(files(dir.resolve("onprem"))).extracting(f -> f.getFileName().toString())
                .containsExactly("academy-2026-01-05-0130-1.sql", "academy-2026-01-05-0130.sql");
        assertThat(Files.readString(dir.resolve("second/academy-2026-01-05-0130.sql"))).contains("-- Dump completed");
    }

    @Test
    void anUncompressedDumpIsWrittenByTheToolIntoTheFirstCopyItselfAndStreamedToTheSecond() throws Exception {
        // readlink of the script's stdout names what the tool writes into: a file, or "pipe:[...]".
        Path seen = dir.resolve("stdout-was");
        Path w = wrapper("where.sh", "f=$(readlink /proc/$$/fd/1)\necho \"$f\" > '" + seen + "'\nexec mariadb-dump \"$@\"");
        plan("none", w.toString());
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(Files.readString(seen).strip()).startsWith(dir.resolve("onprem").toRealPath().toString())
                .endsWith(".partial");
        String sha = CliHarness.payload(cli.entries("backup").get(0)).path("sha256").asText();
        for (String d : List.of("onprem", "second")) {
            Path stored = files(dir.resolve(d)).get(0);
            assertThat(sha256sum(stored)).isEqualTo(sha);
            assertThat(Files.readString(stored)).contains("user49@example.com").endsWith("\n");
            assertThat(MysqlProducer.endsWithTrailer(Files.readString(stored))).isTrue();
        }

        // Compressed, the dump goes through the one pass (gzip, hash) and so through a pipe.
        plan("gzip", w.toString());
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(Files.readString(seen).strip()).startsWith("pipe:[");
    }

    @Test
    void aDumpToolThatLeavesAWriterBehindOnItsOutputIsAFailedBackup() throws Exception {
        // The tool exits 0 after its trailer, but a child of it goes on appending to the same stdout
        // (the first copy's file, written in place): the trailer is judged on the bytes read to the
        // end, and a file that grew after it was read is not the copy that was hashed.
        Path w = wrapper("straggler.sh", "mariadb-dump \"$@\"\n"
                + "( i=0; while [ $i -lt 150 ]; do echo 'INSERT INTO late VALUES (1);'; sleep 0.01; i=$((i+1)); done ) &\n"
                + "sleep 0.2\nexit 0");
        plan("none", w.toString());
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  academy-db", "no copy kept");
        for (String d : List.of("onprem", "second")) {
            assertThat(files(dir.resolve(d))).as("nothing kept in " + d)
                    .noneMatch(f -> !f.getFileName().toString().startsWith("."));
        }
        assertThat(cli.entries("backup")).extracting(LedgerEntry::outcome).containsExactly(Outcome.FAILED);
        Thread.sleep(1800); // the straggler ends before the temporary directory is removed
    }

    private Path wrapper(String name, String body) throws Exception {
        Path w = dir.resolve(name);
        Files.writeString(w, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwx------"));
        return w;
    }

    private void assertFailedWithoutArtifacts(CliRun r, String why) throws Exception {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED  academy-db", why, "no copy kept", "0 backup(s) passed, 1 failed");
        for (String d : List.of("onprem", "second")) {
            assertThat(files(dir.resolve(d))).as("nothing left in " + d).isEmpty();
        }
        LedgerEntry e = cli.entries("backup").get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.artifacts()).isEmpty();
        assertThat(CliHarness.payload(e).path("failure").asText()).contains(why);
        assertThat(Files.readString(dir.resolve("docs/upgrade/backups/backup-log.md")))
                .contains("| academy-db | failed | academy-2026-01-05-0130.sql");
        assertThat(cli.run("backup", "list").out()).contains("0 backup(s)");
    }

    @Test
    void aDumpToolThatDiesMidStreamIsAFailedBackupWithNoArtifact() throws Exception {
        // Runs the real tool, passes on the first 4 KiB only, then dies as if killed.
        Path w = wrapper("dies.sh", "mariadb-dump \"$@\" | head -c 4096\nexit 137");
        plan("gzip", w.toString());
        assertFailedWithoutArtifacts(cli.run("backup", "run"), "exited 137");
    }

    @Test
    void aDumpToolThatExitsZeroWithoutTheTrailerIsAFailedBackupWithNoArtifact() throws Exception {
        Path w = wrapper("notrailer.sh", "mariadb-dump \"$@\" | grep -v '^-- Dump completed'\nexit 0");
        plan("none", w.toString());
        assertFailedWithoutArtifacts(cli.run("backup", "run"), "does not end with '-- Dump completed'");
    }

    @Test
    void aDumpToolThatCutsTheStreamAndExitsZeroIsAFailedBackup() throws Exception {
        Path w = wrapper("cut.sh", "mariadb-dump \"$@\" | head -c 3000\nexit 0");
        plan("gzip", w.toString());
        assertFailedWithoutArtifacts(cli.run("backup", "run"), "does not end with '-- Dump completed'");
    }

    @Test
    void anErrorOnStderrFailsTheBackupEvenWithExitZero() throws Exception {
        Path w = wrapper("stderr.sh", "mariadb-dump \"$@\"\necho 'mariadb-dump: Got error: 1146: table gone' >&2\nexit 0");
        plan("none", w.toString());
        assertFailedWithoutArtifacts(cli.run("backup", "run"), "reported an error: mariadb-dump: Got error: 1146");
    }

    @Test
    void aSecondConcurrentBackupOfTheSameSourceExitsThreeNamingTheHolder() throws Exception {
        plan("none", null);
        try (ExclusiveLock held = BackupLock.acquire(dir.resolve(".preflight/locks"), "academy-db",
                Instant.parse("2026-01-05T01:29:00Z"))) {
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.out()).contains("LOCKED", "a backup of source 'academy-db' is already running",
                    "pid " + ProcessHandle.current().pid(), "since 2026-01-05T01:29:00Z");
        }
        assertThat(files(dir.resolve("onprem"))).isEmpty();
        assertThat(cli.run("backup", "run").code()).isZero();
    }

    @Test
    void credentialsGoInAPrivateOptionFileNeverOnArgv() throws Exception {
        // The wrapper records its argv and the option file's mode and content, then runs the real tool.
        Path seen = dir.resolve("seen.txt");
        Path w = wrapper("spy.sh", "f=$(echo \"$1\" | sed 's/^--defaults-extra-file=//')\n"
                + "{ echo \"ARGV: $*\"; stat -c 'MODE %a' \"$f\"; cat \"$f\"; } > '" + seen + "'\n"
                + "exec mariadb-dump \"$@\"");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: backup-test}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - name: db
                      type: mysql
                      mysql: {host: 127.0.0.1, user: root, password: "${DB_PW:-}", database: %s}
                      dump_command: "%s"
                """.formatted(db.name, w));
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String s = Files.readString(seen);
        assertThat(s).contains("--single-transaction --routines --triggers --events " + db.name, "MODE 600",
                "user=\"root\"", "host=\"127.0.0.1\"");
        assertThat(s).doesNotContain("--set-gtid-purged").startsWith("ARGV: --defaults-extra-file=");
        String optionFile = s.lines().filter(l -> l.startsWith("ARGV")).findFirst().orElseThrow()
                .split(" ")[1].substring("--defaults-extra-file=".length());
        assertThat(Path.of(optionFile)).doesNotExist();
    }

    @Test
    void aMysqlServerGetsSetGtidPurgedOffAndMariaDbDoesNot() throws Exception {
        // The client fixture answers SELECT VERSION() like MySQL 8.0.36 and passes everything else on;
        // the dump fixture records its argv and drops the MySQL-only option the real MariaDB tool refuses.
        Path client = wrapper("mysql-client.sh", "for a do last=\"$a\"; done\n"
                + "if [ \"$last\" = 'SELECT VERSION()' ]; then echo 8.0.36-0ubuntu0.22.04.1; exit 0; fi\n"
                + "exec mariadb \"$@\"");
        Path seen = dir.resolve("argv.txt");
        Path dump = wrapper("mysql-dump.sh", "echo \"$*\" > '" + seen + "'\n"
                + "for a do shift; [ \"$a\" = --set-gtid-purged=OFF ] || set -- \"$@\" \"$a\"; done\n"
                + "exec mariadb-dump \"$@\"");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: backup-test}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - name: db
                      type: mysql
                      mysql: {host: 127.0.0.1, user: root, database: %s}
                      dump_command: ["%s"]
                      client_command: ["%s"]
                """.formatted(db.name, dump, client));
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(seen)).contains("--events --set-gtid-purged=OFF " + db.name);
        JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
        assertThat(facts.path("flavor").asText()).isEqualTo("mysql");
        assertThat(facts.path("server_version").asText()).isEqualTo("8.0.36-0ubuntu0.22.04.1");
    }

    /** A plan like {@link #plan}'s (no compression) whose source runs these dump and client commands. */
    private void planWith(Path dump, Path client) throws Exception {
        plan("none", dump.toString());
        Files.writeString(dir.resolve("preflight.yaml"), Files.readString(dir.resolve("preflight.yaml"))
                + "      client_command: [\"" + client + "\"]\n");
    }

    /** An executable named exactly {@code name} (the dump tool is told apart by the name it runs as). */
    private Path tool(String name, String body) throws Exception {
        Path w = dir.resolve("tools").resolve(name);
        Files.createDirectories(w.getParent());
        Files.writeString(w, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwx------"));
        return w;
    }

    @Test
    void mariaDbsDumpToolStartsWithoutWaitingForTheServerQueries() throws Exception {
        // The client answers only once the dump has started (10 s at most, then it fails): the
        // version and table queries run beside MariaDB's tool, not before it.
        Path started = dir.resolve("dump-started");
        Path dump = tool("mariadb-dump", "touch '" + started + "'\nexec mariadb-dump \"$@\"");
        Path client = wrapper("slow-client.sh", "i=0\nwhile [ ! -e '" + started + "' ] && [ $i -lt 100 ]; do sleep 0.1; "
                + "i=$((i+1)); done\n[ -e '" + started + "' ] || { echo 'ERROR 2013: the dump never started' >&2; exit 1; }\n"
                + "exec mariadb \"$@\"");
        planWith(dump, client);
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
        assertThat(facts.path("flavor").asText()).isEqualTo("mariadb");
        assertThat(facts.path("server_version").asText()).containsIgnoringCase("mariadb");
        assertThat(facts.path("table_rows_estimate").size()).isPositive();
        assertThat(facts.path("dump_tool").asText()).isEqualTo(dump.toString());
        assertThat(facts.path("dump_bytes").asLong()).isPositive();
    }

    @Test
    void mariaDbsDumpToolNeverGetsSetGtidPurgedEvenFromAMysqlServer() throws Exception {
        // MariaDB's tool refuses the option whatever the server ("unknown variable"): a MySQL server
        // behind it used to fail every backup.
        Path seen = dir.resolve("argv.txt");
        Path dump = tool("mariadb-dump", "echo \"$*\" > '" + seen + "'\nexec mariadb-dump \"$@\"");
        Path client = wrapper("mysql-client.sh", "for a do last=\"$a\"; done\n"
                + "if [ \"$last\" = 'SELECT VERSION()' ]; then echo 8.0.36-0ubuntu0.22.04.1; exit 0; fi\n"
                + "exec mariadb \"$@\"");
        planWith(dump, client);
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(seen)).doesNotContain("--set-gtid-purged").contains("--events " + db.name);
        JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
        assertThat(facts.path("flavor").asText()).isEqualTo("mysql");
    }

    @Test
    void aServerQueryThatFailsBesideTheDumpFailsTheBackupAsOneBeforeIt() throws Exception {
        Path dump = tool("mariadb-dump", "echo \"$1\" | sed 's/^--defaults-extra-file=//' > '"
                + dir.resolve("option-file.txt") + "'\nexec mariadb-dump \"$@\"");
        Path client = wrapper("denied.sh", "echo 'ERROR 1045 (28000): Access denied for user' >&2\nexit 1");
        planWith(dump, client);
        assertFailedWithoutArtifacts(cli.run("backup", "run"),
                "cannot read the server version with " + client + ": ERROR 1045 (28000): Access denied for user");
        JsonNode facts = CliHarness.payload(cli.entries("backup").get(0)).path("facts");
        assertThat(facts.has("server_version")).isFalse();
        assertThat(facts.has("dump_bytes")).isFalse();

        Path tables = wrapper("no-tables.sh", "for a do last=\"$a\"; done\n"
                + "if [ \"$last\" = 'SELECT VERSION()' ]; then exec mariadb \"$@\"; fi\n"
                + "echo 'ERROR 1142 (42000): SELECT command denied' >&2\nexit 1");
        planWith(dump, tables);
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("cannot list the tables of " + db.name + ": ERROR 1142 (42000)");
        // The option file (where a password goes) is gone although the dump read it after the failed query.
        String optionFile = Files.readString(dir.resolve("option-file.txt")).strip();
        assertThat(optionFile).startsWith(System.getProperty("java.io.tmpdir"));
        assertThat(Path.of(optionFile)).doesNotExist();
    }

    @Test
    void onlyMariaDbsOwnToolIsToldApartByItsName() {
        assertThat(MysqlProducer.mariadbTool(List.of("mariadb-dump"))).isTrue();
        assertThat(MysqlProducer.mariadbTool(List.of("/usr/bin/mariadb-dump"))).isTrue();
        assertThat(MysqlProducer.mariadbTool(List.of("mysqldump"))).isFalse();
        assertThat(MysqlProducer.mariadbTool(List.of("/opt/wrap/dump.sh", "mariadb-dump"))).isFalse();
    }
}
