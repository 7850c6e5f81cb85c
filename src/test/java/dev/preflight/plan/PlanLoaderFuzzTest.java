package dev.preflight.plan;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the plan loader, bytes to {@link Plan}: whatever the file holds, the
 * answer is a plan or a {@link PlanException} (exit 2 with positions), never another exception, a
 * stack overflow, or a hang. {@code mvn verify} replays the committed inputs in
 * {@code src/test/resources/dev/preflight/plan/PlanLoaderFuzzTestInputs/load}; {@code scripts/fuzz}
 * fuzzes for a bounded time.
 */
class PlanLoaderFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("plan-fuzz");
            Files.writeString(DIR.resolve("secret.txt"), "s3cret-from-file\n");
            Files.createDirectories(DIR.resolve("app"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", "hunter2-secret", "USER", "test",
            "PORT", "3306", "EMPTY", "");

    @FuzzTest(maxDuration = "30s")
    void load(byte[] data) {
        try {
            String text = PlanText.decode("fuzz.yaml", data);
            Plan plan = PlanLoader.parse("fuzz.yaml", text, DIR, ENV);
            // A valid plan never shows a credential it declared in its own toString.
            for (String s : plan.secrets().values()) {
                if (plan.project().name().contains(s)) {
                    throw new AssertionError("a credential in the project name passed validation");
                }
            }
        } catch (PlanException expected) {
            if (expected.problems().isEmpty()) {
                throw new AssertionError("a plan exception without problems");
            }
        }
    }
}
