package dev.preflight.ledger;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@code ledger verify --bundle}: any bytes given as a bundle give a
 * verdict (INTACT or BROKEN) or a clear error, never a crash.
 */
class LedgerBundlesFuzzTest {
    private static final Path ZIP;

    static {
        try {
            ZIP = Files.createTempFile("bundle-fuzz", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void verify(byte[] data) throws IOException {
        Files.write(ZIP, data);
        try {
            VerifyResult r = LedgerBundles.verify(ZIP);
            if (r == null) {
                throw new AssertionError("no verdict");
            }
        } catch (PreflightException expected) {
            // a clear error with an exit code
        }
    }
}
