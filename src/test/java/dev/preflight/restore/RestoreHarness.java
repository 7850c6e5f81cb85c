package dev.preflight.restore;

import dev.preflight.core.Secrets;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.testing.CliHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The shared CLI harness plus what restore tests need: SQL on the local MariaDB. */
final class RestoreHarness extends CliHarness {
    RestoreHarness(Path dir, Instant start) {
        super(dir, start);
    }

    /** Runs SQL on the local MariaDB as root; the output (tab-separated, no column names). */
    static String sql(String script) throws Exception {
        try (LocalProcessRunner r = new LocalProcessRunner(Secrets.none())) {
            ProcessResult res = r.run(ProcessSpec.of("mariadb", "-uroot", "-h127.0.0.1", "--batch",
                    "--skip-column-names").withStdin(out -> out.write(script.getBytes(StandardCharsets.UTF_8))));
            if (res.exitCode() != 0) {
                throw new IllegalStateException("mariadb failed: " + res.stderr());
            }
            return res.stdout();
        }
    }

    /** Drops {@code db} and every scratch database a restore test made of it ({@code <db>_restore_...}). */
    static void dropWithRestores(String db) throws Exception {
        sql("DROP DATABASE IF EXISTS " + db);
        for (String d : databases(db + "_restore_")) {
            sql("DROP DATABASE IF EXISTS " + d);
        }
    }

    /** Databases whose name starts with the prefix. */
    static List<String> databases(String prefix) throws Exception {
        return sql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '"
                + prefix.replace("_", "\\_") + "%'").lines().filter(l -> !l.isBlank()).toList();
    }

}
