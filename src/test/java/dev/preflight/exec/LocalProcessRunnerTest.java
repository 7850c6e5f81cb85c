package dev.preflight.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.Hashing;
import dev.preflight.core.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runner against real programs of this machine. */
class LocalProcessRunnerTest {
    private final LocalProcessRunner runner = new LocalProcessRunner(Secrets.of(List.of("pa55word-xyz")));

    @TempDir
    Path dir;

    @Test
    void installedSaysWhatStartingTheProgramWouldFindWithoutStartingIt() throws Exception {
        // The answer a probe (program --version) would give, for names on the PATH and for paths.
        assertThat(runner.installed("sh")).isTrue();
        assertThat(runner.run(ProcessSpec.of("sh", "-c", "exit 0")).notFound()).isFalse();
        String missing = "preflight-no-such-program-" + ProcessHandle.current().pid();
        assertThat(runner.installed(missing)).isFalse();
        assertThat(runner.run(ProcessSpec.of(missing)).notFound()).isTrue();

        Path script = dir.resolve("tool.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        assertThat(runner.installed(script.toString())).as("not executable yet").isFalse();
        assertThat(runner.run(ProcessSpec.of(script.toString())).notFound()).isTrue();
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        assertThat(runner.installed(script.toString())).isTrue();
        assertThat(runner.run(ProcessSpec.of(script.toString())).ok()).isTrue();
        assertThat(runner.installed(dir.toString())).as("a directory is no program").isFalse();
    }

    @Test
    void capturesOutputAndExitCodeWithoutAShell() throws Exception {
        // A shell would expand these; argv passes them through untouched.
        ProcessResult r = runner.run(ProcessSpec.of("printf", "%s|%s", "$(id)", "a b;c"));
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEqualTo("$(id)|a b;c");
        ProcessResult f = runner.run(ProcessSpec.of("ls", dir.resolve("missing").toString()));
        assertThat(f.exitCode()).isEqualTo(2);
        assertThat(f.stderr()).contains("No such file");
    }

    @Test
    void missingProgramIs127NotAnException() throws Exception {
        ProcessResult r = runner.run(ProcessSpec.of("definitely-not-installed-preflight"));
        assertThat(r.notFound()).isTrue();
        assertThat(r.startFailure()).isEqualTo("program not found: definitely-not-installed-preflight");
    }

    @Test
    void stdinIsStreamedAndStdoutGoesToTheSink() throws Exception {
        byte[] data = new byte[5 << 20];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ProcessResult r = runner.stream(ProcessSpec.of("cat").withStdin(out -> out.write(data)), sink);
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stdoutBytes()).isEqualTo(data.length);
        assertThat(Hashing.sha256Hex(sink.toByteArray())).isEqualTo(Hashing.sha256Hex(data));
    }

    @Test
    void largeOutputIsCountedAndCaptureIsBounded() throws Exception {
        ProcessResult r = runner.run(ProcessSpec.of("head", "-c", "3000000", "/dev/zero").withCaptureLimit(1000));
        assertThat(r.ok()).isTrue();
        assertThat(r.stdoutBytes()).isEqualTo(3_000_000);
        assertThat(r.stdout()).hasSize(1000);
        assertThat(r.truncated()).isTrue();
        long[] count = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        ProcessResult big = runner.stream(ProcessSpec.of("head", "-c", "52428800", "/dev/zero"), counting);
        assertThat(big.stdoutBytes()).isEqualTo(52_428_800L);
        assertThat(count[0]).isEqualTo(52_428_800L);
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        // The program under test starts a grandchild that would outlive a naive kill.
        ProcessSpec spec = ProcessSpec.of("bash", "-c", "sleep 300 & echo $! > " + pidFile + "; wait")
                .withTimeout(Duration.ofMillis(700));
        ProcessResult r = runner.run(spec);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        long child = Long.parseLong(Files.readString(pidFile).strip());
        // destroy() is asynchronous at the OS level; allow a moment for the signal to land.
        for (int i = 0; i < 50 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void streamToFileGivesTheProgramTheFileItselfAsStdoutNotAPipe() throws Exception {
        Path file = dir.resolve("out.sql");
        Files.writeString(file, "kept\n");
        // readlink of its own stdout names what it writes into: the file, or "pipe:[...]".
        ProcessResult r = runner.streamToFile(ProcessSpec.of("readlink", "/proc/self/fd/1"), file);
        assertThat(r.ok()).as(r.stderr()).isTrue();
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo("kept\n" + file.toRealPath() + "\n");

        ProcessResult failed = runner.streamToFile(ProcessSpec.of("sh", "-c", "printf more; echo broken >&2; exit 3"), file);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.stderr()).isEqualTo("broken\n");
        assertThat(Files.readString(file)).endsWith("\nmore");

        // The default (a remote runner) streams into the file: the same bytes, through a pipe.
        ProcessRunner streaming = new ProcessRunner() {
            @Override
            public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
                return runner.run(spec);
            }

            @Override
            public ProcessResult stream(ProcessSpec spec, OutputStream sink) throws IOException, InterruptedException {
                return runner.stream(spec, sink);
            }

            @Override
            public String target() {
                return "test";
            }
        };
        Path piped = dir.resolve("piped");
        Files.writeString(piped, "");
        assertThat(streaming.streamToFile(ProcessSpec.of("readlink", "/proc/self/fd/1"), piped).ok()).isTrue();
        assertThat(Files.readString(piped)).startsWith("pipe:[");
    }

    @Test
    void streamToFileRefusesWhatIsNotARegularFileAndKillsTheTreeOnTimeout() throws Exception {
        assertThatThrownBy(() -> runner.streamToFile(ProcessSpec.of("true"), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> runner.streamToFile(ProcessSpec.of("true"), dir.resolve("missing")))
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");

        Path file = dir.resolve("slow.sql");
        Files.writeString(file, "");
        Path pidFile = dir.resolve("writer.pid");
        ProcessResult r = runner.streamToFile(ProcessSpec.of("bash", "-c", "sleep 300 & echo $! > " + pidFile + "; wait")
                .withTimeout(Duration.ofMillis(700)), file);
        assertThat(r.timedOut()).isTrue();
        long child = Long.parseLong(Files.readString(pidFile).strip());
        for (int i = 0; i < 50 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void environmentAndWorkingDirectoryAreApplied() throws Exception {
        ProcessResult r = runner.run(ProcessSpec.of("pwd").withWorkDir(dir.toString()));
        assertThat(r.stdout().strip()).isEqualTo(dir.toRealPath().toString());
        ProcessResult e = runner.run(ProcessSpec.of("printenv", "PREFLIGHT_X").withEnv(Map.of("PREFLIGHT_X", "42")));
        assertThat(e.stdout().strip()).isEqualTo("42");
    }

    @Test
    void secretsAreRedactedFromLogsAndStderr() throws Exception {
        Logger log = Logger.getLogger(LocalProcessRunner.class.getName());
        List<String> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = log.getLevel();
        log.setLevel(Level.FINE);
        log.addHandler(h);
        try {
            ProcessResult r = runner.run(ProcessSpec.of("ls", "/nonexistent-pa55word-xyz"));
            assertThat(r.stderr()).contains("****").doesNotContain("pa55word-xyz");
        } finally {
            log.removeHandler(h);
            log.setLevel(before);
        }
        assertThat(lines).isNotEmpty();
        assertThat(String.join("\n", lines)).contains("****").doesNotContain("pa55word-xyz");
    }
}
