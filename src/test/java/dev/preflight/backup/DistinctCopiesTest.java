package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One physical file is not two copies (#15.3): a copy replaced by a symlink or a hard link to the
 * other fails verification naming both; destinations that are one place are refused at validate
 * time and again at backup time (a directory can become a symlink after validation).
 */
class DistinctCopiesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T01:30:00Z");

    @TempDir
    Path dir;

    private ScratchMariaDb db;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        db = new ScratchMariaDb().withSchemaObjects(2);
        cli = new CliHarness(dir, T0);
        plan("onprem", "second");
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private void plan(String first, String second) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: distinct-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: %s}
                    - {name: second, type: local, path: %s}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                """.formatted(first, second, db.name));
    }

    private static Path location(JsonNode payload, String destination) {
        for (JsonNode c : payload.path("copies")) {
            if (c.path("destination").asText().equals(destination)) {
                return Path.of(c.path("location").asText());
            }
        }
        throw new AssertionError("no copy in " + destination);
    }

    @Test
    void aCopyReplacedByASymlinkToTheOtherCopyFailsVerifyNamingBoth() throws Exception {
        CliRun run = cli.run("backup", "run");
        assertThat(run.code()).as(run.all()).isZero();
        JsonNode p = CliHarness.payload(cli.entries("backup").get(0));
        Path onprem = location(p, "onprem");
        Path second = location(p, "second");
        assertThat(cli.run("backup", "verify").code()).isZero();

        Files.delete(onprem);
        Files.createSymbolicLink(onprem, second);

        CliRun v = cli.run("backup", "verify");
        assertThat(v.code()).as(v.all()).isEqualTo(1);
        assertThat(v.out()).contains("SAMEFILE", "onprem: " + onprem, "second: " + second,
                "the same file as the copy in second (" + second + "): one physical file is not two copies",
                "the same file as the copy in onprem (" + onprem + ")", "0 copies verified, 2 failed");
        List<LedgerEntry> verifies = cli.entries("backup-verify");
        LedgerEntry last = verifies.get(verifies.size() - 1);
        assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(last.summary()).contains(onprem + " same-file", second.toString());
    }

    @Test
    void aHardLinkIsTheSameFileToo() throws Exception {
        assertThat(cli.run("backup", "run").code()).isZero();
        JsonNode p = CliHarness.payload(cli.entries("backup").get(0));
        Path onprem = location(p, "onprem");
        Path second = location(p, "second");
        Files.delete(onprem);
        Files.createLink(onprem, second);

        CliRun v = cli.run("backup", "verify");
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("SAMEFILE", "the same file as the copy in second (" + second + ")");
    }

    @Test
    void aDestinationThatBecameASymlinkToTheOtherIsRefusedAtBackupTimeAndNothingIsWritten() throws Exception {
        Files.createDirectories(dir.resolve("second"));
        // The plan is read and validated; then the on-prem mount point is replaced by a link to the other disk.
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        BackupPlan bp = plan.section("backups", BackupPlan.class).orElseThrow();
        Files.createSymbolicLink(dir.resolve("onprem"), dir.resolve("second"));

        RunResult r;
        try (Ledger ledger = Ledgers.open(null, dir,
                Secrets.none(), "test@host", cli.clock);
             LocalProcessRunner runner = new LocalProcessRunner(
                     Secrets.none())) {
            r = new BackupRun(new BackupContext(bp, ledger, cli.clock, BackupFactories.stores(),
                    new SourceProducers(runner, cli.clock), null, Secrets.none())).run(bp.source("db").orElseThrow());
        }
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failure()).contains("destinations 'onprem' and 'second' are the same directory ("
                + dir.resolve("second").toRealPath() + "): one place holds one copy, not two");
        assertThat(cli.entries("backup")).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
        assertThat(MysqlBackupTest.files(dir.resolve("second"))).isEmpty();
    }

    @Test
    void twoDestinationsWithOnePathAreAValidateErrorWithItsPosition() throws Exception {
        plan("onprem", "./onprem/");
        CliRun v = cli.run("validate");
        assertThat(v.code()).as(v.all()).isEqualTo(2);
        assertThat(v.all()).contains("preflight.yaml:6:41: backups.destinations[1].path: destinations 'onprem' and "
                + "'second' are the same directory (" + dir.toRealPath().resolve("onprem") + ")");
        CliRun run = cli.run("backup", "run");
        assertThat(run.code()).isEqualTo(2);
        assertThat(cli.entries("backup")).isEmpty();
    }
}
