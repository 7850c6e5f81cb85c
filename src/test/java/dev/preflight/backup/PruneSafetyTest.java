package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupEvidence.PrunePayload;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup prune} when things go wrong: the process stops between two deletions (the ledger
 * must already name what it was deleting), and the clock is wrong (retention judged by it must not
 * destroy the restore points that are left). Backups are taken by the real verb over a producer of
 * fixed bytes, so no database is needed; the source names a port nobody listens on, for these tests
 * move the clock by days, which a reachable server's own clock would contradict (prune then refuses:
 * {@link PruneSourceClockTest}).
 */
class PruneSafetyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T01:30:00Z");

    @TempDir
    Path dir;

    private CliHarness cli;
    private BackupPlan plan;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: prune-safety}
                backups:
                  log: backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 1, user: root, database: app}, compression: gzip, retention: 15d}
                """);
        Plan p = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        plan = p.section("backups", BackupPlan.class).orElseThrow();
        cli = new CliHarness(dir, T0);
    }

    /** A dump of fixed bytes. */
    private static Producer producer(Source s) {
        return new Producer() {
            @Override
            public String extension() {
                return "sql";
            }

            @Override
            public Production produce(OutputStream out) throws IOException {
                out.write(("-- dump of " + s.name() + "\nCREATE TABLE t (id int);\n").getBytes(StandardCharsets.UTF_8));
                return Production.complete(Map.of("server", "10.11.6-MariaDB"));
            }
        };
    }

    private BackupContext context(Ledger ledger, Stores stores) {
        return new BackupContext(plan, ledger, cli.clock, stores, PruneSafetyTest::producer, null, Secrets.none());
    }

    private Ledger ledger() {
        return Ledgers.open(null, dir, Secrets.none(), "test@host", cli.clock);
    }

    /** Backs the source up at each of the given days after T0; the backups' ids, oldest first. */
    private List<String> backupsOnDays(int... days) {
        List<String> ids = new ArrayList<>();
        try (Ledger ledger = ledger()) {
            BackupContext ctx = context(ledger, BackupFactories.stores());
            for (int d : days) {
                cli.clock.set(T0.plus(Duration.ofDays(d)));
                RunResult r = new BackupRun(ctx).run(plan.source("db").orElseThrow());
                assertThat(r.failure()).isNull();
                ids.add(r.entryId());
            }
        }
        return ids;
    }

    private List<Path> copiesOf(String backupId) {
        List<Path> out = new ArrayList<>();
        for (LedgerEntry e : cli.entries(BackupEvidence.KIND)) {
            if (e.id().equals(backupId)) {
                for (JsonNode c : CliHarness.payload(e).path("copies")) {
                    out.add(Path.of(c.path("location").asText()));
                }
            }
        }
        return out;
    }

    /** What a power cut does to a process: nothing after this runs (it is no exception the code handles). */
    static final class PowerCut extends Error {
        PowerCut() {
            super("the power went out");
        }
    }

    /** A real local store whose deletions stop the process after a number of them. */
    private static final class StoppingStore implements ArtifactStore {
        private final LocalDirectoryStore store;
        private final AtomicInteger left;

        StoppingStore(LocalDirectoryStore store, AtomicInteger left) {
            this.store = store;
            this.left = left;
        }

        @Override
        public String name() {
            return store.name();
        }

        @Override
        public PendingCopy create(String fileName) throws IOException {
            return store.create(fileName);
        }

        @Override
        public InputStream open(String location) throws IOException {
            return store.open(location);
        }

        @Override
        public boolean exists(String location) throws IOException {
            return store.exists(location);
        }

        @Override
        public long size(String location) throws IOException {
            return store.size(location);
        }

        @Override
        public void delete(String location) throws IOException {
            if (left.getAndDecrement() <= 0) {
                throw new PowerCut();
            }
            store.delete(location);
        }
    }

    /**
     * Three backups 10 days apart, retention 15 days; on day 26 the two older ones are due. The prune
     * stops after deleting three of their four copies. Before, it wrote its ledger entry only after the
     * last deletion, so the ledger had nothing: {@code backup list} showed both backups with every copy
     * present and verified at write, which is what restore and a later prune believed too.
     */
    @Test
    void aPruneStoppedMidwayLeftTheLedgerNamingItsCopiesAndTheyAreNotListedAsVerified() throws Exception {
        List<String> ids = backupsOnDays(0, 10, 20);
        List<Path> first = copiesOf(ids.get(0));
        List<Path> second = copiesOf(ids.get(1));
        cli.clock.set(T0.plus(Duration.ofDays(26)));
        AtomicInteger deletions = new AtomicInteger(3);
        try (Ledger ledger = ledger()) {
            BackupContext ctx = context(ledger, Stores.of(d -> new StoppingStore(
                    new LocalDirectoryStore(d.name(), ((BackupPlan.LocalDestination) d).path()), deletions)));
            assertThatThrownBy(() -> new BackupPrune(ctx).prune(true)).isInstanceOf(PowerCut.class);
        }
        assertThat(first).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(second.get(0)).doesNotExist();
        assertThat(second.get(1)).exists();

        // The intent was recorded before the first deletion: every copy it was about to delete.
        List<LedgerEntry> prunes = cli.entries(BackupEvidence.PRUNE_KIND);
        assertThat(prunes).hasSize(1);
        PrunePayload intent = BackupEvidence.prune(prunes.get(0));
        assertThat(intent.intends()).isTrue();
        assertThat(intent.intent()).extracting(BackupEvidence.DeletedCopy::location).containsExactlyInAnyOrder(
                first.get(0).toString(), first.get(1).toString(), second.get(0).toString(), second.get(1).toString());
        assertThat(prunes.get(0).outcome()).isNotEqualTo(Outcome.PASSED);

        // Neither backup is vouched for: they are listed as possibly gone, never as verified.
        CliRun list = cli.run("backup", "list");
        assertThat(list.code()).as(list.all()).isZero();
        assertThat(list.out()).contains(ids.get(0).substring(0, 8), ids.get(1).substring(0, 8),
                "NOT VERIFIED (copies possibly gone)", "possibly gone: " + second.get(0), second.get(1) + " (prune #",
                "was to delete it and did not finish");
        try (Ledger ledger = ledger()) {
            List<BackupRecord> all = BackupCatalog.all(ledger);
            assertThat(all).filteredOn(b -> !b.id().equals(ids.get(2)))
                    .allSatisfy(b -> assertThat(b.lastVerifyOk()).isFalse());
            assertThat(all).filteredOn(b -> b.id().equals(ids.get(2))).singleElement()
                    .satisfies(b -> assertThat(b.lastVerifyOk()).isTrue());
        }
        CliRun json = cli.run("backup", "list", "--format", "json");
        assertThat(json.out()).contains("\"doubt\"", "\"lastVerifyOk\" : false");

        // A verification after the intent speaks for the copies it finds: the one left is there.
        CliRun verify = cli.run("backup", "verify", "--id", ids.get(1).substring(0, 8));
        assertThat(verify.code()).isEqualTo(1);
        try (Ledger ledger = ledger()) {
            assertThat(BackupCatalog.all(ledger)).filteredOn(b -> b.id().equals(ids.get(1))).singleElement()
                    .satisfies(b -> {
                        assertThat(b.doubt()).isNull();
                        assertThat(b.lastVerifyOk()).isFalse(); // the verification found one copy missing
                    });
        }

        // The next prune finishes the work and records its outcome.
        CliRun again = cli.run("backup", "prune", "--apply");
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(second.get(1)).doesNotExist();
        CliRun after = cli.run("backup", "list");
        assertThat(after.out()).contains("1 backup(s)", ids.get(2).substring(0, 8)).doesNotContain("possibly gone");
        List<LedgerEntry> all = cli.entries(BackupEvidence.PRUNE_KIND);
        assertThat(BackupEvidence.prune(all.get(all.size() - 1)).intentId()).isEqualTo(all.get(all.size() - 2).id());
    }

    /**
     * The bastion's clock jumps 60 days ahead: by it, every backup is past its 15-day retention, and
     * prune used to delete all but the newest verified one and exit 0. Now the source is refused:
     * nothing is deleted, the ledger says so, and the exit is 1.
     */
    @Test
    void aClockSixtyDaysAheadPrunesNothingAndSaysWhy() throws Exception {
        List<String> ids = backupsOnDays(0, 1, 2);
        cli.clock.set(T0.plus(Duration.ofDays(62)));

        CliRun dry = cli.run("backup", "prune");
        assertThat(dry.code()).as(dry.all()).isEqualTo(1);
        assertThat(dry.out()).contains("REFUSED", "either the clock is wrong (ahead) or backups of db stopped");
        assertThat(cli.entries(BackupEvidence.PRUNE_KIND)).isEmpty();

        CliRun r = cli.run("backup", "prune", "--apply");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("REFUSED  " + ids.get(0).substring(0, 8), "0 backup(s) deleted, 3 kept");
        for (String id : ids) {
            assertThat(copiesOf(id)).allSatisfy(p -> assertThat(p).exists());
        }
        List<LedgerEntry> prunes = cli.entries(BackupEvidence.PRUNE_KIND);
        assertThat(prunes).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.summary()).startsWith("refused: even the newest backup of db");
            assertThat(BackupEvidence.prune(e).deleted()).isEmpty();
        });
        assertThat(cli.run("backup", "list").out()).contains("3 backup(s)");

        // JSON says the same.
        CliRun json = cli.run("backup", "prune", "--format", "json");
        assertThat(json.out()).contains("\"action\" : \"refused\"");
    }

    /**
     * A clock behind a ledger entry (another bastion recorded it, or this one was reset) is not trusted
     * either, even once a command on the wrong clock has appended an entry dated by it.
     */
    @Test
    void aClockBeforeTheNewestLedgerEntryPrunesNothing() throws Exception {
        backupsOnDays(0, 10, 20);
        cli.clock.set(T0.plus(Duration.ofDays(16)));
        // A command run first on the wrong clock puts an entry dated by it at the head: still refused.
        cli.run("readiness");
        assertThat(cli.entries("readiness")).singleElement().satisfies(e -> assertThat(e.time())
                .isEqualTo(T0.plus(Duration.ofDays(16))));
        CliRun r = cli.run("backup", "prune", "--apply");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("REFUSED", "before ledger entry #");
        assertThat(copiesOf(cli.entries(BackupEvidence.KIND).get(0).id())).allSatisfy(p -> assertThat(p).exists());
    }

    /**
     * The clock jumps 60 days ahead, the nightly backup runs on it, then the prune: the newest backup
     * looks fresh, every older one expired, and the prune deleted them all. The S3 server's clock (its
     * Date header, the newest copy's Last-Modified) says otherwise, and one HEAD asks it. With a right
     * clock the same plan prunes as before.
     */
    @Test
    void aBackupThenAPruneOnAClockThatJumpedAheadAreCaughtByTheBucketsClock() throws Exception {
        try (InProcessS3 s3 = new InProcessS3(); software.amazon.awssdk.services.s3.S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket("offsite"));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: prune-safety}
                    backups:
                      log: backup-log.md
                      destinations:
                        - {name: onprem, type: local, path: onprem}
                        - {name: offsite, type: s3, bucket: offsite, prefix: db, %s}
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, port: 1, user: root, database: app}, compression: gzip, retention: 15d}
                    """.formatted(s3.yaml()));
            plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of()).section("backups", BackupPlan.class)
                    .orElseThrow();
            Instant real = Instant.now();
            List<String> ids = new ArrayList<>();
            try (Ledger ledger = ledger()) {
                BackupContext ctx = context(ledger, BackupFactories.stores());
                for (Instant at : List.of(real.minus(Duration.ofDays(20)), real.minus(Duration.ofDays(10)), real)) {
                    cli.clock.set(at);
                    ids.add(new BackupRun(ctx).run(plan.source("db").orElseThrow()).entryId());
                }
            }
            cli.clock.set(real.plus(Duration.ofMinutes(2)));
            CliRun right = cli.run("backup", "prune", "--apply");
            assertThat(right.code()).as(right.all()).isZero();
            assertThat(right.out()).contains("deleted  " + ids.get(0).substring(0, 8), "1 backup(s) deleted, 2 kept");

            cli.clock.set(real.plus(Duration.ofDays(60)));
            try (Ledger ledger = ledger()) {
                ids.add(new BackupRun(context(ledger, BackupFactories.stores())).run(plan.source("db").orElseThrow())
                        .entryId());
            }
            cli.clock.set(real.plus(Duration.ofDays(60)).plus(Duration.ofHours(2)));
            CliRun wrong = cli.run("backup", "prune", "--apply");
            assertThat(wrong.code()).as(wrong.all()).isEqualTo(1);
            assertThat(wrong.out()).contains("REFUSED  " + ids.get(1).substring(0, 8), "the store of offsite says",
                    "0 backup(s) deleted");
            assertThat(copiesOf(ids.get(1))).filteredOn(p -> !p.toString().startsWith("s3:"))
                    .allSatisfy(p -> assertThat(p).exists());
            assertThat(cli.entries(BackupEvidence.PRUNE_KIND).get(cli.entries(BackupEvidence.PRUNE_KIND).size() - 1)
                    .summary()).startsWith("refused: this clock says");
        }
    }

    /**
     * The newest backup's copies were deleted by hand and readiness's look recorded them missing;
     * nobody ran backup verify. Prune counted that backup as the newest verified one and deleted the
     * older, intact backup when it expired: no restore point was left. A look that found a copy gone
     * now takes the verified standing away, so the older backup is kept.
     */
    @Test
    void aNewestBackupReadinessFoundGoneDoesNotProtectItselfTheOlderIntactOneIsKept() throws Exception {
        List<String> ids = backupsOnDays(0, 10);
        for (Path p : copiesOf(ids.get(1))) {
            Files.delete(p);
        }
        cli.clock.set(T0.plus(Duration.ofDays(11)));
        try (Ledger ledger = ledger()) {
            assertThat(new BackupPresence(context(ledger, BackupFactories.stores())).run())
                    .singleElement().satisfies(l -> assertThat(l.bad()).hasSize(2));
        }
        assertThat(cli.run("backup", "list").out()).contains("NOT VERIFIED (a copy was found gone)");
        cli.clock.set(T0.plus(Duration.ofDays(16)));
        CliRun r = cli.run("backup", "prune", "--apply");
        assertThat(r.out()).as(r.all()).contains("keep*    " + ids.get(0).substring(0, 8));
        assertThat(copiesOf(ids.get(0))).allSatisfy(p -> assertThat(p).exists());
    }

    /** An ordinary prune still deletes what expired, and its outcome names the intent recorded before. */
    @Test
    void anOrdinaryPruneRecordsItsIntentThenItsOutcome() throws Exception {
        List<String> ids = backupsOnDays(0, 10, 20);
        cli.clock.set(T0.plus(Duration.ofDays(21)));
        CliRun r = cli.run("backup", "prune", "--apply");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(copiesOf(ids.get(0))).allSatisfy(p -> assertThat(p).doesNotExist());
        List<LedgerEntry> prunes = cli.entries(BackupEvidence.PRUNE_KIND);
        assertThat(prunes).hasSize(2);
        assertThat(BackupEvidence.prune(prunes.get(0)).intent()).hasSize(2);
        assertThat(BackupEvidence.prune(prunes.get(1)).intentId()).isEqualTo(prunes.get(0).id());
        assertThat(prunes.get(1).outcome()).isEqualTo(Outcome.PASSED);
        assertThat(cli.run("backup", "list").out()).contains("2 backup(s)").doesNotContain("possibly gone");
    }
}
