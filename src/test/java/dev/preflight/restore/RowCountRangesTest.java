package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.restore.MysqlChecks.Split;
import dev.preflight.testing.CliRun;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large table is counted in ranges of its integer key over several connections, and the ranges
 * add up to the exact count: they are open at both ends, so no row can fall outside them.
 */
class RowCountRangesTest {
    @TempDir
    Path dir;

    @Test
    void cutsPartTheKeyRangeEvenlyAndNeverRepeat() {
        assertThat(MysqlChecks.cuts(BigInteger.ONE, BigInteger.valueOf(100), 4))
                .containsExactly(BigInteger.valueOf(25), BigInteger.valueOf(50), BigInteger.valueOf(75));
        assertThat(MysqlChecks.cuts(BigInteger.valueOf(-10), BigInteger.valueOf(10), 2)).containsExactly(BigInteger.ZERO);
        // A narrow range gives fewer cuts, never a repeated or empty one.
        assertThat(MysqlChecks.cuts(BigInteger.valueOf(5), BigInteger.valueOf(6), 4)).isEmpty();
        assertThat(MysqlChecks.cuts(BigInteger.valueOf(5), BigInteger.valueOf(7), 4)).containsExactly(BigInteger.valueOf(6));
        assertThat(MysqlChecks.cuts(BigInteger.TEN, BigInteger.TEN, 4)).isEmpty();
        // BIGINT UNSIGNED's top is past a long.
        BigInteger top = new BigInteger("18446744073709551615");
        assertThat(MysqlChecks.cuts(BigInteger.ZERO, top, 2)).containsExactly(top.divide(BigInteger.TWO));
    }

    @Test
    void aSplitTableIsCountedInRangesOpenAtBothEndsDealtOverTheConnections() {
        List<String> lanes = MysqlChecks.lanes("r", List.of("big", "small"),
                Map.of("big", new Split("id", BigInteger.ONE, BigInteger.valueOf(100))), 4);
        assertThat(lanes).containsExactly(
                "SELECT 'big', COUNT(*) FROM `r`.`big` WHERE `id` < 25 UNION ALL SELECT 'small', COUNT(*) FROM `r`.`small`",
                "SELECT 'big', COUNT(*) FROM `r`.`big` WHERE `id` >= 25 AND `id` < 50",
                "SELECT 'big', COUNT(*) FROM `r`.`big` WHERE `id` >= 50 AND `id` < 75",
                "SELECT 'big', COUNT(*) FROM `r`.`big` WHERE `id` >= 75");
        assertThat(MysqlChecks.lanes("r", List.of("a", "b"), Map.of(), 4)).containsExactly(
                "SELECT 'a', COUNT(*) FROM `r`.`a`", "SELECT 'b', COUNT(*) FROM `r`.`b`");
    }

    @Test
    void largeTablesCountedInRangesAddUpToTheExactCountsOnARealServer() throws Exception {
        String db = "pf_rc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        long n = MysqlChecks.SPLIT_ROWS + 1234;
        try {
            RestoreHarness.sql("CREATE DATABASE " + db + ";\nUSE " + db + ";\n"
                    // An integer key with gaps and negatives, a text key (counted whole) and a composite key.
                    + "CREATE TABLE ints (id BIGINT PRIMARY KEY, v INT);\n"
                    + "INSERT INTO ints SELECT CAST(seq AS SIGNED) * 7 - 100000, seq FROM seq_1_to_" + n + ";\n"
                    + "CREATE TABLE texts (k VARCHAR(20) PRIMARY KEY);\n"
                    + "INSERT INTO texts SELECT CONCAT('k', seq) FROM seq_1_to_" + n + ";\n"
                    + "CREATE TABLE pairs (a INT, b INT, PRIMARY KEY (a, b));\n"
                    + "INSERT INTO pairs SELECT seq % 3, seq FROM seq_1_to_" + n + ";\n");
            RestoreHarness cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: row-ranges}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}}
                    restore_test:
                      source: db
                      target: {host: 127.0.0.1, port: 3306, user: root}
                      row_count_tolerance: 0.2
                    """.formatted(db));
            assertThat(cli.run("backup", "run").code()).isZero();
            CliRun r = cli.run("restore-test");
            assertThat(r.code()).as(r.all()).isZero();
            JsonNode checks = RestoreHarness.payload(cli.entries("restore-test").get(0)).path("checks");
            for (String t : List.of("ints", "texts", "pairs")) {
                assertThat(checks).filteredOn(c -> c.path("kind").asText().equals("rows") && c.path("name").asText()
                        .equals(t)).singleElement().satisfies(c -> {
                            assertThat(c.path("outcome").asText()).isEqualTo("passed");
                            assertThat(c.path("detail").asText()).startsWith(n + " rows (dump " + n + ";");
                        });
            }
        } finally {
            RestoreHarness.dropWithRestores(db);
        }
    }
}
