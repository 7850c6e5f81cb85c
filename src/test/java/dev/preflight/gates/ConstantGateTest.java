package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom gate whose expression reads nothing (no evidence, window or clock: {@code true},
 * {@code 1 < 2}) passes whatever happens; it was the one check of a plan that configured nothing
 * else, and readiness said GO on a plan that verified nothing (`gates check` passed it, exit 0). It is a plan
 * problem now.
 */
class ConstantGateTest {
    @TempDir
    Path dir;

    private CliRun run(String expr, String... args) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: x}
                environments: [{name: production, hosts: [{name: me, uri: local}]}]
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: T-1}
                gates: {custom: [{name: always, expr: '%s'}]}
                """.formatted(expr));
        return CliRun.of(dir, Map.of(), CliRun.CLOCK, args);
    }

    @Test
    void anExpressionThatReadsNothingIsAPlanProblem() throws Exception {
        for (String expr : new String[] {"true", "1 < 2 || false", "duration(\"48h\") > duration(\"1h\")"}) {
            CliRun go = run(expr, "gates", "check");
            assertThat(go.code()).as(expr + ": " + go.all()).isEqualTo(2);
            assertThat(go.err()).contains("gates.custom[0].expr", "reads nothing");
        }
    }

    @Test
    void aTimingGateReadsTheWindowAndTheClock() throws Exception {
        CliRun ok = run("window.start - now >= duration(\"24h\")", "validate");
        assertThat(ok.code()).as(ok.all()).isZero();
    }
}
