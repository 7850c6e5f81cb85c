package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliRun;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No vacuous pass (#15.6): an empty dump or an empty snapshot is a WARNING recorded as failed (so
 * it cannot count towards GO) unless the plan allows it; a restore_test naming a source that does
 * not exist, or of the wrong kind, is a plan error with its position and a did-you-mean.
 */
class VacuousPassTest {
    @TempDir
    Path dir;

    private final String db = "pf_ve_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private Process redis;

    @AfterEach
    void tearDown() throws Exception {
        RestoreHarness.dropWithRestores(db);
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private RestoreHarness harness() {
        return new RestoreHarness(dir, start);
    }

    private void plan(String restoreExtra) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: vacuous}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: app-db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                restore_test:
                  source: app-db
                  target: {host: 127.0.0.1, user: root}
                %s""".formatted(db, restoreExtra));
    }

    @Test
    void aDumpWithNoTablesIsAWarningThatIsRecordedAsFailedUnlessThePlanAllowsIt() throws Exception {
        RestoreHarness.sql("CREATE DATABASE " + db);
        plan("");
        RestoreHarness h = harness();
        assertThat(h.run("backup", "run").code()).isZero();

        CliRun r = h.run("restore-test");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("WARNING  app-db", "ok    structure tables: 0 of 0 present",
                "WARN  empty " + db + "_restore_", "the dump has no tables: restoring it proves nothing",
                "set restore_test.allow_empty: true", "0 restore test(s) passed, 1 failed");
        LedgerEntry e = h.entries("restore-test").get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.summary()).startsWith("WARNING: restore test of app-db proves nothing: the dump has no tables");

        plan("  allow_empty: true\n");
        CliRun allowed = h.run("restore-test");
        assertThat(allowed.code()).as(allowed.all()).isZero();
        assertThat(allowed.out()).contains("PASSED  app-db",
                "ok    empty " + db + "_restore_", "the dump has no tables; passed because restore_test.allow_empty is true");
        assertThat(h.entries("restore-test").get(1).outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void aRedisSnapshotWithNoKeysIsAWarningUnlessAllowed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("redis-data"));
        redis = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--dir", data.toString(), "--daemonize", "no").redirectErrorStream(true)
                .redirectOutput(data.resolve("out.log").toFile()).start();
        for (int i = 0; i < 200 && !RedisServerProcess.listening(port); i++) {
            Thread.sleep(50);
        }
        String section = """
                version: 1
                project: {name: vacuous}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: cache, type: redis, redis: {host: 127.0.0.1, port: %d}}
                restore_test:
                  redis: {source: cache, start_timeout: 60s%s}
                """;
        Files.writeString(dir.resolve("preflight.yaml"), section.formatted(port, ""));
        RestoreHarness h = harness();
        assertThat(h.run("backup", "run").code()).isZero();

        CliRun r = h.run("restore-test");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("WARNING  cache", "ok    keys total: 0 keys",
                "WARN  empty cache: the snapshot holds no keys: restoring it proves nothing");
        assertThat(h.entries("restore-test").get(0).summary()).startsWith("WARNING: ");
        assertThat(h.entries("restore-test").get(0).outcome()).isEqualTo(Outcome.FAILED);

        Files.writeString(dir.resolve("preflight.yaml"), section.formatted(port, ", allow_empty: true"));
        CliRun allowed = h.run("restore-test");
        assertThat(allowed.code()).as(allowed.all()).isZero();
        assertThat(allowed.out()).contains("PASSED  cache", "the snapshot holds no keys; passed because allow_empty is true");
    }

    @Test
    void referencesBetweenSectionsAreCheckedAtValidateTimeWithADidYouMean() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: refs}
                environments:
                  - {name: staging, hosts: [{name: me, uri: local}]}
                backups:
                  destinations: [{name: onprem, type: local, path: onprem}]
                  sources:
                    - {name: app-db, type: mysql, mysql: {database: app}}
                    - {name: cache, type: redis, redis: {}}
                restore_test:
                  source: app-db2
                  target: {host: 127.0.0.1, user: root}
                  redis: {source: app-db}
                cutover:
                  environment: stagign
                  blue: {name: b, health_url: "http://127.0.0.1:1/h", servers: [b1]}
                  green: {name: g, health_url: "http://127.0.0.1:1/h", servers: [g1]}
                  load_balancer: {type: command, switch_to_blue: [/bin/true], switch_to_green: [/bin/true]}
                  failback_bound: 5m
                """);
        CliRun v = harness().run("validate");
        assertThat(v.code()).as(v.all()).isEqualTo(2);
        assertThat(v.all()).contains(
                "preflight.yaml:11:11: restore_test.source: no backup source named 'app-db2' (did you mean 'app-db'? "
                        + "mysql sources: app-db)",
                "preflight.yaml:13:19: restore_test.redis.source: backup source 'app-db' is of type mysql, not redis "
                        + "(restore it with restore_test.source instead)",
                "preflight.yaml:15:16: cutover.environment: no environment named 'stagign' in the plan (did you mean "
                        + "'staging'? one of: staging)");
        assertThat(v.all()).contains("the plan has 3 problem(s)");
    }

    @Test
    void aRestoreTestWithoutABackupsSectionIsAPlanError() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: refs}
                restore_test:
                  source: nope-db
                  target: {host: 127.0.0.1, user: root}
                """);
        CliRun v = harness().run("validate");
        assertThat(v.code()).isEqualTo(2);
        assertThat(v.all()).contains("preflight.yaml:4:11: restore_test.source: no backup source named 'nope-db': "
                + "the plan has no backups section");
    }

    @Test
    void theShippedExamplesStillValidate() {
        for (String example : List.of("examples/academy/preflight.yaml", "examples/local-services/preflight.yaml",
                "examples/quickstart/preflight.yaml")) {
            CliRun v = CliRun.of(Path.of("").toAbsolutePath(), Map.of(), CliRun.CLOCK, "--plan", example,
                    "validate");
            assertThat(v.code()).as(example + ": " + v.all()).isZero();
        }
    }
}
