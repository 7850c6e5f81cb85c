package dev.preflight.backup;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup commands' usage errors, formats, and the backups section of {@code preflight run}. */
class BackupCliTest {
    @TempDir
    Path dir;

    private CliHarness cli() {
        return new CliHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        CliHarness cli = cli();
        Files.writeString(dir.resolve("preflight.yaml"), "version: 1\nproject: {name: x}\n");
        CliRun none = cli.run("backup", "list");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("the plan has no 'backups' section");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: x}
                backups:
                  destinations: [{name: d, type: local, path: out}]
                  sources: [{name: db, type: mysql, mysql: {database: app}}]
                """);
        CliRun unknown = cli.run("backup", "run", "--source", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no source named 'nope'", "sources: db");
        assertThat(cli.run("backup", "list", "--format", "junit").code()).isEqualTo(2);
        assertThat(cli.run("backup", "schedule", "--style", "anacron").code()).isEqualTo(2);
        CliRun help = cli.run("backup", "--help");
        assertThat(help.out()).contains("run", "list", "verify", "prune", "schedule");
    }

    @Test
    void runSectionBacksUpEverySourceAndIsGoOnlyWhenAllAreVerified() throws Exception {
        CliHarness cli = cli();
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(3)) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: x}
                    backups:
                      destinations: [{name: d, type: local, path: out}]
                      sources: [{name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}]
                    """.formatted(db.name));
            CliRun ok = cli.run("run", "--format", "json");
            assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
            assertThat(Json.parse(ok.out()).path("verdict").asText()).isEqualTo("GO");
            assertThat(ok.out()).contains("1 source(s) backed up and verified in every location");

            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: x}
                    backups:
                      destinations: [{name: d, type: local, path: out}]
                      sources: [{name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: pf_no_such_db}}]
                    """);
            CliRun bad = cli.run("run");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.out()).contains("NO-GO", "backups", "FAILED");
            // The backup of the database the source named before is not this plan's any more: not
            // listed (nor verified, pruned or restored), but counted.
            CliRun json = cli.run("backup", "list", "--format", "json");
            assertThat(json.code()).isZero();
            assertThat(Json.parse(json.out())).isEmpty();
            assertThat(cli.run("backup", "list").out()).contains("0 backup(s)\n1 more backup(s) on this ledger are "
                    + "not this plan's (another project's, or of a source removed from the plan or pointed elsewhere "
                    + "since)");
        }
    }
}
