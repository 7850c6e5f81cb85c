package dev.preflight.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence recorded by a machine whose clock runs ahead is dated in the future of the machine that
 * judges it, so its age reads as negative. Before, that counted as fresh (0s ago) for as long as the
 * skew lasted: an audit recorded by a bastion ten days ahead was still GO five days later with a
 * max age of 24h. Evidence dated beyond a small tolerance in the future is not fresh now: its age
 * cannot be judged.
 */
class ClockSkewTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void evidenceDatedInTheFutureIsNotFreshForReadinessNorTheRiskRegister() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: skew}
                environments:
                  - name: local
                    hosts: [{name: this-machine, uri: local}]
                requirements:
                  - {tool: java, version: ">=17"}
                risks:
                  - name: version-drift
                    title: Version drift between environments
                    mitigation: CI compatibility audit
                    controls: [{evidence: audit, environment: local, max_age: 24h}]
                """);
        // A bastion whose clock is ten days ahead records the audit.
        CliHarness ahead = new CliHarness(dir, T0.plus(Duration.ofDays(10)));
        assertThat(ahead.run("audit").code()).isZero();

        // Five days later (by a correct clock) the audit is five days old: not within 24h.
        CliHarness right = new CliHarness(dir, T0.plus(Duration.ofDays(5)));
        CliRun readiness = right.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of skew: NO-GO", "in the future");
        assertThat(readiness.code()).isEqualTo(1);
        CliRun risks = right.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("in the future");
        assertThat(risks.code()).isEqualTo(1);

        // A few seconds of skew between two machines is tolerated.
        CliHarness close = new CliHarness(dir, T0.plus(Duration.ofDays(10)).minusSeconds(30));
        CliRun near = close.run("readiness");
        assertThat(near.code()).as(near.all()).isZero();
    }
}
