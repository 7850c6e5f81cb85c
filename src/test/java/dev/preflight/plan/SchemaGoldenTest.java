package dev.preflight.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins {@code preflight schema}: a change to any section's {@link Shape} shows in this one file's diff. */
class SchemaGoldenTest {
    @TempDir
    Path dir;

    @Test
    void theSchemaIsPinned() {
        CliRun r = CliRun.of(dir, Map.of(), CliRun.CLOCK, "schema");
        assertThat(r.code()).as(r.err()).isZero();
        Golden.exact().check("plan/schema.json", r.out());
        assertThat(CliRun.of(dir, Map.of(), CliRun.CLOCK, "schema", "--format", "json").out()).isEqualTo(r.out());
    }
}
