package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed lock files: a usage error naming the file, line and column (and JSON path for wrong types). */
class JsonFilesTest {
    @TempDir
    Path dir;

    @Test
    void truncatedJsonNamesFileLineAndColumn() throws Exception {
        Path lock = dir.resolve("composer.lock");
        Files.writeString(lock, "{\n    \"packages\": [\n        {\"name\": \"a/b\", \"version\": \"1.0.0\"");
        assertThatThrownBy(() -> JsonFiles.read(lock, ComposerFiles.Lock.class))
                .isInstanceOfSatisfying(PreflightException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).startsWith(lock + ":3:").contains("not valid JSON", "end-of-input");
                    assertThat(e.hint()).contains("truncated");
                });
    }

    @Test
    void wrongTypeNamesTheJsonPathAndPosition() throws Exception {
        Path lock = dir.resolve("composer.lock");
        Files.writeString(lock, """
                {
                    "packages": [
                        {"name": "a/b", "version": "1.0.0", "require": ["php", "^8.1"]}
                    ]
                }
                """);
        assertThatThrownBy(() -> JsonFiles.read(lock, ComposerFiles.Lock.class))
                .isInstanceOfSatisfying(PreflightException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).startsWith(lock + ":3:").contains("packages[0].require", "wrong type");
                });
        Path pkgs = dir.resolve("other.lock");
        Files.writeString(pkgs, "{\"packages\": {\"name\": \"a/b\"}}");
        assertThatThrownBy(() -> JsonFiles.read(pkgs, ComposerFiles.Lock.class))
                .hasMessageStartingWith(pkgs + ":1:").hasMessageContaining("packages");
    }

    @Test
    void missingAndEmptyFiles() throws Exception {
        assertThatThrownBy(() -> JsonFiles.read(dir.resolve("nope.lock"), ComposerFiles.Lock.class))
                .hasMessageContaining("nope.lock: file not found");
        Path empty = dir.resolve("empty.lock");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> JsonFiles.read(empty, ComposerFiles.Lock.class))
                .isInstanceOf(PreflightException.class).hasMessageContaining("empty.lock");
    }

    @Test
    void phpEmptyArraysReadAsNothing() throws Exception {
        Path lock = dir.resolve("composer.lock");
        Files.writeString(lock, "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1.0.0\", \"require\": []}], \"aliases\": []}");
        assertThat(JsonFiles.read(lock, ComposerFiles.Lock.class).packages().get(0).require()).isEmpty();
    }
}
