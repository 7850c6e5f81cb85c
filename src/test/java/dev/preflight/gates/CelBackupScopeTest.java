package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backups.latest("redis")} in a plan with backup sources is about those sources: on a ledger
 * two projects share, the other project's fresh Redis backup passed this plan's custom gate while
 * this plan's own Redis source had never been backed up.
 */
class CelBackupScopeTest {
    @TempDir
    Path dir;

    @Test
    void anotherProjectsBackupOfTheSameTypeDoesNotPassTheGate() {
        Plan plan = PlanLoader.parse("preflight.yaml", """
                version: 1
                project: {name: academy}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups}
                  sources:
                    - {name: sessions, type: redis, redis: {host: 127.0.0.1, port: 6379}}
                gates:
                  custom:
                    - {name: fresh-cache-backup, expr: 'backups.latest("redis").passed'}
                """, dir, Map.of());
        Clock c = GateFixtures.at(GateFixtures.START.minusSeconds(3600));
        try (Ledger l = GateFixtures.ledger(dir, c)) {
            // The shop's cache, another project on the same ledger.
            l.append(NewEntry.of("backup", "cache", Outcome.PASSED,
                    "redis rdb of cache", Map.of("source", "cache", "type", "redis")));
            GatesContext ctx = new GatesContext(plan, l, c, GatesDrivers.real(c));
            GateResult r = new GatesCheck(ctx).run().results().get(0);
            assertThat(r.passed()).as(r.toString()).isFalse();

            l.append(NewEntry.of("backup", "sessions", Outcome.PASSED,
                    "redis rdb of sessions", Map.of("source", "sessions", "type", "redis")));
            GateResult own = new GatesCheck(ctx).run().results().get(0);
            assertThat(own.passed()).as(own.toString()).isTrue();
        }
    }
}
