package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.preflight.backup.Leftovers;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.testing.Child;
import dev.preflight.testing.CliRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cleaning up after a restore test killed with SIGKILL (#15.7), with real processes: the scratch
 * database it was loading, its option file, and a scratch redis-server (still running, orphaned)
 * with its directory are removed by the next restore test, which says what it removed.
 */
class RestoreLeftoversIT {
    @TempDir
    Path dir;

    private static List<Path> tempDirs(String prefix, long pid) throws Exception {
        try (Stream<Path> s = Files.list(Leftovers.tmp())) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix + pid + "-")).toList();
        }
    }

    @Test
    void aRestoreKilledMidLoadLeavesAScratchDatabaseThatTheNextRestoreTestDropsAndReports() throws Exception {
        String db = "pf_rl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try {
            RestoreHarness.sql("CREATE DATABASE " + db + "; CREATE TABLE " + db + ".t (id INT); INSERT INTO " + db
                    + ".t VALUES (1),(2),(3);");
            // The client runs queries for real but hangs when it is fed the dump: killed mid-load.
            Path started = dir.resolve("load-started");
            Path client = dir.resolve("hanging-client.sh");
            Files.writeString(client, "#!/bin/sh\nfor a in \"$@\"; do\n  if [ \"$a\" = \"-e\" ]; then exec mariadb \"$@\"; fi\n"
                    + "done\ntouch '" + started + "'\nexec sleep 120\n");
            Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));
            String plan = """
                    version: 1
                    project: {name: restore-leftovers}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                    restore_test:
                      source: db
                      target: {host: 127.0.0.1, user: root%s}
                    """;
            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(db, ", client_command: [\"" + client + "\"]"));
            RestoreHarness cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            assertThat(cli.run("backup", "run").code()).isZero();

            Child killed = Child.start(dir, "killed", "restore-test");
            killed.awaitFile(started);
            List<String> scratch = RestoreHarness.databases(db + "_restore_");
            assertThat(scratch).hasSize(1);
            assertThat(scratch.get(0)).endsWith("_" + Long.toString(killed.pid(), 36) + scratch.get(0)
                    .substring(scratch.get(0).lastIndexOf('_', scratch.get(0).lastIndexOf('_') - 1)));
            killed.kill();
            assertThat(RestoreHarness.databases(db + "_restore_")).as("SIGKILL: nothing could drop it").hasSize(1);
            assertThat(tempDirs("preflight-restore-", killed.pid())).as("nor remove the option file").isNotEmpty();

            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(db, ""));
            CliRun next = cli.run("restore-test");
            assertThat(next.code()).as(next.all()).isZero();
            assertThat(next.err()).contains("cleanup: removed scratch database 127.0.0.1:3306/" + scratch.get(0)
                            + ", left by pid " + killed.pid() + " (started ",
                    "which is gone (dropped)",
                    "cleanup: removed private temporary directory (restore client option file) "
                            + Leftovers.tmp().resolve("preflight-restore-" + killed.pid() + "-"));
            assertThat(next.out()).contains("PASSED  db");
            assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
            assertThat(tempDirs("preflight-restore-", killed.pid())).isEmpty();
            List<LedgerEntry> cleanups = cli.entries(Leftovers.KIND);
            assertThat(cleanups).singleElement().satisfies(e -> {
                assertThat(e.subject()).isEqualTo("restore-test");
                assertThat(e.summary()).contains("scratch database 127.0.0.1:3306/" + scratch.get(0));
            });
        } finally {
            RestoreHarness.dropWithRestores(db);
        }
    }

    @Test
    void aScratchRedisOrphanedByASigkillIsStoppedAndItsDirectoryRemovedByTheNextRestoreTest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("source-redis"));
        Process source = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--dir", data.toString(), "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(data.resolve("out.log").toFile()).start();
        CountDownLatch hit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // The smoke check hangs until released: the scratch redis-server is up and loaded meanwhile.
        http.createContext("/health", x -> {
            hit.countDown();
            try {
                release.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        http.setExecutor(Executors.newCachedThreadPool());
        http.start();
        List<ProcessHandle> orphans = List.of();
        try {
            for (int i = 0; i < 200 && !RedisServerProcess.listening(port); i++) {
                Thread.sleep(50);
            }
            new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "SET", "k", "v").start().waitFor();
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: redis-leftovers}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - {name: cache, type: redis, redis: {host: 127.0.0.1, port: %d}}
                    restore_test:
                      redis: {source: cache, start_timeout: 60s}
                      http_checks:
                        - {name: app, url: "http://127.0.0.1:%d/health", max_latency: 60s}
                    """.formatted(port, http.getAddress().getPort()));
            RestoreHarness cli = new RestoreHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            assertThat(cli.run("backup", "run").code()).isZero();

            Child killed = Child.start(dir, "killed", "restore-test");
            assertThat(hit.await(3, TimeUnit.MINUTES)).as("the HTTP check was reached").isTrue();
            List<Path> scratchDir = tempDirs(RedisRestore.SCRATCH_REDIS_PREFIX, killed.pid());
            assertThat(scratchDir).hasSize(1);
            orphans = killed.killAlone();
            List<ProcessHandle> servers = orphans.stream().filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().orElse("").contains("redis")).toList();
            assertThat(servers).as("the scratch redis-server outlives the SIGKILL").hasSize(1);
            release.countDown();

            CliRun next = cli.run("restore-test");
            assertThat(next.code()).as(next.all()).isZero();
            assertThat(next.err()).contains("cleanup: removed scratch redis directory " + scratchDir.get(0)
                    + ", left by pid " + killed.pid() + " (started ", "which is gone (stopped the orphaned redis-server pid "
                    + servers.get(0).pid() + ")");
            assertThat(servers.get(0).onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(scratchDir.get(0)).doesNotExist();
        } finally {
            release.countDown();
            orphans.forEach(ProcessHandle::destroyForcibly);
            http.stop(0);
            source.destroy();
            source.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
