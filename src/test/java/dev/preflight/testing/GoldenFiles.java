package dev.preflight.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: a renderer's output compared with a file under {@code src/test/resources/golden/},
 * so moving code cannot change what users see unnoticed. {@code GOLDEN_UPDATE=1} in the environment
 * (re)writes the files instead of comparing; a missing file fails the test.
 */
public final class GoldenFiles {
    /** Where golden files live, relative to the project directory Maven runs tests in. */
    public static final Path ROOT = Path.of("src", "test", "resources", "golden");

    private GoldenFiles() {
    }

    /** Compares {@code actual} with the golden file {@code name} (e.g. {@code cutover/status.txt}). */
    public static void assertMatches(String name, String actual) {
        Path file = ROOT.resolve(name);
        try {
            if ("1".equals(System.getenv("GOLDEN_UPDATE"))) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            assertThat(file).as("golden file %s (write it with GOLDEN_UPDATE=1)", file).exists();
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(actual).as("output against golden file %s", file).isEqualTo(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
