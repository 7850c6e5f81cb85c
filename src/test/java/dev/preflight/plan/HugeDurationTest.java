package dev.preflight.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A duration of fifteen digits in days or weeks overflowed the seconds it is counted in: the plan
 * was an internal error (exit 4, "long overflow") instead of a plan problem at its position.
 */
class HugeDurationTest {
    @TempDir
    Path dir;

    @Test
    void aDurationTooLongForItsUnitIsOutOfRangeNotAnInternalError() throws Exception {
        for (String v : new String[] {"106751991167301d", "999999999999999w", "999999999999999h"}) {
            Files.writeString(dir.resolve("preflight.yaml"), """
                    version: 1
                    project: {name: x}
                    readiness: {max_age: {backups: %s}}
                    """.formatted(v));
            CliRun r = CliRun.of(dir, Map.of(), CliRun.CLOCK, "validate");
            assertThat(r.code()).as(v + ": " + r.all()).isEqualTo(2);
            assertThat(r.all()).contains("preflight.yaml:3:", "readiness.max_age.backups: duration out of range");
        }
    }
}
