package dev.preflight.cutover;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expand and promote against the real MariaDB (127.0.0.1:3306): a Laravel-shaped
 * {@code migrations} table, a migration command (a script fixture run by argv) that adds rows, and
 * the snapshot diff naming the new migrations; a pending contract migration is refused before
 * anything runs; promotion checks the lag, runs its SQL and verifies.
 */
class CutoverExpandTest {
    @TempDir
    Path dir;

    ColourServer blue;
    ColourServer green;
    CutoverCli cli;
    String db;
    Path migrations;

    @BeforeEach
    void up() throws Exception {
        blue = new ColourServer("blue");
        green = new ColourServer("green");
        cli = new CutoverCli(dir);
        db = "pf_cutover_" + Long.toHexString(System.nanoTime());
        sql("CREATE DATABASE " + db);
        sql("CREATE TABLE " + db + ".migrations (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
                + "migration VARCHAR(255) NOT NULL, batch INT NOT NULL)");
        sql("INSERT INTO " + db + ".migrations (migration, batch) VALUES "
                + "('2014_10_12_000000_create_users_table', 1), ('2019_08_19_000000_create_failed_jobs_table', 1)");
        migrations = Files.createDirectories(dir.resolve("app/database/migrations"));
        for (String m : List.of("2014_10_12_000000_create_users_table", "2019_08_19_000000_create_failed_jobs_table",
                "2027_01_01_000001_add_webauthn_credentials_table", "2027_01_01_000002_add_communities_table")) {
            Files.writeString(migrations.resolve(m + ".php"), "<?php // " + m + "\n");
        }
        // The "artisan migrate" of this test: inserts the rows of the two pending migrations.
        Path migrate = CommandLb.script(dir, "migrate.sh", "exec mariadb -h127.0.0.1 -uroot \"$1\" -e \"INSERT INTO migrations"
                + " (migration, batch) VALUES ('2027_01_01_000001_add_webauthn_credentials_table', 2),"
                + " ('2027_01_01_000002_add_communities_table', 2)\"");
        plan(migrate, "lag_query: \"SELECT 0 AS Seconds_Behind_Master\"");
    }

    private void plan(Path migrate, String promote) throws Exception {
        cli.plan(CutoverCli.section(blue, green, "b1", "g1", CommandLb.section(dir), """
                  replica: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                  expand: {command: [%s, %s], migrations_dir: app/database/migrations}
                  promote: {%s}
                """.formatted(db, migrate, db, promote)));
    }

    @AfterEach
    void down() throws Exception {
        sql("DROP DATABASE IF EXISTS " + db);
        blue.close();
        green.close();
    }

    private static void sql(String s) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/?user=root");
             Statement st = c.createStatement()) {
            st.execute(s);
        }
    }

    private int rows() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + db + "?user=root");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM migrations")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theSnapshotDiffNamesTheNewMigrationsAndPromotionIsVerified() throws Exception {
        CliRun r = cli.run("cutover", "start", "--until", "promoted");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("expand: PASSED - 2 new migration(s): 2027_01_01_000001_add_webauthn_credentials_table, "
                        + "2027_01_01_000002_add_communities_table",
                "promote: PASSED - lag 0 s; ran 1 statement(s); 'SELECT @@global.read_only' = 0",
                "cutover of staging is promoted");
        LedgerEntry expand = cli.entries(CutoverHistory.KIND).stream()
                .filter(e -> e.summary().startsWith("expand attempt 1:")).findFirst().orElseThrow();
        JsonNode p = Json.parse(expand.payload());
        assertThat(p.path("before_count").asInt()).isEqualTo(2);
        assertThat(p.path("after_count").asInt()).isEqualTo(4);
        assertThat(p.path("new")).hasSize(2);
        assertThat(p.path("new").get(0).path("migration").asText()).isEqualTo("2027_01_01_000001_add_webauthn_credentials_table");
        assertThat(p.path("new").get(0).path("batch").asInt()).isEqualTo(2);
        assertThat(p.path("pending")).hasSize(2);
        assertThat(CommandLb.active(dir)).isEqualTo("blue");
    }

    @Test
    void aPendingContractMigrationIsRefusedBeforeAnythingRuns() throws Exception {
        Files.writeString(migrations.resolve("2027_01_02_000000_drop_legacy_avatar_column.php"), "<?php\n");
        CliRun r = cli.run("cutover", "start", "--until", "expanded");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("expand: FAILED - refused before running anything: pending migration(s) match the "
                + "contract pattern (?i)_(drop|remove|delete|rename)_: 2027_01_02_000000_drop_legacy_avatar_column");
        assertThat(rows()).isEqualTo(2);
        // Moved to the contract step, expand passes on resume as attempt 2 against the first attempt's snapshot.
        Files.delete(migrations.resolve("2027_01_02_000000_drop_legacy_avatar_column.php"));
        CliRun again = cli.run("cutover", "resume");
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).contains("expand: attempt 2", "expand: PASSED - 2 new migration(s)");
    }

    @Test
    void aContractMigrationRunByTheExpandCommandFailsTheStep() throws Exception {
        Path migrate = CommandLb.script(dir, "bad.sh", "exec mariadb -h127.0.0.1 -uroot \"$1\" -e \"INSERT INTO migrations"
                + " (migration, batch) VALUES ('2027_01_03_000000_rename_courses_table', 2)\"");
        plan(migrate, "lag_query: \"SELECT 0\"");
        CliRun r = cli.run("cutover", "start", "--until", "expanded");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("expand: FAILED - contract migration(s) ran in the expand step: "
                + "2027_01_03_000000_rename_courses_table");
        // A re-run does not launder it: it diffs against the snapshot taken before the first attempt,
        // so the rename the failed attempt applied is still new in this cutover, whatever runs now.
        plan(CommandLb.script(dir, "noop.sh", "exit 0"), "lag_query: \"SELECT 0\"");
        CliRun again = cli.run("cutover", "resume");
        assertThat(again.code()).as(again.all()).isEqualTo(1);
        assertThat(again.out()).contains("expand: attempt 2", "expand: FAILED - contract migration(s) ran in the expand step: "
                + "2027_01_03_000000_rename_courses_table");
    }

    @Test
    void promotionIsRefusedWhenTheServerIsNotAReplica() throws Exception {
        plan(dir.resolve("migrate.sh"), "max_lag: 0");
        CliRun r = cli.run("cutover", "start", "--until", "promoted");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("promote: FAILED - 'SHOW REPLICA STATUS' returned no rows: mysql://127.0.0.1:3306/"
                + db + " is not a replica, so its lag cannot be checked");
    }

    @Test
    void promotionIsRefusedWhileTheReplicaLags() throws Exception {
        plan(dir.resolve("migrate.sh"), "lag_query: \"SELECT 12 AS Seconds_Behind_Master\", max_lag: 5");
        CliRun r = cli.run("cutover", "start", "--until", "promoted");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("promote: FAILED - replica lag 12 s is over max_lag 5 s: promotion refused");
    }
}
