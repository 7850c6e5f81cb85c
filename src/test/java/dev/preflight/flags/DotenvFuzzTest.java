package dev.preflight.flags;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.preflight.flags.DotenvFile.DotenvException;
import dev.preflight.flags.FlagValues.JsonProblem;

/**
 * Coverage-guided fuzzing of the dotenv reader as {@code flags validate} and {@code flags toggle}
 * use it: find the flags line, parse its JSON, point at each field, rewrite one literal. Any bytes
 * give a value or a positioned {@link DotenvException}/{@link JsonProblem}, never a crash, and a
 * rewrite changes that one literal only.
 */
class DotenvFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readAndToggle(byte[] data) {
        DotenvFile file = DotenvFile.of(".env", data);
        DotenvFile.Entry e;
        try {
            e = file.find("APP_FEATURE_FLAGS");
        } catch (DotenvException expected) {
            return;
        }
        if (e == null) {
            return;
        }
        FlagValues values;
        try {
            values = FlagValues.parse(e.value());
        } catch (JsonProblem expected) {
            e.column(expected.offset());
            return;
        }
        for (FlagValues.Field f : values.fields().values()) {
            e.column(f.keyOffset());
            if (f.value() == null) {
                continue;
            }
            byte[] next;
            try {
                next = FlagEditor.set(file, "APP_FEATURE_FLAGS", f.name(), !f.value());
            } catch (DotenvException | JsonProblem ex) {
                throw new AssertionError("a file that read cleanly cannot be edited: " + ex.getMessage(), ex);
            }
            try {
                FlagValues.Field after = FlagValues.parse(DotenvFile.of(".env", next).find("APP_FEATURE_FLAGS").value())
                        .fields().get(f.name());
                if (after == null || after.value() == null || after.value() == f.value()) {
                    throw new AssertionError("toggling " + f.name() + " did not flip it");
                }
            } catch (DotenvException | JsonProblem ex) {
                throw new AssertionError("a toggle broke the file: " + ex.getMessage(), ex);
            }
            return;
        }
    }
}
