package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.backup.BackupEvidence.BackupPayload;
import dev.preflight.backup.BackupEvidence.CopyPayload;
import dev.preflight.backup.BackupEvidence.PrunePayload;
import dev.preflight.core.Hashing;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/preflight backup prune --apply} (after {@code package}) killed with SIGKILL
 * between two deletions: it has deleted a local copy and hangs on the offsite bucket, which takes the
 * DELETE request and never answers. What it was deleting must already be in the ledger, and the
 * backups it touched must not be listed as verified afterwards.
 */
class PruneKillIT {
    @TempDir
    Path dir;

    /** Accepts connections, reads the requests, never answers; counts down on the first DELETE. */
    private static final class SilentBucket implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final CountDownLatch deleting = new CountDownLatch(1);
        final List<Socket> held = new ArrayList<>();

        SilentBucket() throws Exception {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                        Thread r = new Thread(() -> read(s), "silent-bucket-read");
                        r.setDaemon(true);
                        r.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "silent-bucket");
            t.setDaemon(true);
            t.start();
        }

        private void read(Socket s) {
            try (InputStream in = s.getInputStream()) {
                while (true) {
                    StringBuilder head = new StringBuilder();
                    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        head.append((char) b);
                    }
                    if (head.toString().startsWith("DELETE")) {
                        deleting.countDown();
                        in.transferTo(java.io.OutputStream.nullOutputStream()); // never answered
                        return;
                    }
                    // Anything else (the prune's HEAD asking the store's clock) finds nothing, at once.
                    s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                }
            } catch (Exception e) {
                // the client went away
            }
        }

        String endpoint() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private Process start(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of("bin/preflight").toAbsolutePath().toString(), "--plan",
                dir.resolve("preflight.yaml").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prune.out").toFile());
        pb.environment().put("NO_COLOR", "1");
        return pb.start();
    }

    /** Records a passed backup of {@code db} taken at {@code at}, with a real local copy and a recorded offsite one. */
    private String backup(Instant at, String name) throws Exception {
        Path local = dir.resolve("onprem").resolve(name);
        Files.createDirectories(local.getParent());
        byte[] bytes = ("-- dump " + name + "\n").getBytes(StandardCharsets.UTF_8);
        Files.write(local, bytes);
        String sha = Hashing.sha256Hex(bytes);
        Instant until = at.plus(Duration.ofDays(15));
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", Clock.fixed(at, ZoneOffset.UTC))) {
            return l.append(NewEntry.of(BackupEvidence.KIND, "db", Outcome.PASSED, name, new BackupPayload("db", "mysql",
                    at, at, name, "none", (long) bytes.length, sha, until, List.of(
                    new CopyPayload("onprem", local.toString(), bytes.length, sha, until, at),
                    new CopyPayload("offsite", "s3://offsite/db/" + name, bytes.length, sha, until, at)),
                    null, Map.of(), "mysql://127.0.0.1:3306/app"))).id();
        }
    }

    @Test
    void aPruneKilledBetweenDeletionsLeftItsIntentAndItsBackupsAreNotListedAsVerified() throws Exception {
        try (SilentBucket bucket = new SilentBucket()) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: prune-kill}
                    backups:
                      destinations:
                        - {name: onprem, type: local, path: onprem}
                        - {name: offsite, type: s3, bucket: offsite, prefix: db, endpoint: "%s", region: us-east-1, path_style: true, access_key: "AK", secret_key: "${S3_SECRET:-SK}"}
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: app}, retention: 15d}
                    """.formatted(bucket.endpoint()));
            Instant now = Instant.now();
            String old = backup(now.minus(Duration.ofDays(40)), "db-old.sql");
            backup(now.minus(Duration.ofDays(20)), "db-mid.sql");
            String newest = backup(now.minus(Duration.ofDays(1)), "db-new.sql");

            Process p = start("backup", "prune", "--apply");
            assertThat(bucket.deleting.await(240, TimeUnit.SECONDS)).as(Files.exists(dir.resolve("prune.out"))
                    ? Files.readString(dir.resolve("prune.out")) : "no output").isTrue();
            // Killed as a power cut would: no hook, no finally.
            List<ProcessHandle> kids = p.descendants().toList();
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            kids.forEach(ProcessHandle::destroyForcibly);

            assertThat(dir.resolve("onprem/db-old.sql")).doesNotExist();
            assertThat(dir.resolve("onprem/db-mid.sql")).exists();
            try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "test@host", Clock.systemUTC())) {
                List<LedgerEntry> prunes = l.query(LedgerQuery.kind(BackupEvidence.PRUNE_KIND));
                assertThat(prunes).as("the intent was recorded before the first deletion").singleElement()
                        .satisfies(e -> {
                            PrunePayload intent = BackupEvidence.prune(e);
                            assertThat(intent.intent()).extracting(BackupEvidence.DeletedCopy::location)
                                    .contains(dir.resolve("onprem/db-old.sql").toString(), "s3://offsite/db/db-old.sql",
                                            dir.resolve("onprem/db-mid.sql").toString());
                            assertThat(e.outcome()).isNotEqualTo(Outcome.PASSED);
                        });
            }
            CliRun list = new CliHarness(dir, Instant.now()).run("backup", "list");
            assertThat(list.code()).as(list.all()).isZero();
            assertThat(list.out()).contains(old.substring(0, 8), "NOT VERIFIED (copies possibly gone)",
                    "possibly gone: " + dir.resolve("onprem/db-old.sql"));
            // The newest backup was not in the intent: it still stands as verified at write.
            assertThat(list.out().lines().filter(r -> r.startsWith(newest.substring(0, 8))).findFirst().orElseThrow())
                    .contains("at write");
        }
    }
}
