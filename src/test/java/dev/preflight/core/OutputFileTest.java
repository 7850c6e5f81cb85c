package dev.preflight.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -o} and every atomic rewrite: regular files only, mode kept or the umask's, never a protected file. */
class OutputFileTest {
    @TempDir
    Path dir;

    @Test
    void anExistingFileKeepsItsModeAndANewOneGetsTheUmasksNotPrivate() throws Exception {
        Path include = dir.resolve("upstream.conf");
        Files.writeString(include, "server blue;\n");
        Files.setPosixFilePermissions(include, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFiles.write(include, "server green;\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.getPosixFilePermissions(include)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        Path env = dir.resolve(".env");
        Files.writeString(env, "A=1\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(env, "A=2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // A new file: what any program gets under this umask (a file created the plain way), not 0600.
        Path probe = Files.createFile(dir.resolve("probe"));
        Path report = OutputFile.write(dir.resolve("report.txt"), "ok\n".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(Files.getPosixFilePermissions(report)).isEqualTo(Files.getPosixFilePermissions(probe));
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void aSymlinkIsWrittenThroughOnlyToARegularFileAndStaysALink() throws Exception {
        Path target = dir.resolve("real.txt");
        Files.writeString(target, "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        Path written = OutputFile.write(link, "new\n".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(written).isEqualTo(target.toRealPath());
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new\n");
        Path toDir = Files.createSymbolicLink(dir.resolve("to-dir"), dir);
        assertThatThrownBy(() -> OutputFile.resolve(toDir, Map.of())).isInstanceOf(PreflightException.class)
                .hasMessageContaining("is a symbolic link to a directory, not to a regular file");
        Path toDev = Files.createSymbolicLink(dir.resolve("to-null"), Path.of("/dev/null"));
        assertThatThrownBy(() -> OutputFile.resolve(toDev, Map.of())).hasMessageContaining("not to a regular file");
    }

    @Test
    void devicesDirectoriesAndProtectedFilesAreRefusedWithExitTwo() throws Exception {
        assertThatThrownBy(() -> OutputFile.resolve(Path.of("/dev/full"), Map.of()))
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("/dev/full: it is a device, FIFO or socket, not a regular file");
        assertThatThrownBy(() -> OutputFile.resolve(dir, Map.of())).hasMessageContaining("it is a directory");
        Path plan = Files.writeString(dir.resolve("preflight.yaml"), "version: 1\n");
        Path sub = Files.createDirectories(dir.resolve("sub"));
        // The same file by another spelling and through a link: compared by real path.
        assertThatThrownBy(() -> OutputFile.resolve(sub.resolve("../preflight.yaml"), Map.of(plan, "the plan")))
                .hasMessageContaining("it is the plan");
        Path link = Files.createSymbolicLink(dir.resolve("p.yaml"), plan);
        assertThatThrownBy(() -> OutputFile.resolve(link, Map.of(plan, "the plan"))).hasMessageContaining("it is the plan");
        // A ledger that does not exist yet is protected too.
        Path ledger = dir.resolve(".preflight/ledger.db");
        assertThatThrownBy(() -> OutputFile.resolve(ledger, Map.of(ledger, "the ledger"))).hasMessageContaining("the ledger");
        assertThat(Files.readString(plan)).isEqualTo("version: 1\n");
    }
}
