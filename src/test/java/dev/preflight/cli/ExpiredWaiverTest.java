package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit passes a failing requirement while a waiver covers it. The audit taken on the waiver's
 * last day stayed fresh evidence after the waiver expired: readiness the next morning said GO, and
 * the risk it mitigates Mitigated, for a failure nothing waives any more. A passed audit that leaned
 * on a waiver vouches only until the waiver's last day ends.
 */
class ExpiredWaiverTest {
    @TempDir
    Path dir;

    private CliRun at(String instant, String... args) {
        return CliRun.of(dir, Map.of(), Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), args);
    }

    @Test
    void anAuditThatLeanedOnAWaiverIsNotFreshAfterTheWaiverExpired() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                requirements: [{tool: java, version: ">=99"}]
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                waivers:
                  - {requirement: java, hosts: ['*'], reason: "moves in ACAD-77", owner: web, expires: 2026-11-24}
                risks:
                  - name: drift
                    title: Version drift
                    controls: [{evidence: audit, max_age: 7d}]
                readiness: {max_age: {audit: 7d}}
                """);
        CliRun audit = at("2026-11-24T10:00:00Z", "audit");
        assertThat(audit.code()).as(audit.all()).isZero();
        CliRun sameDay = at("2026-11-24T20:00:00Z", "readiness");
        assertThat(sameDay.code()).as(sameDay.all()).isZero();

        CliRun nextDay = at("2026-11-25T09:00:00Z", "readiness");
        assertThat(nextDay.out()).as(nextDay.all()).contains("Readiness of demo: NO-GO", "waiver", "2026-11-24");
        assertThat(nextDay.code()).isEqualTo(1);
        CliRun risks = at("2026-11-25T09:00:00Z", "risks");
        assertThat(risks.code()).as(risks.all()).isEqualTo(1);
        assertThat(risks.out()).doesNotContain("Mitigated ");
    }
}
