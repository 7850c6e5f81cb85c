package dev.preflight.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control's {@code where} narrows its evidence to entries whose payload shows they are about it. A
 * newer entry of the same kind and subject that cannot be shown not to be about it (it lacks a field,
 * or the field is null, as in the error entry {@code preflight run} leaves for a section that
 * crashed) is the newest word: an older pass that carries the fields must not speak over it. Before,
 * such entries were skipped and the older pass said Mitigated. A newer entry whose field names
 * something else is about something else, and is still skipped.
 */
class RiskWhereTest {
    @TempDir
    Path dir;
    final Instant assessAt = Instant.parse("2026-11-24T10:00:00Z");
    MovableClock clock = new MovableClock(assessAt.minus(Duration.ofHours(5)));
    Ledger ledger;
    RiskContext context;

    @BeforeEach
    void open() {
        ledger = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "dba@bastion", clock);
        Plan plan = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: scoped}
                risks:
                  - name: tampering
                    title: Evidence tampered with
                    mitigation: the whole chain verified
                    controls: [{evidence: ledger-verify, max_age: 24h, where: {scope: full}}]
                """, dir, Map.of());
        context = new RiskContext(plan, ledger, clock, List.of());
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private void at(Duration before, Outcome o, Map<String, Object> payload) {
        clock.set(assessAt.minus(before));
        ledger.append(NewEntry.of("ledger-verify", "scoped", o, "ledger-verify " + o.label(), payload));
    }

    private RiskResult assess() {
        clock.set(assessAt);
        return new RiskAssess(context).assess().risks().get(0);
    }

    @Test
    void aNewerFailureThatDoesNotRecordTheFieldIsNotSkippedForAnOlderPass() {
        at(Duration.ofHours(3), Outcome.PASSED, Map.of("scope", "full", "entries", 10));
        assertThat(assess().status()).isEqualTo(RiskResult.Status.MITIGATED);
        // What RunService leaves for a section that crashed: no field of the control's `where`.
        at(Duration.ofHours(1), Outcome.ERROR, Map.of("section", "ledger", "result", "ERROR"));
        RiskResult r = assess();
        assertThat(r.status()).isEqualTo(RiskResult.Status.OPEN);
        assertThat(r.reasons()).singleElement().asString().startsWith("ledger-verify (scoped) {scope=full} within 24h: "
                + "latest evidence error #2 at 2026-11-24T09:00:00Z (1h ago) does not record scope, so it cannot be "
                + "shown not to be about {scope=full}; an older entry does not speak over it (run preflight run)");
    }

    @Test
    void aNewerPassThatDoesNotRecordTheFieldDoesNotShowItIsAboutTheControl() {
        at(Duration.ofHours(3), Outcome.PASSED, Map.of("scope", "full"));
        Map<String, Object> unknown = new HashMap<>();
        unknown.put("scope", null);
        at(Duration.ofHours(1), Outcome.PASSED, unknown);
        RiskResult r = assess();
        assertThat(r.status()).isEqualTo(RiskResult.Status.OPEN);
        assertThat(r.reasons()).singleElement().asString().contains("latest evidence passed #2",
                "does not record scope, so it cannot be shown not to be about {scope=full}");
    }

    @Test
    void aNewerEntryAboutSomethingElseIsSkipped() {
        at(Duration.ofHours(3), Outcome.PASSED, Map.of("scope", "full"));
        at(Duration.ofHours(1), Outcome.FAILED, Map.of("scope", "tail"));
        RiskResult r = assess();
        assertThat(r.status()).as(r.reasons().toString()).isEqualTo(RiskResult.Status.MITIGATED);
        assertThat(r.controls().get(0).reason()).contains("passed #1");
        // And a newer failure that is about it fails it.
        at(Duration.ofMinutes(30), Outcome.FAILED, Map.of("scope", "full"));
        assertThat(assess().status()).isEqualTo(RiskResult.Status.OPEN);
    }
}
