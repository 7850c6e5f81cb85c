package dev.preflight.deps;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the lock-file readers of {@code preflight deps}: any composer.lock or
 * package-lock.json gives findings or a usage error naming the file (exit 2), never a crash or a
 * library's class name.
 */
class LockFilesFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("lock-fuzz");
            Files.writeString(DIR.resolve("package.json"), "{\"name\": \"app\", \"dependencies\": {\"a\": \"^1.0.0\"}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void composerLock(byte[] data) throws IOException {
        Path lock = DIR.resolve("composer.lock");
        Files.write(lock, data);
        try {
            ComposerFiles.Lock l = JsonFiles.read(lock, ComposerFiles.Lock.class);
            ComposerFiles.all(l);
        } catch (PreflightException expected) {
            noClassName(expected.getMessage());
        }
    }

    @FuzzTest(maxDuration = "30s")
    void npmLock(byte[] data) throws IOException {
        Files.write(DIR.resolve("package-lock.json"), data);
        try {
            NpmAnalysis.engines(DIR, NpmRange.parse(">=20"), "20");
        } catch (PreflightException expected) {
            noClassName(expected.getMessage());
        }
    }

    private static void noClassName(String message) {
        if (message.matches("(?s).*(\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b|dev\\.preflight\\.|com\\.fasterxml\\.).*")) {
            throw new AssertionError("a class name reached the user: " + message);
        }
    }
}
