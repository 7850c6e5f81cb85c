package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.HoldMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger between real processes (issue 14): a committed entry survives the loss of the SQLite
 * side files (WAL, shared memory, journal) whether its writer is still running, has exited, or was
 * SIGKILLed right after the append; a ledger the user may not read is exit 3 in one line.
 */
class LedgerProcessIT {
    @TempDir
    Path dir;

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @BeforeEach
    void plan() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), "version: 1\nproject: {name: durable}\n");
    }

    private record Out(int code, String out, String err) {
    }

    /** The real CLI ({@code dev.preflight.cli.Main}) as its own JVM. */
    private Out cli(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        argv.addAll(List.of(args));
        return finish(new ProcessBuilder(argv).directory(dir.toFile()));
    }

    private Out finish(ProcessBuilder pb) throws Exception {
        pb.environment().put("NO_COLOR", "1");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Out(p.exitValue(), out, Files.readString(err));
    }

    private final class Holder implements AutoCloseable {
        final Process p;
        final PrintWriter in;
        final BufferedReader out;

        Holder(Path ledger) throws Exception {
            p = new ProcessBuilder(JAVA, "-cp", System.getProperty("java.class.path"), HoldMain.class.getName(),
                    "sqlite:" + ledger, dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        }

        String send(String line) throws Exception {
            in.println(line);
            return out.readLine();
        }

        @Override
        public void close() throws Exception {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Deletes whatever side files SQLite keeps beside the ledger; returns which existed. */
    private static List<String> deleteSideFiles(Path ledger) throws Exception {
        List<String> gone = new ArrayList<>();
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            if (Files.deleteIfExists(ledger.resolveSibling(ledger.getFileName() + suffix))) {
                gone.add(suffix);
            }
        }
        return gone;
    }

    @Test
    void entriesCommittedByARunningWriterSurviveTheLossOfItsWal() throws Exception {
        Path ledger = dir.resolve("l.db");
        try (Holder h = new Holder(ledger)) {
            assertThat(h.send("append")).isEqualTo("appended 1");
            assertThat(h.send("append")).isEqualTo("appended 2");
            deleteSideFiles(ledger);
            Out log = cli("--ledger", "sqlite:" + ledger, "ledger", "log");
            assertThat(log.code()).as(log.out() + log.err()).isZero();
            assertThat(log.out()).contains("held entry 1", "held entry 2", "2 entries in");
            assertThat(h.send("append")).isEqualTo("appended 3");
            assertThat(h.send("exit")).isEqualTo("closed");
        }
        Out v = cli("--ledger", "sqlite:" + ledger, "ledger", "verify");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).startsWith("INTACT: 3 entries");
    }

    @Test
    void anEntryCommittedByOneCommandSurvivesTheLossOfTheWalBeforeTheNext() throws Exception {
        Path ledger = dir.resolve("l.db");
        Out a = cli("--ledger", "sqlite:" + ledger, "audit", "--local", "--require", "java=>=17");
        assertThat(a.code()).as(a.out() + a.err()).isZero();
        deleteSideFiles(ledger);
        Out v = cli("--ledger", "sqlite:" + ledger, "ledger", "verify");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).startsWith("INTACT: 1 entries");
        Out b = cli("--ledger", "sqlite:" + ledger, "audit", "--local", "--require", "java=>=17");
        assertThat(b.code()).isZero();
        deleteSideFiles(ledger);
        assertThat(cli("--ledger", "sqlite:" + ledger, "ledger", "verify").out()).startsWith("INTACT: 2 entries");
    }

    @Test
    void anEntryAppendedRightBeforeASigkillSurvivesTheLossOfTheWal() throws Exception {
        Path ledger = dir.resolve("l.db");
        try (Holder h = new Holder(ledger)) {
            assertThat(h.send("append")).isEqualTo("appended 1");
            assertThat(h.send("append")).isEqualTo("appended 2");
            h.p.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
            assertThat(h.p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        deleteSideFiles(ledger);
        Out v = cli("--ledger", "sqlite:" + ledger, "ledger", "verify");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).startsWith("INTACT: 2 entries").contains("head file");
        assertThat(cli("--ledger", "sqlite:" + ledger, "ledger", "log").out()).contains("held entry 2");
    }

    @Test
    void aLedgerTheUserMayNotReadIsExitThreeInOneLine() throws Exception {
        Path jar = Path.of("target/preflight.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path ledger = dir.resolve("l.db");
        assertThat(cli("--ledger", "sqlite:" + ledger, "audit", "--local", "--require", "java=>=17").code()).isZero();
        // Tests run as root, whom permissions do not stop: run the CLI as 'nobody' instead.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("---------"));
        for (String cmd : List.of("verify", "log")) {
            ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    JAVA, "-jar", jar.toString(), "--ledger", "sqlite:" + ledger, "ledger", cmd).directory(dir.toFile());
            Out o = finish(pb);
            assertThat(o.code()).as(o.out() + o.err()).isEqualTo(3);
            assertThat(o.err().strip().lines().count()).as(o.err()).isEqualTo(1);
            assertThat(o.err()).contains(ledger.toString(), "permission denied").doesNotContainIgnoringCase("flyway");
        }
    }
}
