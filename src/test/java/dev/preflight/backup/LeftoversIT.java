package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.testing.Child;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cleaning up after the dead (#15.7), with real processes: a backup SIGKILLed mid-dump leaves a
 * {@code .partial} copy and its option file; the next {@code backup list} removes both, says so and
 * records it; a backup stopped by SIGTERM leaves no option file, no partial copy and no dump tool
 * running; the work of a live backup is never touched.
 */
class LeftoversIT {
    @TempDir
    Path dir;

    private void plan(ScratchMariaDb db, Path stuck) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: leftovers}
                backups:
                  destinations: [{name: d, type: local, path: out}, {name: e, type: local, path: out2}]
                  sources:
                    - {name: db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: %s}%s}
                """.formatted(db.name, stuck == null ? "" : ", dump_command: [\"" + stuck + "\"]"));
    }

    /** The real dump's first 64 kB, then the tool hangs: a temporary copy exists and the option file too. */
    private Path stuckDump(Path started) throws Exception {
        Path stuck = dir.resolve("stuck-dump.sh");
        Files.writeString(stuck, "#!/bin/sh\necho $$ > '" + started + ".pid'\nmariadb-dump \"$@\" | head -c 65536\ntouch '"
                + started + "'\nexec sleep 120\n");
        Files.setPosixFilePermissions(stuck, PosixFilePermissions.fromString("rwx------"));
        return stuck;
    }

    private List<Path> partials() throws Exception {
        List<Path> out = new ArrayList<>();
        for (String d : List.of("out", "out2")) {
            if (Files.isDirectory(dir.resolve(d))) {
                try (Stream<Path> s = Files.list(dir.resolve(d))) {
                    s.filter(f -> f.getFileName().toString().endsWith(".partial")).forEach(out::add);
                }
            }
        }
        return out;
    }

    private void awaitPartials() throws Exception {
        for (int i = 0; i < 200 && partials().size() < 2; i++) {
            Thread.sleep(50);
        }
        assertThat(partials()).hasSize(2);
    }

    @Test
    void aBackupKilledMidDumpLeavesPartialsThatTheNextListRemovesAndReports() throws Exception {
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(2)) {
            Path started = dir.resolve("started");
            plan(db, stuckDump(started));
            Child killed = Child.start(dir, "killed", "backup", "run");
            killed.awaitFile(started);
            awaitPartials();
            List<Path> left = partials();

            // While it lives, its copies and option file are work in progress: a list touches nothing.
            CliHarness cli = new CliHarness(dir, Instant.now());
            CliRun during = cli.run("backup", "list");
            assertThat(during.err()).doesNotContain("pid " + killed.pid());
            assertThat(partials()).containsExactlyInAnyOrderElementsOf(left);

            long tool = Long.parseLong(Files.readString(dir.resolve("started.pid")).strip());
            killed.kill();
            assertThat(partials()).containsExactlyInAnyOrderElementsOf(left);
            // Killed outright, Preflight cannot stop its dump tool; the kernel does (setpriv's
            // parent-death signal): it does not go on writing, a transaction open, for nobody.
            for (int i = 0; i < 50 && ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(100);
            }
            assertThat(ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false)).as("the dump tool is gone")
                    .isFalse();
            assertThat(SharedLedgerBackupLockIT.tempDirsOf(killed.pid())).hasSize(1);

            CliRun list = cli.run("backup", "list");
            assertThat(list.code()).as(list.all()).isZero();
            for (Path p : left) {
                assertThat(list.err()).contains("cleanup: removed partial copy " + p + ", left by pid " + killed.pid()
                        + " (started ");
            }
            assertThat(list.err()).contains("cleanup: removed private temporary directory (database client option file) "
                    + Leftovers.tmp().resolve(MysqlProducer.TMP_PREFIX + killed.pid() + "-"));
            assertThat(partials()).isEmpty();
            assertThat(SharedLedgerBackupLockIT.tempDirsOf(killed.pid())).isEmpty();

            // (Leftovers of other dead processes on this machine may be swept along: only ours are counted.)
            List<LedgerEntry> cleanups = cli.entries(Leftovers.KIND);
            assertThat(cleanups).hasSize(1);
            LedgerEntry e = cleanups.get(0);
            assertThat(e.subject()).isEqualTo("backup list");
            assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
            assertThat(e.summary()).startsWith("removed ").contains(" leftover(s) of processes that are gone: ",
                    left.get(0).toString());
            JsonNode items = CliHarness.payload(e).path("items");
            assertThat(items.findValuesAsText("owner")).filteredOn(o -> o.startsWith("pid " + killed.pid() + " "))
                    .hasSize(3);
            assertThat(items.findValuesAsText("action")).containsOnly("removed");

            // Nothing of it is left to say the next time.
            assertThat(cli.run("backup", "list").err()).doesNotContain("pid " + killed.pid());
        }
    }

    @Test
    void aBackupStoppedBySigtermLeavesNoOptionFileAndNoPartialCopy() throws Exception {
        try (ScratchMariaDb db = new ScratchMariaDb().withSchemaObjects(2)) {
            Path started = dir.resolve("started");
            plan(db, stuckDump(started));
            Child stopped = Child.start(dir, "stopped", "backup", "run");
            stopped.awaitFile(started);
            awaitPartials();
            assertThat(SharedLedgerBackupLockIT.tempDirsOf(stopped.pid())).as("the option file exists while it dumps")
                    .hasSize(1);

            long tool = Long.parseLong(Files.readString(dir.resolve("started.pid")).strip());
            assertThat(ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false)).isTrue();

            stopped.terminate();

            assertThat(SharedLedgerBackupLockIT.tempDirsOf(stopped.pid())).as("no option file is left").isEmpty();
            assertThat(partials()).isEmpty();
            // Its dump tool wrote into the copy's file, not a pipe that would close on it: it is killed
            // too, not left dumping (and holding a transaction open) for nobody.
            for (int i = 0; i < 50 && ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(100);
            }
            assertThat(ProcessHandle.of(tool).map(ProcessHandle::isAlive).orElse(false)).as("the dump tool is gone")
                    .isFalse();
        }
    }
}
