package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledgers;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook from evidence to sign-off with real components: an audit of this host, a MariaDB
 * backup to two local locations and its verification, the CAB change record carrying the published
 * evidence, then readiness GO and a sign-off. Then a flipped byte in one backup copy turns the next
 * verification red, and readiness says NO-GO naming the backup-corruption risk.
 */
class ReadinessEndToEndTest {
    private static final String ROOT = "jdbc:mariadb://127.0.0.1:3306/?user=root";

    @TempDir
    Path dir;
    String db;

    private CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), CliRun.CLOCK, args);
    }

    @BeforeEach
    void setUp() throws Exception {
        db = "pf_ready_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            s.execute("CREATE TABLE " + db + ".users (id INT PRIMARY KEY, email VARCHAR(100))");
            s.execute("INSERT INTO " + db + ".users VALUES (1, 'a@example.com'), (2, 'b@example.com')");
        }
        Files.createDirectories(dir.resolve("docs/upgrade"));
        Files.writeString(dir.resolve("docs/upgrade/change-management.md"), """
                # Change ACAD-1234: Laravel 11 upgrade

                - [x] Backup evidence attached
                - [x] Compatibility report attached
                - [x] Runbook linked

                Approved-by: Dana Reyes (CAB chair), 2026-11-23
                """);
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/academy/upgrade/section-1.1"}
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
                      retention: 30d
                change_window: {start: 2026-11-24T22:00:00Z, end: 2026-11-25T02:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                  cab: {provider: file, path: docs/upgrade/change-management.md}
                risks:
                  - name: backup-corruption
                    title: Backup corruption
                    mitigation: Dual-location storage with checksum validation
                    controls: [{evidence: backup-verify, max_age: 24h}]
                  - name: version-drift
                    title: Version drift between environments
                    mitigation: CI compatibility audit
                    controls: [{evidence: audit, environment: production, max_age: 7d}]
                """.formatted(db));
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
        }
    }

    @Test
    void evidenceToGoAndSignOffThenACorruptedCopyIsNoGo() throws Exception {
        // No ledger yet: readiness never creates one (issue 14). An empty one, as a first command leaves it:
        assertThat(run("readiness").code()).isEqualTo(3);
        Ledgers.open(null, dir, Secrets.none(), "t@h", CliRun.CLOCK).close();
        CliRun noEvidence = run("readiness");
        assertThat(noEvidence.code()).isEqualTo(1);
        assertThat(noEvidence.out()).contains("NO-GO", "no evidence recorded");

        assertThat(run("audit").code()).isZero();
        CliRun backup = run("backup", "run");
        assertThat(backup.code()).as(backup.out() + backup.err()).isZero();
        assertThat(run("backup", "verify").code()).isZero();
        CliRun publish = run("gates", "publish");
        assertThat(publish.code()).as(publish.out() + publish.err()).isZero();

        CliRun go = run("readiness");
        assertThat(go.code()).as(go.out() + go.err()).isZero();
        assertThat(go.out()).contains("Readiness of academy: GO", "gates", "PASSED", "2 of 2 risk(s) mitigated");
        JsonNode json = Json.parse(run("readiness", "--format", "json").out());
        assertThat(json.path("verdict").asText()).isEqualTo("GO");

        CliRun html = run("readiness", "--format", "html", "-o", "readiness.html");
        assertThat(html.code()).isZero();
        String page = Files.readString(dir.resolve("readiness.html"));
        assertThat(page).contains("<p id=\"verdict\" class=\"verdict go\">GO</p>", "academy-db", "Mitigated");
        // The backup's checksums in the report are those of the files on disk.
        try (Stream<Path> copies = Files.walk(dir.resolve("backups"))) {
            for (Path f : copies.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".sql.gz")).toList()) {
                assertThat(page).contains(Hashing.sha256Hex(Files.readAllBytes(f)));
            }
        }

        CliRun sign = run("readiness", "sign", "--by", "Dana Reyes", "--role", "CAB chair");
        assertThat(sign.code()).as(sign.out()).isZero();
        assertThat(sign.out()).contains("Signed off: GO for academy by Dana Reyes (CAB chair)");
        assertThat(run("ledger", "log", "--kind", "sign-off").out()).contains("GO signed off by Dana Reyes");

        // A flipped bit in one stored copy: verification fails, the risk opens, readiness is NO-GO.
        Path copy;
        try (Stream<Path> copies = Files.walk(dir.resolve("backups/second"))) {
            copy = copies.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(copy, bytes);
        assertThat(run("backup", "verify").code()).isEqualTo(1);
        CliRun nogo = run("readiness");
        assertThat(nogo.code()).isEqualTo(1);
        assertThat(nogo.out()).contains("NO-GO", "backup-corruption Open: backup-verify (academy-db) within 24h: latest evidence failed");
        assertThat(run("ledger", "verify").code()).isZero();
    }
}
