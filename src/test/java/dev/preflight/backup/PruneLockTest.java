package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.LockHolder;
import dev.preflight.core.LockProvider;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup prune --apply} under the sources' backup locks: it never deletes while a backup or
 * another prune of a source runs, and it chooses what to delete from the ledger as it is once the
 * locks are held, not as it was before.
 */
class PruneLockTest {
    private static final byte[] DUMP = "-- dump\n".getBytes(StandardCharsets.UTF_8);

    private static final Instant T0 = Instant.parse("2026-01-01T01:30:00Z");

    @TempDir
    Path dir;

    private CliHarness cli;
    private BackupPlan plan;

    @BeforeEach
    void setUp() throws Exception {
        plan = BackupTestKit.plan(dir, """
                version: 1
                project: {name: prune-lock}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 1, user: root, database: app}, retention: 15d}
                """);
        cli = new CliHarness(dir, T0);
    }

    private Ledger ledger() {
        return Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
    }

    private BackupContext context(Ledger ledger, LockProvider locks) {
        return new BackupContext(plan, ledger, cli.clock, BackupFactories.stores(), BackupTestKit.fixed(DUMP), null,
                Secrets.none(), new Progress.Options(null, false, Progress.LINE_EVERY, cli.clock), locks);
    }

    /** Backs the source up on each day after T0; the backups' copies, oldest first. */
    private List<Path> backupsOnDays(int... days) {
        List<Path> copies = new ArrayList<>();
        try (Ledger ledger = ledger()) {
            for (int d : days) {
                cli.clock.set(T0.plus(Duration.ofDays(d)));
                RunResult r = new BackupRun(context(ledger, LockProvider.files())).run(plan.source("db").orElseThrow());
                assertThat(r.failure()).isNull();
                copies.add(Path.of(r.copies().get(0).location()));
            }
        }
        return copies;
    }

    @Test
    void aPruneDeletesNothingWhileABackupOfTheSourceHoldsItsLock() throws Exception {
        List<Path> copies = backupsOnDays(0, 10, 20);
        cli.clock.set(T0.plus(Duration.ofDays(26)));
        try (ExclusiveLock held = BackupLock.acquire(plan.lockDir(), "db", T0.plus(Duration.ofDays(26)))) {
            CliRun r = cli.run("backup", "prune", "--apply");
            assertThat(r.code()).as(r.all()).isEqualTo(3);
            assertThat(r.all()).contains("a backup of source 'db' is already running", "preflight backup run",
                    "pid " + ProcessHandle.current().pid());
            assertThat(copies).allMatch(Files::exists);
            assertThat(cli.entries(BackupEvidence.PRUNE_KIND)).isEmpty();
            // A dry run deletes nothing: it needs no lock.
            CliRun dry = cli.run("backup", "prune");
            assertThat(dry.code()).as(dry.all()).isZero();
            assertThat(dry.out()).contains("delete");
        }
        CliRun r = cli.run("backup", "prune", "--apply");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copies.get(0)).doesNotExist();
        assertThat(copies.get(2)).exists();
    }

    @Test
    void aBackupRunWaitsForNoPruneItFindsThePruneHoldingTheLock() throws Exception {
        backupsOnDays(0);
        cli.clock.set(T0.plus(Duration.ofDays(26)));
        // The lock as a prune takes it: a backup run of the source stops with exit 3 naming the prune.
        try (ExclusiveLock held = BackupLock.acquire(LockProvider.files(), plan.lockDir(), "db",
                T0.plus(Duration.ofDays(26)), "backup prune")) {
            CliRun r = cli.run("backup", "run");
            assertThat(r.code()).as(r.all()).isEqualTo(3);
            assertThat(r.all()).contains("preflight backup prune");
        }
    }

    @Test
    void whatIsDeletedIsChosenFromTheLedgerAsItIsOnceTheLocksAreHeld() throws Exception {
        // Day 0 and day 10, retention 15 days: on day 26 the day-0 backup is due, the day-10 one is
        // the newest verified and kept. Between the prune's first read and its lock, another bastion's
        // verify finds the day-10 copy gone: the day-0 backup is then the newest verified, the last
        // restore point, and must not be deleted.
        List<Path> copies = backupsOnDays(0, 10);
        cli.clock.set(T0.plus(Duration.ofDays(26)));
        AtomicBoolean meanwhile = new AtomicBoolean();
        LockProvider files = LockProvider.files();
        LockProvider racing = new LockProvider() {
            @Override
            public Attempt tryAcquire(LockName name, LockHolder holder) throws IOException {
                if (meanwhile.compareAndSet(false, true)) {
                    Files.delete(copies.get(1));
                    try (Ledger other = ledger()) {
                        BackupContext ctx = context(other, files);
                        new BackupVerify(ctx).verify(new BackupCatalog(ctx).all());
                    }
                }
                return files.tryAcquire(name, holder);
            }

            @Override
            public String where(LockName name) {
                return files.where(name);
            }
        };
        List<PruneItem> items;
        try (Ledger ledger = ledger()) {
            items = new BackupPrune(context(ledger, racing)).prune(true);
        }
        assertThat(meanwhile).isTrue();
        assertThat(copies.get(0)).exists();
        assertThat(items).extracting(PruneItem::action).doesNotContain(PruneItem.Action.DELETE);
        // The other bastion's verify is in the ledger: the day-10 copy was found gone.
        assertThat(cli.entries(BackupEvidence.VERIFY_KIND)).extracting(e -> CliHarness.payload(e).toString())
                .anyMatch(p -> p.contains("\"status\":\"missing\""));
    }
}
