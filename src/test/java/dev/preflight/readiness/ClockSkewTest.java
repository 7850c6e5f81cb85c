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
    /** One environment audited on this machine, and a risk whose control is that audit within 24h. */
    private static final String PLAN = """
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
            """;

    @TempDir
    Path dir;

    @Test
    void evidenceDatedInTheFutureIsNotFreshForReadinessNorTheRiskRegister() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), PLAN);
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

    /**
     * The other way round: a bastion whose clock was set back (a VM restored from a snapshot) judged a
     * ten-day-old audit as an hour old and said GO, though the shared ledger held a verdict dated ten
     * days later. Readiness, the risk register and the gates now each say the clock is behind the ledger.
     */
    @Test
    void aClockBehindTheLedgerJudgesNoAgeInReadinessTheRiskRegisterOrTheGates() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), PLAN + """
                change_window: {start: 2026-11-24T09:00:00Z, end: 2026-11-24T13:00:00Z, environment: local, ticket: T-1}
                gates:
                  custom:
                    - {name: fresh-audit, expr: 'audit.latest("local").passed && audit.latest("local").age < duration("24h")'}
                """);
        assertThat(new CliHarness(dir, T0).run("audit").code()).isZero();
        CliHarness sameHour = new CliHarness(dir, T0.plus(Duration.ofMinutes(30)));
        assertThat(sameHour.run("readiness").code()).isZero();
        assertThat(sameHour.run("gates", "check").code()).isZero();

        // Ten days on, a bastion with the right clock asks for readiness: NO-GO, the audit is stale.
        assertThat(new CliHarness(dir, T0.plus(Duration.ofDays(10))).run("readiness").code()).isEqualTo(1);

        // This one's clock went back to the day of the audit: by it, the audit is an hour old.
        CliHarness behind = new CliHarness(dir, T0.plus(Duration.ofHours(1)));
        CliRun readiness = behind.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of skew: NO-GO",
                "this machine's clock (2026-11-24T11:00:00Z) is behind the ledger", "2026-12-04T10:00:00");
        assertThat(readiness.code()).isEqualTo(1);
        CliRun risks = behind.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("is behind the ledger");
        assertThat(risks.code()).isEqualTo(1);
        CliRun gates = behind.run("gates", "check");
        assertThat(gates.out()).as(gates.all()).contains("clock", "is behind the ledger");
        assertThat(gates.code()).isEqualTo(1);
    }
}
