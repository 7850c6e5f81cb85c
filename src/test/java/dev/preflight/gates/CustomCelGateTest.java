package dev.preflight.gates;

import static dev.preflight.gates.GateFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom gates in CEL over the ledger's evidence: pass, fail, and compile errors as plan problems with positions. */
class CustomCelGateTest {
    private static final String FRESH = "backups.latest(\"mysql\").age < duration(\"24h\") && audit.latest(\"production\").passed";
    private static final Instant T0 = Instant.parse("2027-01-08T00:00:00Z");

    @TempDir
    Path dir;

    private Plan plan(String expr) {
        return GateFixtures.plan(dir, "custom:\n  - {name: fresh-evidence, expr: '" + expr + "'}", Map.of());
    }

    private GateResult check(Plan plan, Ledger l, Clock c) {
        return new GatesCheck(new GatesContext(plan, l, c, GatesDrivers.real(c))).run().results().get(0);
    }

    @Test
    void freshPassingEvidencePassesAndAgeingOrAFailedAuditFails() {
        Plan plan = plan(FRESH);
        try (Ledger l = GateFixtures.ledger(dir, at(T0))) {
            GateResult none = check(plan, l, at(T0));
            assertThat(none.passed()).isFalse();
            assertThat(none.reason()).isEqualTo("expression is false: backups.latest(\"mysql\").age < duration(\"24h\")"
                    + " is false");
            assertThat(none.details()).containsExactly(
                    "false: backups.latest(\"mysql\").age < duration(\"24h\"); backups.latest(\"mysql\"): no such"
                            + " evidence in the ledger",
                    "false: audit.latest(\"production\").passed; audit.latest(\"production\"): no such evidence in the"
                            + " ledger",
                    "expression: " + FRESH);
            GateFixtures.backup(l, "academy-db", true);
            GateFixtures.audit(l, "production", true, "{}");
            GateResult ok = check(plan, l, at(T0.plus(Duration.ofHours(23))));
            assertThat(ok.passed()).as(ok.toString()).isTrue();
            assertThat(ok.name()).isEqualTo("fresh-evidence");
            assertThat(ok.details()).containsExactly(FRESH);
            GateResult stale = check(plan, l, at(T0.plus(Duration.ofHours(25))));
            assertThat(stale.passed()).isFalse();
            assertThat(stale.details()).first().asString().matches("false: backups\\.latest\\(\"mysql\"\\)\\.age < "
                    + "duration\\(\"24h\"\\); backups\\.latest\\(\"mysql\"\\): passed, 25 h old \\(ledger #\\d+\\)");
        }
        try (Ledger l = GateFixtures.ledger(dir.resolve("b"), at(T0))) {
            GateFixtures.backup(l, "academy-db", true);
            GateFixtures.audit(l, "production", false, "{}");
            assertThat(check(plan, l, at(T0)).passed()).isFalse();
        }
    }

    @Test
    void evidenceDatedInTheFutureOfTheClockIsNotFresh() {
        // Recorded by a bastion whose clock is ten days ahead; judged five days later by a correct one.
        Plan plan = plan(FRESH);
        try (Ledger l = GateFixtures.ledger(dir, at(T0.plus(Duration.ofDays(10))))) {
            GateFixtures.backup(l, "academy-db", true);
            GateFixtures.audit(l, "production", true, "{}");
            GateResult skewed = check(plan, l, at(T0.plus(Duration.ofDays(5))));
            assertThat(skewed.passed()).as(skewed.toString()).isFalse();
            // A few seconds between two clocks are tolerated.
            assertThat(check(plan, l, at(T0.plus(Duration.ofDays(10)).minusSeconds(30))).passed()).isTrue();
        }
    }

    @Test
    void windowNowAndFoundAreAvailable() {
        Plan plan = plan("window.start - now >= duration(\"48h\") && !backups.latest(\"redis\").found"
                + " && window.environment == \"production\"");
        try (Ledger l = GateFixtures.ledger(dir, at(T0))) {
            GateFixtures.backup(l, "academy-db", true);
            assertThat(check(plan, l, at(Instant.parse("2027-01-07T01:00:00Z"))).passed()).isTrue();
            assertThat(check(plan, l, at(Instant.parse("2027-01-07T01:00:01Z"))).passed()).isFalse();
        }
    }

    @Test
    void aMalformedExpressionIsAPlanProblemAtItsPosition() {
        PlanException e = catchThrowableOfType(() -> plan("backups.latest(\"mysql\").age < "), PlanException.class);
        assertThat(e).isNotNull();
        List<String> lines = e.problems().stream().map(PlanProblem::format).toList();
        // Line 9 is "    - {name: fresh-evidence, expr: '...'}": the quote is at column 36, so CEL's column 31 is 67.
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("preflight.yaml:9:67: gates.custom[0].expr: malformed CEL expression at "
                + "expression line 1, column 31: ");
    }

    @Test
    void typeErrorsAndNonBoolResultsAreRejectedWhenThePlanLoads() {
        PlanException types = catchThrowableOfType(() -> plan("audit.latest(1).passed"), PlanException.class);
        assertThat(types.problems().get(0).message()).contains("malformed CEL expression at expression line 1, column")
                .contains("no matching overload");
        PlanException notBool = catchThrowableOfType(() -> plan("now"), PlanException.class);
        assertThat(notBool.problems().get(0).format()).contains("gates.custom[0].expr: malformed CEL expression");
        PlanException unknown = catchThrowableOfType(() -> plan("flags.latest(\"x\").passed"), PlanException.class);
        assertThat(unknown.problems().get(0).message()).contains("undeclared reference to 'flags'");
    }

    @Test
    void customGateNamesMustBeUniqueAndNotShadowBuiltIns() {
        PlanException e = catchThrowableOfType(() -> GateFixtures.plan(dir, """
                custom:
                  - {name: cab, expr: "true"}
                """, Map.of()), PlanException.class);
        assertThat(e.problems().get(0).message()).isEqualTo("duplicate gate 'cab'");
    }
}
