package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dotenv rewrite that cannot happen names the dotenv file and why, never Preflight's temp file. */
class DotenvIoTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedRewriteNamesTheDotenvFileNotATempFile() throws Exception {
        Path notADir = Files.writeString(dir.resolve("app"), "a file where a directory should be\n");
        Path env = notADir.resolve(".env.production");
        assertThatThrownBy(() -> DotenvIo.write(env, "A=1\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(env + " cannot be replaced: its directory " + notADir + " refuses new files")
                .hasMessageNotContaining(".partial");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("app");
        }
    }

    @Test
    void aRewriteKeepsTheFilesMode() throws Exception {
        Path env = Files.writeString(dir.resolve(".env"), "A=1\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));
        DotenvIo.write(env, "A=2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(env)).isEqualTo("A=2\n");
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }
}
