package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.preflight.backup.Leftovers;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore test interrupted (SIGTERM, as Ctrl-C ends the JVM the same way) while its scratch
 * database exists: the shutdown hook drops it. Runs the packaged jar as a real process.
 */
class RestoreInterruptIT {
    @TempDir
    Path dir;

    @Test
    void anInterruptedRestoreTestStillDropsItsScratchDatabase() throws Exception {
        String db = "pf_ri_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        CountDownLatch hit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // The smoke check hangs here, after the restore, until the test ends: the scratch database exists.
        server.createContext("/health", x -> {
            hit.countDown();
            try {
                release.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        try {
            RestoreHarness.sql("CREATE DATABASE " + db + "; CREATE TABLE " + db + ".t (id INT); INSERT INTO " + db
                    + ".t VALUES (1),(2);");
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: interrupt}
                    backups:
                      destinations: [{name: onprem, type: local, path: onprem}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                    restore_test:
                      source: db
                      target: {host: 127.0.0.1, user: root}
                      http_checks:
                        - {name: app, url: "http://127.0.0.1:%d/health", max_latency: 60s}
                    """.formatted(db, server.getAddress().getPort()));
            assertThat(launch("backup", "run").waitFor()).isZero();

            Process p = launch("restore-test");
            assertThat(hit.await(3, TimeUnit.MINUTES)).as("the HTTP check was reached").isTrue();
            assertThat(RestoreHarness.databases(db + "_restore_")).hasSize(1);

            p.destroy();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

            assertThat(RestoreHarness.databases(db + "_restore_")).isEmpty();
            // Its report will never be printed: stderr says what was undone and what the ledger holds.
            String err = Files.readString(dir.resolve("err-restore-test.txt"));
            assertThat(err).contains("stopped by a signal: scratch database ", " dropped",
                    "preflight: 'restore-test' was stopped by a signal after ", "(kind interrupted)");
            // The option file with the staging password went too (after the drop that needed it).
            try (Stream<Path> tmp = Files.list(Leftovers.tmp())) {
                assertThat(tmp.map(f -> f.getFileName().toString()))
                        .noneMatch(n -> n.startsWith("preflight-restore-" + p.pid() + "-"));
            }
            // The ledger says the restore test was begun and not finished.
            try (Ledger ledger = Ledgers.open(null, dir,
                    Secrets.none(), "test", Clock.systemUTC())) {
                List<LedgerEntry> stopped = ledger.query(
                        LedgerQuery.kind("interrupted"));
                assertThat(stopped).singleElement().satisfies(e -> {
                    assertThat(e.subject()).isEqualTo("restore-test");
                    assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
                    assertThat(e.summary()).contains("'preflight restore-test' was stopped by a signal");
                });
                assertThat(ledger.query(LedgerQuery.kind("restore-test"))).isEmpty();
                assertThat(ledger.verify().intact()).isTrue();
            }
        } finally {
            release.countDown();
            server.stop(0);
            RestoreHarness.dropWithRestores(db);
        }
    }

    private Process launch(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("java", "-jar",
                Path.of("target/preflight.jar").toAbsolutePath().toString(), "--plan",
                dir.resolve("preflight.yaml").toString()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectOutput(dir.resolve("out-" + args[0] + ".txt").toFile())
                .redirectError(dir.resolve("err-" + args[0] + ".txt").toFile()).start();
    }
}
