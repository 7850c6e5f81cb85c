package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliRun;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis RDB backups loaded into a scratch redis-server the tool starts and stops itself. */
class RedisRestoreTest {
    @TempDir
    Path dir;

    private Process source;
    private int port;
    private RestoreHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("source-redis"));
        source = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save",
                "", "--appendonly", "no", "--dir", data.toString(), "--daemonize", "no").redirectErrorStream(true)
                .redirectOutput(data.resolve("out.log").toFile()).start();
        for (int i = 0; i < 200 && !RedisServerProcess.listening(port); i++) {
            Thread.sleep(50);
        }
        List<String> cmds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            cmds.add("SET k" + i + " v" + i);
        }
        cmds.add("SELECT 3");
        cmds.add("HSET h a 1 b 2");
        cmds.add("RPUSH l x y z");
        for (String c : cmds) {
            cli(c);
        }
        cli = new RestoreHarness(dir, Instant.parse("2026-01-05T01:30:00Z"));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: redis-restore}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: onprem}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: %d}
                      name_pattern: "cache-{date}-{time}"
                restore_test:
                  redis: {source: cache, start_timeout: 60s}
                """.formatted(port));
    }

    /** One redis-cli call against the source server; "SELECT n" switches the database of the following calls. */
    private int db;

    private void cli(String command) throws Exception {
        if (command.startsWith("SELECT ")) {
            db = Integer.parseInt(command.substring(7));
            return;
        }
        List<String> argv = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port), "-n",
                Integer.toString(db)));
        argv.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        source.destroy();
        source.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void theRdbLoadsIntoAScratchServerWithTheRecordedKeyCountsAndTheServerIsGoneAfterwards() throws Exception {
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();

        CliRun r = cli.run("restore-test");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("PASSED  cache", "ok    artifact onprem:", " of RDB loaded into 127.0.0.1:",
                "ok    keys total: 9 keys in 2 database(s), as recorded at backup",
                "ok    keys db0: 7 keys, as recorded at backup", "ok    keys db3: 2 keys, as recorded at backup",
                "stopped, ", " removed");
        JsonNode p = RestoreHarness.payload(cli.entries("restore-test").get(0));
        assertThat(p.path("backup_id").asText()).isEqualTo(cli.entries("backup").get(0).id());
        assertThat(p.path("restore_ms").isNumber()).isTrue();
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+) \\((.*)\\)").matcher(p.path("restored_to").asText());
        assertThat(m.matches()).as(p.path("restored_to").asText()).isTrue();
        int scratchPort = Integer.parseInt(m.group(1));
        assertThat(scratchPort).isNotEqualTo(port);
        assertThat(RedisServerProcess.listening(scratchPort)).isFalse();
        assertThat(Path.of(m.group(2))).doesNotExist();
        // The source server was only read: its keys are all still there.
        assertThat(RedisServerProcess.listening(port)).isTrue();
    }

    @Test
    void theNewestBackupIsRestoredAndATamperedArtifactIsRefusedBeforeAnyServerStarts() throws Exception {
        CliRun b = cli.run("backup", "run");
        assertThat(b.code()).as(b.all()).isZero();
        cli("SET extra 1");
        cli.clock.set(Instant.parse("2026-01-05T02:30:00Z"));
        assertThat(cli.run("backup", "run").code()).isZero();
        Path first = dir.resolve("onprem/cache-2026-01-05-0130.rdb");
        Path second = dir.resolve("onprem/cache-2026-01-05-0230.rdb");
        assertThat(Files.size(first)).isNotEqualTo(Files.size(second));

        CliRun r = cli.run("restore-test");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("(cache-2026-01-05-0230.rdb)", "keys total: 10 keys");

        // An older backup by id: its own recorded counts.
        String firstId = cli.entries("backup").get(0).id();
        CliRun older = cli.run("restore-test", "--backup", firstId.substring(0, 8));
        assertThat(older.code()).as(older.all()).isZero();
        assertThat(older.out()).contains("backup " + firstId.substring(0, 8) + " (cache-2026-01-05-0130.rdb)",
                "keys total: 9 keys");
        assertThat(RestoreHarness.payload(cli.entries("restore-test").get(1)).path("backup_id").asText())
                .isEqualTo(firstId);

        // A tampered artifact is refused outright, before any server is started.
        Files.copy(first, second, StandardCopyOption.REPLACE_EXISTING);
        CliRun bad = cli.run("restore-test");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("FAIL  artifact", "it was not restored").doesNotContain("loaded into");
        assertThat(cli.entries("restore-test").get(2).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void keepLeavesTheScratchServerRunningAndSaysHowToStopIt() throws Exception {
        assertThat(cli.run("backup", "run").code()).isZero();
        CliRun r = cli.run("restore-test", "--keep");
        assertThat(r.code()).as(r.all()).isZero();
        Matcher m = Pattern.compile("redis-cli -p (\\d+) shutdown nosave").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        int scratch = Integer.parseInt(m.group(1));
        try {
            assertThat(RedisServerProcess.listening(scratch)).isTrue();
        } finally {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(scratch), "shutdown", "nosave").start();
            p.waitFor(30, TimeUnit.SECONDS);
            for (int i = 0; i < 200 && RedisServerProcess.listening(scratch); i++) {
                Thread.sleep(50);
            }
            String where = RestoreHarness.payload(cli.entries("restore-test").get(0)).path("restored_to").asText();
            RedisServerProcess.deleteTree(Path.of(where.substring(where.indexOf('(') + 1, where.length() - 1)));
        }
    }
}
