package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file on-call provider: a Markdown roster table read by the real gate, its plan fields and its errors. */
class FileOncallGateTest {
    static final String HEAD = """
            # On-call roster, January

            Swaps are agreed in #ops and written here.

            | Role | Name | Email | From | Until |
            |------|------|-------|------|-------|
            """;

    @TempDir
    Path dir;

    private GatesContext service(Ledger ledger, Clock clock) {
        Plan plan = GateFixtures.plan(dir, "oncall: {provider: file, path: oncall.md}", Map.of());
        return new GatesContext(plan, ledger, clock, GatesDrivers.real(clock));
    }

    private void roster(String rows) throws Exception {
        Files.writeString(dir.resolve("oncall.md"), HEAD + rows);
    }

    @Test
    void coveredAndAcknowledgedPasses() throws Exception {
        roster("""
                | primary | Alice Moreau | alice@example.com | 2027-01-08T00:00:00Z | 2027-01-09T03:00:00Z |
                | primary | Bob Okafor | bob@example.com | 2027-01-09T03:00:00Z | 2027-01-10T00:00:00Z |
                | secondary | Carol Jensen | | 2027-01-01T00:00:00Z | |
                | primary | Dan Last-Week | dan@example.com | 2027-01-01T00:00:00Z | 2027-01-02T00:00:00Z |
                """);
        Clock clock = GateFixtures.at(GateFixtures.START.minusSeconds(3600));
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GatesContext s = service(l, clock);
            new GatesAck(s).run("primary", "Alice Moreau");
            new GatesAck(s).run("primary", "bob@example.com");
            assertThat(new GatesCheck(s).run().results()).singleElement().satisfies(r -> {
                assertThat(r.passed()).isFalse();
                assertThat(r.reason()).contains("secondary Carol Jensen has not acknowledged the window");
            });
            new GatesAck(s).run("secondary", "carol jensen");
            assertThat(new GatesCheck(s).run().results()).singleElement().satisfies(r -> {
                assertThat(r.passed()).as(r.reason()).isTrue();
                assertThat(String.join("\n", r.details())).contains("Alice Moreau", "Bob Okafor", "Carol Jensen")
                        .doesNotContain("Dan Last-Week");
            });
        }
    }

    @Test
    void aGapInTheRosterIsNamedWithItsTimes() throws Exception {
        roster("""
                | primary | Alice Moreau | alice@example.com | 2027-01-08T00:00:00Z | 2027-01-09T02:00:00Z |
                | secondary | Carol Jensen | carol@example.com | | |
                """);
        Clock clock = GateFixtures.at(GateFixtures.START.minusSeconds(3600));
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GatesContext s = service(l, clock);
            new GatesAck(s).run("primary", "Alice Moreau");
            new GatesAck(s).run("secondary", "Carol Jensen");
            GateResult r = new GatesCheck(s).run().results().get(0);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).isEqualTo("primary (level 1): nobody on call from 2027-01-09T02:00:00Z to 2027-01-09T05:00:00Z");
        }
    }

    @Test
    void aMalformedRosterFailsTheGateAtItsLineAndColumn() throws Exception {
        roster("| primary | Alice | a@example.com | 2027-01-08 | |\n");
        Clock clock = GateFixtures.at(GateFixtures.START);
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateResult r = new GatesCheck(service(l, clock)).run().results().get(0);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).isEqualTo("could not check: " + dir.resolve("oncall.md")
                    + ":7:37: '2027-01-08' is not an ISO instant (e.g. 2027-01-09T01:00:00Z)");
        }
    }

    @Test
    void aMissingRosterFailsTheGateNamingThePath() {
        Clock clock = GateFixtures.at(GateFixtures.START);
        try (Ledger l = GateFixtures.ledger(dir, clock)) {
            GateResult r = new GatesCheck(service(l, clock)).run().results().get(0);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).startsWith("could not check: cannot read the on-call roster " + dir.resolve("oncall.md"));
        }
    }

    @Test
    void parseErrors() {
        assertThat(error("no table here\n")).isEqualTo("r.md:1:1: no roster table: expected a header row | role | name | email | from | until |");
        assertThat(error("| role | name | email | from | until |\n|---|---|---|---|---|\n"))
                .isEqualTo("r.md:1:1: the roster table has no shifts");
        assertThat(error("| role | name | email | from | until |\n| primary | a | | | |\n"))
                .isEqualTo("r.md:2:1: the roster table's header must be followed by a |---| separator row");
        assertThat(error("| role | name | email | from | until |\n|---|---|---|---|---|\n| boss | a | | | |\n"))
                .isEqualTo("r.md:3:3: role 'boss' is not primary or secondary (or level 1 or 2)");
        assertThat(error("| role | name | email | from | until |\n|---|---|---|---|---|\n| 1 |  | | | |\n"))
                .isEqualTo("r.md:3:8: a shift needs a name or an e-mail");
        assertThat(error("| role | name | email | from | until |\n|---|---|---|---|---|\n| 2 | a |\n"))
                .isEqualTo("r.md:3:1: the row has 2 cells, the header has more");
        assertThat(error("| role | name | email | from | until |\n|---|---|---|---|---|\n"
                + "| 2 | a | | 2027-01-02T00:00:00Z | 2027-01-01T00:00:00Z |\n"))
                .isEqualTo("r.md:3:36: until 2027-01-01T00:00:00Z is not after from 2027-01-02T00:00:00Z");
    }

    @Test
    void columnsInAnyOrderAndOtherTablesAreIgnored() {
        List<OnCall> r = OncallRoster.parse("r.md", """
                | team | lead |
                |---|---|
                | web | x |

                | Until | From | Email | Name | Role |
                | :--- | --- | --- | --- | ---: |
                | 2027-01-10T00:00:00Z | 2027-01-08T00:00:00Z | Ann@Example.com | Ann | 2 |
                """);
        assertThat(r).containsExactly(new OnCall(2, "ann@example.com", "Ann", "Ann@Example.com",
                Instant.parse("2027-01-08T00:00:00Z"), Instant.parse("2027-01-10T00:00:00Z")));
    }

    private static String error(String text) {
        return catchThrowableOfType(() -> OncallRoster.parse("r.md", text), GateException.class).getMessage();
    }

    @Test
    void planFieldsOfTheFileProvider() {
        Plan ok = GateFixtures.plan(dir, "oncall: {provider: file, path: ops/oncall.md}", Map.of());
        GatesPlan.Oncall o = ok.section("gates", GatesPlan.class).orElseThrow().oncall();
        assertThat(o.provider()).isEqualTo("file");
        assertThat(o.path()).isEqualTo(dir.resolve("ops/oncall.md"));
        GatesContext.requireConfig(ok, true, true); // no token is needed for a file

        PlanException e = catchThrowableOfType(() -> PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z}
                gates:
                  oncall: {provider: file, token: t, schedule_ids: [P1]}
                """, dir, Map.of()), PlanException.class);
        assertThat(e.problems().stream().map(PlanProblem::format)).contains(
                "p.yaml:5:35: gates.oncall.token: not used by the file provider (remove it, or use pagerduty)",
                "p.yaml:5:52: gates.oncall.schedule_ids: not used by the file provider (remove it, or use pagerduty)",
                "p.yaml:5:11: gates.oncall.path: required field is missing (add 'path: ...')");
        PlanException e2 = catchThrowableOfType(() -> PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z}
                gates:
                  oncall: {provider: opsgenie, path: r.md}
                """, dir, Map.of()), PlanException.class);
        assertThat(e2.problems().stream().map(PlanProblem::format).toList().toString()).contains("gates.oncall.provider");
        PlanException e3 = catchThrowableOfType(() -> PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z}
                gates:
                  oncall: {token: t, schedule_ids: [P1], path: r.md}
                """, dir, Map.of()), PlanException.class);
        assertThat(e3.problems().stream().map(PlanProblem::format)).contains(
                "p.yaml:5:48: gates.oncall.path: only the file provider reads a path (add 'provider: file')");
    }
}
