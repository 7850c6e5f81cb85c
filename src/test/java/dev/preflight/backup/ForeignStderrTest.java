package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed dump whose stderr quotes a name someone else put in the database (a broken view named
 * with an erase-line sequence, a carriage return and a line break): {@code backup run} shows the real
 * tool's words on the failure's one line, escapes visible, and the ledger keeps them as they came.
 */
class ForeignStderrTest {
    /** Erase the line, go up one, return, then a line of its own. */
    static final String VIEW = "v\u001b[2K\u001b[1A\rGO\nPASSED  academy-db  all good";
    static final Pattern RAW = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]");

    @TempDir
    Path dir;

    private ScratchMariaDb db;

    @BeforeEach
    void setUp() throws Exception {
        db = new ScratchMariaDb();
        // A view over a table that is then dropped: the dump fails on it and names it on stderr.
        ScratchMariaDb.sql("USE " + db.name + ";\nCREATE TABLE t (a INT);\nCREATE VIEW `" + VIEW
                + "` AS SELECT a FROM t;\nDROP TABLE t;\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void aDumpErrorQuotingAHostileViewNameStaysOnTheFailuresLine() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: backup-test}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                  sources:
                    - name: academy-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                      compression: none
                      retention: 30d
                """.formatted(db.name));
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
        CliRun r = cli.run("backup", "run");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(RAW.matcher(r.out() + r.err()).find()).as(r.out() + r.err()).isFalse();
        // The failure quotes the first line of the tool's error: up to the view name's line break.
        assertThat(r.out()).contains("FAILED  academy-db", "`v\\e[2K\\e[1A\\rGO", "0 backup(s) passed, 1 failed")
                .doesNotContainPattern("(?m)^PASSED");
        LedgerEntry e = cli.entries("backup").get(0);
        assertThat(CliHarness.payload(e).path("failure").asText()).contains("`v\u001b[2K\u001b[1A\rGO");
    }
}
