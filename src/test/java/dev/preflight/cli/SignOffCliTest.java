package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15, case 4, against the real MariaDB: the CAB evidence does not go stale because newer
 * evidence passed (the nightly backup, a new audit), only when newer evidence failed; a sign-off
 * is bound to the ledger head it was given on, shows what was recorded since, and a failing entry
 * since voids it until its signer signs again.
 */
class SignOffCliTest {
    private static final String ROOT = "jdbc:mariadb://127.0.0.1:3306/?user=root";

    @TempDir
    Path dir;
    CliHarness cli;
    String db;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        db = "pf_sign_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            s.execute("CREATE TABLE " + db + ".users (id INT PRIMARY KEY, email VARCHAR(100))");
            s.execute("INSERT INTO " + db + ".users VALUES (1, 'a@example.com')");
        }
        Files.createDirectories(dir.resolve("docs/upgrade"));
        Files.writeString(dir.resolve("docs/upgrade/change-management.md"), """
                # Change ACAD-1234

                - [x] Backup evidence attached
                - [x] Compatibility report attached

                Approved-by: Dana Reyes (CAB chair), 2026-11-23
                """);
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/academy/upgrade"}
                environments:
                  - name: production
                    hosts: [{name: bastion, uri: local}]
                requirements:
                  - {tool: java, version: ">=17"}
                backups:
                  log: docs/upgrade/backups/backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                    - {name: second, type: local, path: backups/second}
                  sources:
                    - name: academy-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                      compression: gzip
                change_window: {start: 2026-11-25T01:00:00Z, end: 2026-11-25T05:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                  cab: {provider: file, path: docs/upgrade/change-management.md}
                risks:
                  - name: backup-corruption
                    title: Backup corruption
                    controls: [{evidence: backup-verify, max_age: 24h}]
                """.formatted(db));
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
        }
    }

    private CliRun ok(String... args) {
        CliRun r = cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isZero();
        return r;
    }

    private long newest(String kind) {
        List<LedgerEntry> es = cli.entries(kind);
        return es.get(es.size() - 1).seq();
    }

    @Test
    void newerPassingEvidenceKeepsTheCabGateAndTheSignOffAFailureSinceVoidsBoth() throws Exception {
        // The working order the README gives: run, gates publish, readiness, sign.
        ok("audit");
        ok("backup", "run");
        ok("backup", "verify");
        ok("gates", "publish");
        CliRun go = ok("readiness");
        assertThat(go.out()).contains("Readiness of academy: GO", "gates         PASSED");

        // The nightly backup and a new audit pass: the attached evidence still holds; the newer one is reported.
        cli.clock.advance(Duration.ofHours(1));
        ok("backup", "run");
        ok("audit");
        long nightly = newest("backup");
        CliRun gates = ok("gates", "check");
        assertThat(gates.out()).contains("PASSED  cab", "newer evidence #" + nightly + " exists (backup of academy-db",
                "newer evidence #" + newest("audit") + " exists (audit of production");
        ok("readiness");

        CliRun sign = ok("readiness", "sign", "--by", "Dana Reyes", "--role", "CAB chair");
        long head = newest("readiness");
        String headHash = cli.entries("readiness").get(cli.entries("readiness").size() - 1).hash();
        assertThat(sign.out()).contains("Signed off: GO for academy by Dana Reyes (CAB chair), ledger entry #" + (head + 1)
                + " on head #" + head + " " + headHash);
        CliRun current = ok("readiness");
        assertThat(current.out()).contains("GO signed off by Dana Reyes (CAB chair) on head #" + head + " " + headHash
                + ": current (no evidence recorded since)");
        ok("audit");
        CliRun still = ok("readiness");
        assertThat(still.out()).contains("Readiness of academy: GO", "GO signed off by Dana Reyes (CAB chair) on head #" + head,
                "1 entry recorded since, none failing: #" + newest("audit") + " audit production passed");

        // One copy of the nightly backup is corrupted: its verification fails.
        Path copy;
        try (Stream<Path> files = Files.walk(dir.resolve("backups/second"))) {
            copy = files.filter(p -> p.getFileName().toString().startsWith("academy-db-")).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(copy, bytes);
        assertThat(cli.run("backup", "verify", "--id", cli.entries("backup").get(1).id()).code()).isEqualTo(1);
        long failing = newest("backup-verify");

        CliRun cab = cli.run("gates", "check");
        assertThat(cab.code()).isEqualTo(1);
        assertThat(cab.out()).contains("FAILED  cab", "superseded by failing backup-verify #" + failing + " of academy-db");
        CliRun nogo = cli.run("readiness");
        assertThat(nogo.code()).isEqualTo(1);
        assertThat(nogo.out()).contains("Readiness of academy: NO-GO",
                "on head #" + head + " " + headHash + ": VOID - failing since: #" + failing + " backup-verify academy-db failed",
                "  - sign-off: #" + (head + 1) + " by Dana Reyes (CAB chair) is void: failing entry #" + failing
                        + " backup-verify academy-db");
        JsonNode j = Json.parse(cli.run("readiness", "--format", "json").out());
        JsonNode so = j.path("sign_offs").get(0);
        assertThat(so.path("status").asText()).isEqualTo("void");
        assertThat(so.path("head_seq").asLong()).isEqualTo(head);
        assertThat(so.path("failing_since").get(0).path("seq").asLong()).isEqualTo(failing);
        assertThat(cli.run("readiness", "sign", "--by", "Lee Park", "--role", "EPM").code()).isEqualTo(1);
        // The same refusal for a script: nothing recorded, and the JSON says so.
        CliRun refusedJson = cli.run("readiness", "sign", "--by", "Lee Park", "--role", "EPM", "--format", "json");
        assertThat(refusedJson.code()).isEqualTo(1);
        JsonNode rj = Json.parse(refusedJson.out());
        assertThat(rj.path("recorded").asBoolean(true)).isFalse();
        assertThat(rj.path("entry_seq").isNull()).isTrue();
        assertThat(rj.path("sign_off").path("verdict").asText()).isEqualTo("NO-GO");
        assertThat(cli.entries("sign-off")).hasSize(1);

        // Fixed: a new backup, verified, published. Dana's sign-off stays void until she signs again.
        cli.clock.advance(Duration.ofHours(1));
        ok("backup", "run");
        ok("backup", "verify", "--id", cli.entries("backup").get(2).id());
        ok("gates", "publish");
        CliRun onlyVoid = cli.run("readiness");
        assertThat(onlyVoid.code()).isEqualTo(1);
        assertThat(onlyVoid.out()).contains("NO-GO").containsOnlyOnce("  - ").contains("  - sign-off: #" + (head + 1));
        CliRun again = ok("readiness", "sign", "--by", "Dana Reyes", "--role", "CAB chair");
        assertThat(again.out()).contains("Signed off: GO for academy by Dana Reyes (CAB chair)");
        CliRun after = ok("readiness");
        assertThat(after.out()).contains("Readiness of academy: GO", ": current (no evidence recorded since)")
                .doesNotContain("VOID");

        // Every attachment names the ledger entry it comes from and the head it was published at.
        CliRun publish = ok("gates", "publish");
        assertThat(publish.out()).containsPattern("3 item\\(s\\) attached to change record .* at ledger head #\\d+ [0-9a-f]{64}");
        assertThat(Files.readString(dir.resolve("docs/upgrade/change-management.evidence/preflight-backup-log-academy-db.md")))
                .contains("| ledger head when published | #", "| entry hash | ");
        assertThat(Files.readString(dir.resolve("docs/upgrade/change-management.evidence/preflight-audit-production.json")))
                .contains("\"preflight_ledger\"", "\"entry_seq\"", "\"head_hash\"");

        // A sign-off from a script: the JSON names the entry it recorded and the head it was given on.
        ok("readiness");
        long signedHead = newest("readiness");
        CliRun json = ok("readiness", "sign", "--by", "Sam Lee", "--role", "EPM", "--format", "json");
        JsonNode sj = Json.parse(json.out());
        assertThat(sj.path("recorded").asBoolean()).isTrue();
        assertThat(sj.path("entry_seq").asLong()).isEqualTo(newest("sign-off"));
        assertThat(sj.path("sign_off").path("by").asText()).isEqualTo("Sam Lee");
        assertThat(sj.path("sign_off").path("ledger_seq").asLong()).isEqualTo(newest("readiness")).isGreaterThan(signedHead);
        assertThat(sj.path("sign_off").path("ledger_head").asText()).matches("[0-9a-f]{64}");
        assertThat(ok("readiness").out()).contains("GO signed off by Sam Lee (EPM) on head #"
                + sj.path("sign_off").path("ledger_seq").asLong() + " " + sj.path("sign_off").path("ledger_head").asText()
                + ": current");
    }
}
