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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #15, cases 1 and 2, against the real MariaDB and Redis: {@code run} and {@code readiness}
 * give one verdict (the quickstart is GO for both; a dependency review with blockers is NO-GO for
 * both and cannot be signed off), they agree on every state of one subject's evidence while the
 * other subject's is fresh, and one backup source's corruption is not hidden by another's pass.
 */
class VerdictCliTest {
    private static final String ROOT = "jdbc:mariadb://127.0.0.1:3306/?user=root";
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    CliHarness cli;
    String db;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliHarness(dir, T0);
        db = "pf_verdict_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            s.execute("CREATE TABLE " + db + ".users (id INT PRIMARY KEY, email VARCHAR(100))");
            s.execute("INSERT INTO " + db + ".users VALUES (1, 'a@example.com'), (2, 'b@example.com')");
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ROOT); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
        }
    }

    /** Two backup sources (a MariaDB database and the local Redis), two local destinations, one subjectless control. */
    private void backupPlan() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: verdict}
                backups:
                  log: backups/backup-log.md
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                    - {name: second, type: local, path: backups/second}
                  sources:
                    - name: test-db
                      type: mysql
                      mysql: {host: 127.0.0.1, port: 3306, user: root, database: %s}
                      compression: gzip
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: 6379}
                risks:
                  - name: backup-corruption
                    title: Backup corruption
                    mitigation: Dual-location storage with checksum validation
                    controls: [{evidence: backup-verify, max_age: 24h}]
                """.formatted(db));
    }

    private static JsonNode json(CliRun r) {
        return Json.parse(r.out());
    }

    private String backupId(String source) {
        return cli.entries("backup").stream().filter(e -> e.subject().equals(source)).reduce((a, b) -> b)
                .map(LedgerEntry::id).orElseThrow();
    }

    private void corruptEveryCopyOf(String source) throws Exception {
        List<Path> copies;
        try (Stream<Path> files = Files.walk(dir.resolve("backups"))) {
            copies = files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(source + "-"))
                    .toList();
        }
        assertThat(copies).hasSize(2);
        for (Path copy : copies) {
            byte[] bytes = Files.readAllBytes(copy);
            bytes[bytes.length / 2] ^= 0x01;
            Files.write(copy, bytes);
        }
    }

    @Test
    void quickstartRunIsGoAndReadinessRightAfterIsGoToo() throws Exception {
        Files.copy(Path.of("examples/quickstart/preflight.yaml"), dir.resolve("preflight.yaml"));
        CliRun run = cli.run("run");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Readiness of quickstart: GO", "fresh    audit        audit local: passed #2");
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.code()).as(readiness.all()).isZero();
        assertThat(readiness.out()).contains("Readiness of quickstart: GO", "audit local: passed #2")
                .containsPattern("ledger head #\\d+ [0-9a-f]{64} \\(this verdict; judged at #\\d+\\)");
        JsonNode j = json(cli.run("readiness", "--format", "json"));
        assertThat(j.path("verdict").asText()).isEqualTo("GO");
        assertThat(j.path("ledger").path("head_seq").asLong()).isPositive();
        assertThat(j.path("ledger").path("head_hash").asText()).hasSize(64).isEqualTo(j.path("ledger_head").asText());
    }

    @Test
    void aDependencyReviewWithBlockersIsNoGoForReadinessAndCannotBeSignedOff() throws Exception {
        Path academy = Path.of("examples/academy").toAbsolutePath();
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: blockers, runbook: "https://wiki.example.com/runbook"}
                environments:
                  - name: staging
                    hosts: [{name: bastion, uri: local}]
                requirements:
                  - {tool: java, version: ">=17"}
                dependencies:
                  dir: %1$s/app
                  targets: {laravel/framework: "11.*", php: "8.3", node: "20"}
                  metadata: [%1$s/metadata/laravel-framework.json, %1$s/metadata/spatie-laravel-permission.json,
                             %1$s/metadata/spatie-laravel-ignition.json, %1$s/metadata/mockery-mockery.json]
                  npm_outdated: false
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: staging, ticket: CHG-1}
                gates:
                  custom: [{name: audited, expr: 'audit.latest("staging").passed'}]
                risks:
                  - name: version-drift
                    title: Version drift
                    controls: [{evidence: audit, environment: staging, max_age: 7d}]
                """.formatted(academy));
        assertThat(cli.run("audit").code()).isZero();
        CliRun deps = cli.run("deps");
        assertThat(deps.code()).isEqualTo(1);
        assertThat(deps.out()).contains("BLOCKED: 12 blocker(s)");
        long depsSeq = cli.entries("deps").get(0).seq();

        // Gates pass and the risk is mitigated, but the configured review failed: NO-GO, naming it.
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.code()).as(readiness.out()).isEqualTo(1);
        assertThat(readiness.out()).contains("Readiness of blockers: NO-GO", "gates         PASSED", "risks         PASSED",
                "  - deps: deps blockers (lock files in " + academy.resolve("app") + "): latest evidence deps #" + depsSeq,
                "failed: BLOCKED: 12 blocker(s)");
        JsonNode why = json(cli.run("readiness", "--format", "json")).path("reason_details").get(0);
        assertThat(why.path("section").asText()).isEqualTo("deps");
        assertThat(why.path("kind").asText()).isEqualTo("deps");
        assertThat(why.path("subject").asText()).isEqualTo("blockers");
        assertThat(why.path("entry").asLong()).isEqualTo(depsSeq);

        CliRun sign = cli.run("readiness", "sign", "--by", "Dana Reyes", "--role", "CAB chair");
        assertThat(sign.code()).isEqualTo(1);
        assertThat(sign.out()).contains("NO-GO", "Sign-off NOT recorded: the verdict is NO-GO.");
        assertThat(cli.entries("sign-off")).isEmpty();

        CliRun run = cli.run("run");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("Readiness of blockers: NO-GO", "deps          FAILED  blocked: 12 blocker(s)");
    }

    /** States of the database's backup-verify evidence; the cache's is fresh in every one. */
    enum State { FRESH, MISSING, FAILING, STALE }

    @ParameterizedTest
    @EnumSource(State.class)
    void runAndReadinessAgreeOnEveryStateOfOneSubjectsEvidence(State state) throws Exception {
        backupPlan();
        assertThat(cli.run("backup", "run").code()).isZero();
        switch (state) {
            case FRESH -> assertThat(cli.run("backup", "verify").code()).isZero();
            case MISSING -> assertThat(cli.run("backup", "verify", "--id", backupId("cache")).code()).isZero();
            case FAILING -> {
                corruptEveryCopyOf("test-db");
                assertThat(cli.run("backup", "verify").code()).isEqualTo(1);
            }
            case STALE -> {
                assertThat(cli.run("backup", "verify").code()).isZero();
                cli.clock.advance(Duration.ofHours(25));
                assertThat(cli.run("backup", "verify", "--id", backupId("cache")).code()).isZero();
            }
        }
        // run re-backs up both sources (it does not verify), then asks the verdict; readiness asks it right after.
        CliRun run = cli.run("--format", "json", "run");
        CliRun readiness = cli.run("--format", "json", "readiness");
        JsonNode r = json(run);
        JsonNode q = json(readiness);
        assertThat(run.code()).as(run.all()).isEqualTo(readiness.code());
        assertThat(r.path("verdict")).isEqualTo(q.path("verdict"));
        assertThat(r.path("reasons")).as(readiness.out()).isEqualTo(q.path("reasons"));
        assertThat(r.path("evidence")).isEqualTo(q.path("evidence"));
        String verdict = q.path("verdict").asText();
        String reasons = q.path("reasons").toString();
        switch (state) {
            case FRESH -> assertThat(verdict).as(reasons).isEqualTo("GO");
            case MISSING -> assertThat(reasons).contains("backup-corruption Open: backup-verify (test-db) within 24h: "
                    + "no evidence recorded");
            case FAILING -> assertThat(reasons).contains("backup-corruption Open: backup-verify (test-db) within 24h: "
                    + "latest evidence failed");
            case STALE -> assertThat(reasons).contains("backup-corruption At risk: backup-verify (test-db) within 24h: "
                    + "stale, last passed");
        }
        if (state != State.FRESH) {
            assertThat(verdict).isEqualTo("NO-GO");
            assertThat(run.code()).isEqualTo(1);
            // Only the database's evidence is named: the cache's pass stands for nothing but the cache.
            assertThat(reasons).doesNotContain("(cache)");
        } else {
            assertThat(run.code()).isZero();
        }
    }

    @Test
    void bothCopiesOfOneSourceCorruptedAreNotHiddenByTheOtherSourcesPass() throws Exception {
        backupPlan();
        CliRun backup = cli.run("backup", "run");
        assertThat(backup.code()).as(backup.all()).isZero();
        corruptEveryCopyOf("test-db");
        CliRun verify = cli.run("backup", "verify");
        assertThat(verify.code()).isEqualTo(1);
        long failed = cli.entries("backup-verify").stream().filter(e -> e.subject().equals("test-db")).findFirst()
                .orElseThrow().seq();

        // cache was verified after test-db: before #15 its pass counted for the subjectless control.
        CliRun risks = cli.run("risks");
        assertThat(risks.code()).as(risks.out()).isEqualTo(1);
        assertThat(risks.out()).contains("Backup corruption  Open",
                "failing  backup-verify (test-db) within 24h: latest evidence failed #" + failed,
                "ok       backup-verify (cache) within 24h: passed");

        CliRun readiness = cli.run("readiness");
        assertThat(readiness.code()).isEqualTo(1);
        assertThat(readiness.out()).contains("Readiness of verdict: NO-GO",
                "  - backups: backup test-db (copy in onprem): latest evidence backup-verify #" + failed,
                "  - backups: backup test-db (copy in second): latest evidence backup-verify #" + failed,
                "  - risks: backup-corruption Open: backup-verify (test-db) within 24h: latest evidence failed #" + failed,
                "fresh    backups      backup cache (copy in onprem): passed");
    }

    @Test
    void riskSubjectsThatNameNothingConfiguredAreValidateErrors() throws Exception {
        backupPlan();
        Path plan = dir.resolve("preflight.yaml");
        Files.writeString(plan, Files.readString(plan).replace("{evidence: backup-verify, max_age: 24h}",
                "{evidence: backup-verify, subject: test-bd, max_age: 24h}, {evidence: restore-test, max_age: 7d}"));
        CliRun v = cli.run("validate");
        assertThat(v.code()).isEqualTo(2);
        assertThat(v.err()).contains("risks[0].controls[0].subject: no backup source 'test-bd' in the plan "
                        + "(did you mean 'test-db'? 'backup-verify' evidence is recorded about: test-db, cache)",
                "risks[0].controls[1].evidence: the plan configures nothing that records 'restore-test' evidence");
    }
}
