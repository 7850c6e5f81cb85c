package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-source lock between real processes (bin/preflight after `package`), and after a holder dies. */
class BackupLockIT {
    @TempDir
    Path dir;

    private Process start(String... args) throws Exception {
        String[] argv = new String[args.length + 3];
        argv[0] = Path.of("bin/preflight").toAbsolutePath().toString();
        argv[1] = "--plan";
        argv[2] = dir.resolve("preflight.yaml").toString();
        System.arraycopy(args, 0, argv, 3, args.length);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("NO_COLOR", "1");
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void anotherProcessHoldingTheLockMeansExitThreeAndADeadHolderLeavesNoStaleLock() throws Exception {
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(2)) {
            Path slow = dir.resolve("slow-dump.sh");
            Path started = dir.resolve("started");
            Files.writeString(slow, "#!/bin/sh\ntouch '" + started + "'\nsleep 60\nexec mariadb-dump \"$@\"\n");
            Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: lock-test}
                    backups:
                      destinations: [{name: d, type: local, path: out}]
                      sources:
                        - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}}
                        - {name: slow, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}, dump_command: ["%s"]}
                    """.formatted(db.name, db.name, slow));

            // This JVM holds the lock of 'db': the preflight process must refuse with exit 3 and name us.
            try (ExclusiveLock held = BackupLock.acquire(dir.resolve(".preflight/locks"), "db", Instant.now())) {
                Process p = start("backup", "run", "--source", "db");
                String out = finish(p);
                assertThat(p.exitValue()).as(out).isEqualTo(3);
                assertThat(out).contains("a backup of source 'db' is already running",
                        "pid " + ProcessHandle.current().pid());
            }

            // A preflight process that dies (SIGKILL) while holding the lock of 'slow' leaves no stale lock.
            Process holder = start("backup", "run", "--source", "slow");
            for (int i = 0; i < 1200 && !Files.exists(started); i++) {
                Thread.sleep(50);
            }
            assertThat(started).exists();
            Process second = start("backup", "run", "--source", "slow");
            String refused = finish(second);
            assertThat(second.exitValue()).as(refused).isEqualTo(3);
            assertThat(refused).contains("held by");
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly().waitFor();
            Files.writeString(dir.resolve("preflight.yaml"), Files.readString(dir.resolve("preflight.yaml"))
                    .replace(", dump_command: [\"" + slow + "\"]", ""));
            Process third = start("backup", "run", "--source", "slow");
            String ok = finish(third);
            assertThat(third.exitValue()).as(ok).isZero();
            assertThat(ok).contains("PASSED  slow");
            // The killed holder could not delete its option file; the next run removed it.
            try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertThat(tmp.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.startsWith("preflight-my-" + holder.pid() + "-"));
            }
        }
    }

    @Test
    void aBackupStoppedBySigtermLeavesNoTemporaryCopyAndTheLedgerSaysItWasInterrupted() throws Exception {
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(2)) {
            // The real dump's first 64 kB, then the tool hangs: the temporary copy exists and is growing.
            Path stuck = dir.resolve("stuck-dump.sh");
            Path started = dir.resolve("started");
            Files.writeString(stuck, "#!/bin/sh\nmariadb-dump \"$@\" | head -c 65536\ntouch '" + started
                    + "'\nexec sleep 60\n");
            Files.setPosixFilePermissions(stuck, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: interrupt-test}
                    backups:
                      destinations: [{name: d, type: local, path: out}]
                      sources:
                        - {name: stuck, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}, dump_command: ["%s"]}
                    """.formatted(db.name, stuck));
            Process p = start("backup", "run", "--source", "stuck");
            for (int i = 0; i < 1200 && !Files.exists(started); i++) {
                Thread.sleep(50);
            }
            assertThat(started).exists();
            for (int i = 0; i < 100 && !hasPartial(); i++) {
                Thread.sleep(50);
            }
            assertThat(hasPartial()).as("a temporary copy is being written").isTrue();

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            p.descendants().forEach(ProcessHandle::destroyForcibly);

            assertThat(hasPartial()).as("no temporary copy is left").isFalse();
            try (Ledger l = Ledgers.open(null, dir,
                    Secrets.none(), "test", Clock.systemUTC())) {
                assertThat(l.query(LedgerQuery.kind("interrupted"))).singleElement()
                        .satisfies(e -> assertThat(e.subject()).isEqualTo("backup run"));
                assertThat(l.query(LedgerQuery.kind("backup"))
                        .stream().filter(e -> e.outcome() == Outcome.PASSED)).isEmpty();
            }
        }
    }

    private boolean hasPartial() throws Exception {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".partial"));
        }
    }
}
