package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Hashing;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-place path with a producer of our own that writes its file directly: the verdict is
 * reached on the bytes the one pass read, the other copy gets the same bytes, and a file that grew
 * after it was read is not a backup.
 */
class InPlaceWriteTest {
    private static final Instant T0 = Instant.parse("2026-01-01T01:30:00Z");
    private static final String DUMP = "-- a dump\nINSERT INTO t VALUES (1);\n".repeat(20_000) + "-- Dump completed\n";

    @TempDir
    Path dir;

    /** Writes {@link #DUMP} into the file in pieces, asks for the end the caller read, then does {@code after}. */
    private record FileWriter(String after, String[] judged) implements Producer {
        @Override
        public String extension() {
            return "sql";
        }

        @Override
        public Production produce(OutputStream out) {
            throw new AssertionError("the in-place path was not taken");
        }

        @Override
        public boolean producesFile() {
            return true;
        }

        @Override
        public Production produceFile(Path file, WrittenFile read) throws IOException, InterruptedException {
            byte[] b = DUMP.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < b.length; at += 100_000) {
                Files.write(file, Arrays.copyOfRange(b, at, Math.min(b.length, at + 100_000)),
                        StandardOpenOption.APPEND);
                Thread.sleep(2);
            }
            String end = read.end();
            judged[0] = end + "|" + read.length();
            if (after != null) {
                Files.writeString(file, after, StandardOpenOption.APPEND);
            }
            return end.endsWith("-- Dump completed\n") ? Production.complete(Map.of())
                    : Production.failed("no trailer in what was read", Map.of());
        }
    }

    private RunResult run(FileWriter producer) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: in-place}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: nothing}}
                """);
        CliHarness cli = new CliHarness(dir, T0);
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        BackupPlan bp = plan.section("backups", BackupPlan.class).orElseThrow();
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock)) {
            return new BackupRun(new BackupContext(bp, ledger, cli.clock, BackupFactories.stores(), s -> producer, null,
                    Secrets.none())).run(bp.source("db").orElseThrow());
        }
    }

    @Test
    void theProducerJudgesWhatThePassReadAndBothCopiesHoldIt() throws Exception {
        String[] judged = new String[1];
        RunResult r = run(new FileWriter(null, judged));
        assertThat(r.outcome()).as(r.failure()).isEqualTo(Outcome.PASSED);
        byte[] b = DUMP.getBytes(StandardCharsets.UTF_8);
        assertThat(judged[0]).endsWith("-- Dump completed\n|" + b.length);
        assertThat(r.sha256()).isEqualTo(Hashing.sha256Hex(b));
        for (String d : new String[] {"onprem", "second"}) {
            Path stored = MysqlBackupTest.files(dir.resolve(d)).get(0);
            assertThat(Hashing.sha256Hex(Files.readAllBytes(stored))).as(d).isEqualTo(r.sha256());
        }
    }

    @Test
    void aFileThatGrewAfterThePassReadItIsAFailedBackupWithNothingKept() throws Exception {
        RunResult r = run(new FileWriter("INSERT INTO late VALUES (2);\n", new String[1]));
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failure()).contains("the copy in onprem changed after it was read and hashed: "
                + (DUMP.length() + 29) + " bytes now, " + DUMP.length() + " bytes read");
        for (String d : new String[] {"onprem", "second"}) {
            assertThat(MysqlBackupTest.files(dir.resolve(d))).as(d)
                    .allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("."));
        }
    }
}
