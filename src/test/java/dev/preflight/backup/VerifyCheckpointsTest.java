package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.CliHarness;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup verify} of a copy that is not as recorded says, by the backup's checkpoints, which bytes differ. */
class VerifyCheckpointsTest {
    private static final long STEP = Checkpoints.STEP;
    private static final byte[] DUMP = dump();

    @TempDir
    Path dir;

    private CliHarness cli;
    private BackupPlan plan;
    private Path copy;

    /** Twenty MiB of pseudo-random bytes: three checkpoint steps. */
    private static byte[] dump() {
        byte[] b = new byte[20 << 20];
        new Random(5).nextBytes(b);
        return b;
    }

    @BeforeEach
    void setUp() throws Exception {
        plan = BackupTestKit.plan(dir, """
                version: 1
                project: {name: verify-checkpoints}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: app}}
                """);
        cli = new CliHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
        try (Ledger ledger = ledger()) {
            RunResult r = new BackupRun(context(ledger)).run(plan.source("db").orElseThrow());
            assertThat(r.failure()).isNull();
            copy = Path.of(r.copies().get(0).location());
        }
    }

    private Ledger ledger() {
        return Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
    }

    private BackupContext context(Ledger ledger) {
        return new BackupContext(plan, ledger, cli.clock, BackupFactories.stores(), BackupTestKit.fixed(DUMP), null,
                Secrets.none());
    }

    private CopyCheck verify() {
        try (Ledger ledger = ledger()) {
            BackupContext ctx = context(ledger);
            List<CopyCheck> checks = new BackupVerify(ctx).verify(new BackupCatalog(ctx).all());
            assertThat(checks).hasSize(1);
            return checks.get(0);
        }
    }

    @Test
    void aChangedByteIsPlacedInItsStep() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.seek(STEP + 4096);
            int b = f.read();
            f.seek(STEP + 4096);
            f.write(b ^ 0x40);
        }
        CopyCheck c = verify();
        assertThat(c.status()).isEqualTo(CopyCheck.Status.MISMATCH);
        assertThat(c.detail()).isEqualTo("20971520 bytes, recorded 20971520; its first " + STEP
                + " bytes are as recorded; bytes " + STEP + "-" + 2 * STEP + " differ");
    }

    @Test
    void aTruncatedCopyIsAsRecordedUpToItsLastWholeStep() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.setLength(10L << 20);
        }
        CopyCheck c = verify();
        assertThat(c.status()).isEqualTo(CopyCheck.Status.MISMATCH);
        assertThat(c.detail()).isEqualTo("10485760 bytes, recorded 20971520; its first " + STEP
                + " bytes are as recorded (the ledger's checkpoints); the difference is after them");
    }

    @Test
    void aChangeInTheFirstStepSaysSoAndAGoodCopyPasses() throws Exception {
        assertThat(verify().status()).isEqualTo(CopyCheck.Status.OK);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.seek(7);
            int b = f.read();
            f.seek(7);
            f.write(b ^ 1);
        }
        assertThat(verify().detail()).endsWith("; bytes 0-" + STEP + " differ");
    }
}
