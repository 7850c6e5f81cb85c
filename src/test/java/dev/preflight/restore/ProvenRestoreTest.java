package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.Checkpoints;
import dev.preflight.core.Hashing;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.testing.CliRun;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump of several checkpoint steps, backed up and restore-tested against the real MariaDB: the
 * ledger's checkpoints are the SHA-256 of the dump's prefixes, and a copy changed after the backup
 * (same size, a byte in its second step) is refused in the middle of its restore, the next copy used.
 */
class ProvenRestoreTest {
    @TempDir
    Path dir;

    private final String db = "pf_pr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private RestoreHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        // About 20 MiB of SQL: three steps of 8 MiB.
        RestoreHarness.sql("CREATE DATABASE " + db + ";\nUSE " + db + ";\n"
                + "CREATE TABLE pages (id INT PRIMARY KEY, body VARCHAR(1100) NOT NULL);\n"
                + "INSERT INTO pages SELECT seq, REPEAT(CHAR(97 + seq % 26), 1000) FROM seq_1_to_20000;\n"
                + "ANALYZE TABLE pages;\n");
        cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: proven-restore}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - name: db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                      name_pattern: "db-{date}-{time}"
                restore_test:
                  source: db
                  target: {host: 127.0.0.1, port: 3306, user: root}
                  # InnoDB's row estimate of 20,000 long rows is several percent off even after ANALYZE.
                  row_count_tolerance: 0.5
                  sql_checks:
                    - {name: pages, sql: "SELECT COUNT(*) FROM pages", expect: "= 20000"}
                """.formatted(db));
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        RestoreHarness.dropWithRestores(db);
    }

    private Path copy(String destination) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(destination))) {
            return s.filter(p -> p.toString().endsWith(".sql")).findFirst().orElseThrow();
        }
    }

    private static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    /**
     * The copy tried after a refusal is itself refused before its restore starts (its first step, or a
     * later one its read-ahead reached first): the report still says why, copy by copy. Found as a
     * race in the test above, where the second copy's read-ahead sometimes reached its changed step
     * before the first was handed over, and the second copy vanished from the report.
     */
    @Test
    void aFallbackCopyRefusedBeforeItsRestoreIsStillReported() throws Exception {
        flip(copy("onprem"), Checkpoints.STEP + 4096);
        flip(copy("second"), 4096);

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  artifact onprem:", "FAIL  artifact second:",
                "second/db-", "its first " + Checkpoints.STEP + " bytes hash to", "FAIL  restore");
        assertThat(r.out()).doesNotContain("ok    sql pages");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        assertThat(cli.entries("restore-test").get(0).outcome().isGood()).isFalse();
        assertThat(RestoreHarness.payload(cli.entries("restore-test").get(0)).toString()).contains("second/db-");
    }

    @Test
    void theBackupRecordsTheSha256OfEachStepsPrefix() throws Exception {
        LedgerEntry e = cli.entries("backup").get(0);
        JsonNode c = RestoreHarness.payload(e).path("checkpoints");
        byte[] stored = Files.readAllBytes(copy("onprem"));
        assertThat(stored.length).isGreaterThan((int) (2 * Checkpoints.STEP));
        assertThat(c.path("every").asLong()).isEqualTo(Checkpoints.STEP);
        assertThat(c.path("sha256")).hasSize((int) ((stored.length - 1) / Checkpoints.STEP));
        for (int i = 0; i < c.path("sha256").size(); i++) {
            assertThat(c.path("sha256").get(i).asText()).as("checkpoint %d", i)
                    .isEqualTo(Hashing.sha256Hex(Arrays.copyOf(stored, (int) ((i + 1) * Checkpoints.STEP))));
        }
    }

    @Test
    void aRestoreProvesEveryStepAgainstTheLedger() {
        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("ok    artifact onprem:", "as recorded, proven in 3 steps of 8.0 MiB against the "
                + "ledger's checkpoints, each before it was restored", "ok    sql pages: 20000");
    }

    @Test
    void aCopyChangedInItsSecondStepIsRefusedThereAndTheOtherCopyIsRestored() throws Exception {
        flip(copy("onprem"), Checkpoints.STEP + 4096);

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("ok    artifact second:", "onprem/db-", "not to the ledger's checkpoint",
                "(bytes " + Checkpoints.STEP + "-" + 2 * Checkpoints.STEP + " differ)", "ok    sql pages: 20000");
        assertThat(r.err()).contains("was refused", "restoring from");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        assertThat(cli.entries("restore-test")).hasSize(1);
    }

    @Test
    void whenEveryCopyIsChangedTheRestoreFailsAndItsScratchDatabaseIsGone() throws Exception {
        for (String d : List.of("onprem", "second")) {
            flip(copy(d), Checkpoints.STEP + 4096);
        }

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  artifact second:", "refused, its first " + 2 * Checkpoints.STEP
                + " bytes hash to", "no byte past the last step proven against the ledger was restored", "FAIL  restore");
        assertThat(r.out()).doesNotContain("ok    sql pages");
        assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
        LedgerEntry e = cli.entries("restore-test").get(0);
        assertThat(e.outcome().isGood()).isFalse();
    }
}
