package dev.preflight.backup;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the RDB validator that decides whether a Redis backup is good: any
 * bytes are either a valid RDB or an {@link RdbValidator.InvalidRdbException} naming an offset,
 * never another exception (a backup that crashes its own check is not "failed", it is unknown).
 */
class RdbValidatorFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void validate(byte[] data) throws IOException {
        try {
            RdbValidator.validate(new ByteArrayInputStream(data));
        } catch (RdbValidator.InvalidRdbException expected) {
            // named offset and reason
        }
    }
}
