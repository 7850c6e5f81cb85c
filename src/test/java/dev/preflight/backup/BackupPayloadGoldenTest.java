package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.backup.BackupEvidence.BackupPayload;
import dev.preflight.backup.BackupEvidence.DeletedCopy;
import dev.preflight.backup.BackupEvidence.PrunePayload;
import dev.preflight.backup.BackupEvidence.VerifiedCopy;
import dev.preflight.backup.BackupEvidence.VerifyPayload;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.Golden;
import dev.preflight.testing.MovableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the ledger payloads the backup verbs write ({@code backup}, {@code backup-verify},
 * {@code backup-prune}) byte for byte as the ledger stores them, so old ledgers and their readers
 * (risk, the evidence digest, the catalogue) keep reading what new code writes.
 */
class BackupPayloadGoldenTest {
    private static final Instant T0 = Instant.parse("2026-11-20T01:30:00Z");

    @TempDir
    Path dir;

    /** A dump of fixed bytes with fixed facts; the source {@code bad} stops half-way. */
    private static Producer producer(Source s) {
        return new Producer() {
            @Override
            public String extension() {
                return "sql";
            }

            @Override
            public Production produce(OutputStream out) throws IOException {
                out.write(("-- dump of " + s.name() + "\nCREATE TABLE t (id int);\n").getBytes(StandardCharsets.UTF_8));
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("server", "10.11.6-MariaDB");
                facts.put("tables", 1);
                return s.name().equals("bad") ? Production.failed("the dump stopped half-way", facts)
                        : Production.complete(facts);
            }
        };
    }

    @Test
    void theBackupVerifyAndPrunePayloadsAreWhatTheLedgerHeldBefore() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: payloads}
                backups:
                  log: backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                    - {name: second, type: local, path: second}
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: app}, compression: gzip, retention: 1d}
                    - {name: bad, type: mysql, mysql: {host: 127.0.0.1, user: root, database: app}, retention: 1d}
                """);
        Plan plan = PlanLoader.load(dir.resolve("preflight.yaml"), Map.of());
        BackupPlan bp = plan.section("backups", BackupPlan.class).orElseThrow();
        MovableClock clock = new MovableClock(T0);
        StringBuilder out = new StringBuilder();
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "test@host", clock)) {
            BackupContext ctx = new BackupContext(bp, ledger, clock, BackupFactories.stores(),
                    BackupPayloadGoldenTest::producer, null, Secrets.none());
            BackupRun run = new BackupRun(ctx);
            run.run(bp.source("db").orElseThrow());
            run.run(bp.source("bad").orElseThrow());
            clock.advance(Duration.ofHours(1));
            RunResult second = run.run(bp.source("db").orElseThrow());
            assertThat(second.failure()).isNull();
            // The newer backup's copy in 'second' changes: its verification fails, so prune deletes it.
            Files.writeString(Path.of(second.copies().get(1).location()), "changed");
            clock.advance(Duration.ofHours(1));
            new BackupVerify(ctx).verify(new BackupCatalog(ctx).all());
            clock.advance(Duration.ofDays(2));
            // A backup within its retention when the prune runs (else the prune refuses: the clock or the
            // schedule is wrong); the two older ones are deleted, their intent recorded before the outcome.
            run.run(bp.source("db").orElseThrow());
            clock.advance(Duration.ofHours(1));
            new BackupPrune(ctx).prune(true);
            for (String kind : List.of(BackupEvidence.KIND, BackupEvidence.VERIFY_KIND, BackupEvidence.PRUNE_KIND)) {
                for (LedgerEntry e : ledger.query(LedgerQuery.kind(kind))) {
                    out.append(e.kind()).append(' ').append(e.subject()).append(' ').append(e.outcome().label())
                            .append('\n').append(e.payload()).append('\n');
                    // Read back into its record and written again, a payload is the same bytes.
                    Object typed = kind.equals(BackupEvidence.KIND) ? BackupEvidence.backup(e)
                            : kind.equals(BackupEvidence.VERIFY_KIND) ? BackupEvidence.verify(e) : BackupEvidence.prune(e);
                    assertThat(Json.canonical(typed)).as(e.kind() + " #" + e.seq()).isEqualTo(e.payload());
                }
            }
        }
        Golden.exact().replacing(dir.toRealPath().toString(), "<dir>").replacing(dir.toString(), "<dir>")
                .numbering("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "id")
                .check("backup/ledger-payloads.txt", out.toString());
    }

    /**
     * The rows the run above does not write (a bucket copy's deleted objects, a failed deletion, a copy
     * that is not there) against the maps the verbs built before the payloads were records.
     */
    @Test
    void theRowsNotWrittenAboveMatchTheMapsTheyReplace() {
        Instant until = Instant.parse("2026-11-21T01:30:00Z");
        assertThat(Json.canonical(new PrunePayload(List.of(new DeletedCopy("id-1", "bucket", "s3://b/assets", null, 12L,
                until)), List.of("s3://b/assets: access denied"), T0)))
                .isEqualTo(Json.canonical(Map.of("deleted", List.of(Map.of("backup_id", "id-1", "destination", "bucket",
                        "location", "s3://b/assets", "objects", 12L, "retention_until", until.toString())),
                        "errors", List.of("s3://b/assets: access denied"), "now", T0.toString())));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("destination", "onprem");
        row.put("location", "/backups/a.sql.gz");
        row.put("status", "missing");
        row.put("expected_sha256", "ab");
        row.put("actual_sha256", null);
        row.put("detail", "the copy is not there");
        assertThat(Json.canonical(new VerifyPayload("id-1", List.of(new VerifiedCopy("onprem", "/backups/a.sql.gz",
                "missing", "ab", null, "the copy is not there")))))
                .isEqualTo(Json.canonical(Map.of("backup_id", "id-1", "copies", List.of(row))));
        // Outside the ledger (which sorts keys) a backup payload keeps the order the verb's map had.
        List<String> keys = new ArrayList<>();
        Json.mapper().valueToTree(new BackupPayload("db", "mysql", T0, T0, "db.sql.gz", "gzip", 1L, "ab", until,
                List.of(), null, Map.of())).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("source", "type", "started", "finished", "file", "compression", "size",
                "sha256", "retention_until", "copies", "facts");
    }

    @Test
    void theStartUpWarmUpsChangeNoEncodingAndNeedNoLedger() {
        // Main's start-up thread runs these before a backup; what the ledger then stores is as before.
        Instant t = Instant.parse("2026-11-21T01:30:00Z");
        BackupPayload p = new BackupPayload("db", "mysql", t, t, "db.sql", "none", 3L, "ab", t, null, null, Map.of("k", 1L));
        String before = Json.canonical(p);
        BackupEvidence.warmUp();
        Ledgers.warmUp();
        assertThat(Json.canonical(p)).isEqualTo(before)
                .isEqualTo("{\"compression\":\"none\",\"facts\":{\"k\":1},\"file\":\"db.sql\",\"finished\":"
                        + "\"2026-11-21T01:30:00Z\",\"retention_until\":\"2026-11-21T01:30:00Z\",\"sha256\":\"ab\","
                        + "\"size\":3,\"source\":\"db\",\"started\":\"2026-11-21T01:30:00Z\",\"type\":\"mysql\"}");
    }
}
