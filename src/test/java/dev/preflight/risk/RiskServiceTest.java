package dev.preflight.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import dev.preflight.report.Style;
import dev.preflight.testing.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's four risks, each in each of its three derived states, from evidence written into a
 * real SQLite ledger at chosen times. The academy plan's own risk register is what is assessed.
 */
class RiskServiceTest {
    @TempDir
    Path dir;
    MovableClock clock = new MovableClock(Instant.parse("2026-11-20T09:00:00Z"));
    Ledger ledger;
    RiskPlan register;
    RiskContext context;
    final Instant assessAt = Instant.parse("2026-11-24T10:00:00Z");

    @BeforeEach
    void open() {
        ledger = Ledgers.open("sqlite:ledger.db", dir, Secrets.none(), "dba@bastion", clock);
        Plan academy = PlanLoader.load(Path.of("examples/academy/preflight.yaml"), Map.of());
        register = academy.section("risks", RiskPlan.class).orElseThrow();
        context = new RiskContext(academy, ledger, clock, List.of());
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private void at(Duration before, String kind, String subject, Outcome o, Map<String, Object> payload) {
        clock.set(assessAt.minus(before));
        ledger.append(NewEntry.of(kind, subject, o, kind + " " + o.label(), payload));
    }

    private RiskResult assess(String risk) {
        clock.set(assessAt);
        RiskPlan.Risk r = register.risks().stream().filter(x -> x.name().equals(risk)).findFirst().orElseThrow();
        return new RiskAssess(context).assess(r);
    }

    @Test
    void backupCorruptionNeedsEverySourceVerified() {
        // The academy control has no subject: it covers each of the plan's three backup sources.
        RiskResult none = assess("backup-corruption");
        assertThat(none.status()).isEqualTo(RiskResult.Status.OPEN);
        assertThat(none.reasons()).containsExactly(
                "backup-verify (academy-db) within 24h: no evidence recorded (run preflight backup verify)",
                "backup-verify (academy-cache) within 24h: no evidence recorded (run preflight backup verify)",
                "backup-verify (academy-assets) within 24h: no evidence recorded (run preflight backup verify)");
        at(Duration.ofHours(30), "backup-verify", "academy-db", Outcome.PASSED, Map.of());
        at(Duration.ofHours(2), "backup-verify", "academy-cache", Outcome.PASSED, Map.of());
        at(Duration.ofHours(2), "backup-verify", "academy-assets", Outcome.PASSED, Map.of());
        RiskResult stale = assess("backup-corruption");
        assertThat(stale.status()).isEqualTo(RiskResult.Status.AT_RISK);
        // Each control says its own state: no single "NOT" for stale, failing and missing alike.
        assertThat(RiskReport.REGISTER.text(new RiskAssessment(List.of(none)), Style.PLAIN))
                .contains("    missing  backup-verify (academy-db) within 24h: no evidence recorded").doesNotContain("NOT");
        assertThat(RiskReport.REGISTER.text(new RiskAssessment(List.of(stale)), Style.PLAIN))
                .contains("    stale    backup-verify (academy-db)", "    ok       backup-verify (academy-cache)");
        assertThat(stale.reasons()).singleElement().asString().contains("(academy-db)", "stale, last passed #1", "(30h ago)");
        at(Duration.ofHours(2), "backup-verify", "academy-db", Outcome.PASSED, Map.of());
        assertThat(assess("backup-corruption").status()).isEqualTo(RiskResult.Status.MITIGATED);
        // A newer failure outweighs the older pass: a flipped byte found an hour ago is what we know now.
        at(Duration.ofHours(1), "backup-verify", "academy-db", Outcome.FAILED, Map.of());
        // ...and the cache's newer pass does not stand in for the database's failure.
        at(Duration.ofMinutes(30), "backup-verify", "academy-cache", Outcome.PASSED, Map.of());
        RiskResult failing = assess("backup-corruption");
        assertThat(failing.status()).isEqualTo(RiskResult.Status.OPEN);
        assertThat(RiskReport.REGISTER.text(new RiskAssessment(List.of(failing)), Style.PLAIN))
                .contains("    failing  backup-verify (academy-db)");
        assertThat(failing.reasons()).singleElement().asString().contains("backup-verify (academy-db)",
                "latest evidence failed #5");
    }

    @Test
    void theContextsRegisterIsAssessedWholeAndRunRecordsItAboutTheProject() {
        clock.set(assessAt);
        RiskAssessment all = new RiskAssess(context).assess();
        assertThat(all.risks()).extracting(x -> x.risk().name())
                .containsExactlyElementsOf(register.risks().stream().map(RiskPlan.Risk::name).toList());
        assertThat(ledger.latest(RiskEvidence.KIND, "academy")).isEmpty();
        RiskAssessment recorded = new RiskAssess(context).run();
        assertThat(recorded.statuses()).isEqualTo(all.statuses());
        assertThat(ledger.latest(RiskEvidence.KIND, "academy")).hasValueSatisfying(e -> {
            assertThat(e.summary()).isEqualTo(all.statuses());
            assertThat(e.outcome()).isEqualTo(Outcome.of(all.verdict()));
        });
    }

    @Test
    void aPlanWithoutARegisterIsAConfigurationError() {
        Plan none = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: academy}
                environments: [{name: staging, hosts: [{name: a, uri: local}]}]
                """, dir, Map.of());
        assertThatThrownBy(() -> RiskContext.register(none)).isInstanceOfSatisfying(PreflightException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo("the plan has no 'risks' section");
        });
        assertThat(context.register()).isEqualTo(register);
        assertThat(context.project()).isEqualTo("academy");
    }

    @Test
    void versionDriftNeedsEveryEnvironment() {
        at(Duration.ofDays(1), "audit", "staging", Outcome.PASSED, Map.of());
        RiskResult oneMissing = assess("version-drift");
        assertThat(oneMissing.status()).isEqualTo(RiskResult.Status.OPEN);
        assertThat(oneMissing.reasons()).singleElement().asString().startsWith("audit (production) within 7d: no evidence");
        at(Duration.ofDays(8), "audit", "production", Outcome.PASSED, Map.of());
        assertThat(assess("version-drift").status()).isEqualTo(RiskResult.Status.AT_RISK);
        at(Duration.ofDays(2), "audit", "production", Outcome.PASSED, Map.of());
        RiskResult ok = assess("version-drift");
        assertThat(ok.status()).isEqualTo(RiskResult.Status.MITIGATED);
        assertThat(ok.controls()).hasSize(2).allMatch(c -> c instanceof RiskResult.ControlResult.Fresh);
        at(Duration.ofHours(3), "audit", "staging", Outcome.FAILED, Map.of());
        assertThat(assess("version-drift").status()).isEqualTo(RiskResult.Status.OPEN);
    }

    @Test
    void flagMisconfiguration() {
        at(Duration.ofHours(2), "flags-validate", "academy", Outcome.FAILED, Map.of());
        assertThat(assess("flag-misconfiguration").status()).isEqualTo(RiskResult.Status.OPEN);
        at(Duration.ofHours(1), "flags-validate", "academy", Outcome.PASSED, Map.of());
        assertThat(assess("flag-misconfiguration").status()).isEqualTo(RiskResult.Status.MITIGATED);
        clock.set(assessAt.plus(Duration.ofDays(2)));
        RiskResult later = new RiskAssess(context).assess(register.risks().get(2));
        assertThat(later.risk().name()).isEqualTo("flag-misconfiguration");
        assertThat(later.status()).isEqualTo(RiskResult.Status.AT_RISK);
    }

    @Test
    void cutoverFailureCountsOnlyFailbackDrillsInStaging() {
        // Other cutover steps, and failbacks in production, are not a staging failback drill.
        at(Duration.ofDays(1), "cutover-step", "staging", Outcome.PASSED, Map.of("step", "switch"));
        at(Duration.ofDays(1), "cutover-step", "production", Outcome.PASSED, Map.of("step", "failback"));
        assertThat(assess("cutover-failure").status()).isEqualTo(RiskResult.Status.OPEN);
        at(Duration.ofDays(10), "cutover-step", "staging", Outcome.PASSED, Map.of("step", "failback", "elapsed_ms", 2100,
                "project", "academy"));
        assertThat(assess("cutover-failure").status()).isEqualTo(RiskResult.Status.AT_RISK);
        at(Duration.ofDays(1), "cutover-step", "staging", Outcome.FAILED, Map.of("step", "failback", "elapsed_ms", 410_000,
                "project", "academy"));
        RiskResult failed = assess("cutover-failure");
        assertThat(failed.status()).isEqualTo(RiskResult.Status.OPEN);
        at(Duration.ofHours(5), "cutover-step", "staging", Outcome.PASSED, Map.of("step", "failback", "elapsed_ms", 1900,
                "project", "academy"));
        assertThat(assess("cutover-failure").status()).isEqualTo(RiskResult.Status.MITIGATED);
        // Another project's failback on a shared ledger is not this project's drill; one that names no
        // project (an older version's) cannot be shown to be this project's, so it can only fail.
        at(Duration.ofHours(4), "cutover-step", "staging", Outcome.FAILED, Map.of("step", "failback", "project", "shop"));
        assertThat(assess("cutover-failure").status()).isEqualTo(RiskResult.Status.MITIGATED);
        at(Duration.ofHours(3), "cutover-step", "staging", Outcome.PASSED, Map.of("step", "failback", "elapsed_ms", 900));
        assertThat(assess("cutover-failure").status()).isEqualTo(RiskResult.Status.OPEN);
    }

    @Test
    void theRegisterIsValidatedAndStatusCannotBeTyped() {
        String yaml = """
                version: 1
                project: {name: academy}
                environments: [{name: staging, hosts: [{name: a, uri: local}]}]
                risks:
                  - name: backup-corruption
                    status: Mitigated
                    controls: [{evidence: backup-verfy, max_age: 24h}]
                  - name: drift
                    controls: [{evidence: audit, environment: prod}]
                  - name: drift
                    mitigation: none
                """;
        List<String> problems;
        try {
            PlanLoader.parse("p.yaml", yaml, dir, Map.of());
            throw new AssertionError("expected problems");
        } catch (PlanException e) {
            problems = e.problems().stream().map(PlanProblem::format).toList();
        }
        assertThat(problems).containsExactly(
                "p.yaml:6:5: risks[0].status: status is derived from evidence, never typed (remove it and give the risk controls: [{evidence: ..., max_age: ...}])",
                "p.yaml:7:27: risks[0].controls[0].evidence: unknown evidence 'backup-verfy' (one of: audit, backup, backup-verify, deps, failback-drill, flags-validate, gates, ledger-verify, restore-test)",
                "p.yaml:9:16: risks[1].controls[0].max_age: required field is missing (how fresh the evidence must be, e.g. 24h or 7d)",
                "p.yaml:9:47: risks[1].controls[0].environment: no environment 'prod' in the plan (environments: staging)",
                "p.yaml:10:5: risks[2].controls: required field is missing (a risk without controls can never be shown mitigated; e.g. controls: [{evidence: audit, max_age: 7d}])",
                "p.yaml:10:11: risks[2].name: duplicate risk 'drift' (risk names must be unique)");
    }

    @Test
    void subjectsMustNameWhatThePlanConfigures() {
        String yaml = """
                version: 1
                project: {name: academy}
                environments: [{name: staging, hosts: [{name: a, uri: local}]}]
                backups:
                  destinations: [{name: onprem, type: local, path: b}]
                  sources:
                    - {name: test-db, type: mysql, mysql: {host: 127.0.0.1, user: root, database: test}}
                    - {name: cache, type: redis, redis: {host: 127.0.0.1}}
                risks:
                  - name: r1
                    controls:
                      - {evidence: backup-verify, subject: test-bd, max_age: 24h}
                      - {evidence: backup, environment: staging, max_age: 24h}
                      - {evidence: audit, environment: stagng, max_age: 7d}
                      - {evidence: restore-test, max_age: 7d}
                      - {evidence: deps, subject: elsewhere, max_age: 1d}
                      - {evidence: backup-verify, max_age: 24h}
                """;
        List<String> problems;
        try {
            PlanLoader.parse("p.yaml", yaml, dir, Map.of());
            throw new AssertionError("expected problems");
        } catch (PlanException e) {
            problems = e.problems().stream().map(PlanProblem::format).toList();
        }
        assertThat(problems).containsExactly(
                "p.yaml:12:44: risks[0].controls[0].subject: no backup source 'test-bd' in the plan (did you mean "
                        + "'test-db'? 'backup-verify' evidence is recorded about: test-db, cache)",
                "p.yaml:13:41: risks[0].controls[1].environment: no backup source 'staging' in the plan "
                        + "('backup' evidence is recorded about: test-db, cache)",
                "p.yaml:14:40: risks[0].controls[2].environment: no environment 'stagng' in the plan (did you mean "
                        + "'staging'? environments: staging)",
                "p.yaml:15:20: risks[0].controls[3].evidence: the plan configures nothing that records 'restore-test' "
                        + "evidence, so this control could never be met (configure restore_test, or remove the control)",
                "p.yaml:16:35: risks[0].controls[4].subject: no project 'elsewhere' in the plan: it configures nothing "
                        + "that records 'deps' evidence (configure dependencies, or remove the control)");
        // The control without a subject covers every configured source, each on its own.
        Plan ok = PlanLoader.parse("p.yaml", yaml.substring(0, yaml.indexOf("      - {evidence: backup-verify, subject"))
                + "      - {evidence: backup-verify, max_age: 24h}\n", dir, Map.of());
        assertThat(ok.section("risks", RiskPlan.class).orElseThrow().risks().get(0).controls().get(0).subjects())
                .containsExactly("test-db", "cache");
    }

    @Test
    void aFailbackDrillIsTheNewestCutoverStepEntryOfTheFailbackStepAndNoOtherStep() {
        RiskPlan.Control drill = new RiskPlan.Control("failback-drill", "production", Duration.ofDays(30), Map.of());
        at(Duration.ofHours(5), "cutover-step", "production", Outcome.PASSED, Map.of("cutover", "c1",
                "phase", "completed", "step", "switch", "attempt", 1, "outcome", "passed"));
        assertThat(RiskEvidence.latest(ledger, drill, context.project())).as("a switch is no failback drill").isEmpty();
        at(Duration.ofHours(4), "cutover-step", "production", Outcome.PASSED, Map.of("cutover", "c1",
                "phase", "completed", "step", "failback", "attempt", 1, "outcome", "passed", "elapsed_ms", 900));
        // Newer entries of other steps and another subject's failback do not count.
        at(Duration.ofHours(3), "cutover-step", "production", Outcome.FAILED, Map.of("cutover", "c2",
                "phase", "completed", "step", "prepare", "attempt", 1, "outcome", "failed"));
        at(Duration.ofHours(1), "cutover-step", "staging", Outcome.FAILED, Map.of("cutover", "c3",
                "phase", "completed", "step", "failback", "attempt", 1, "outcome", "failed"));
        assertThat(RiskEvidence.latest(ledger, drill, context.project())).hasValueSatisfying(e -> {
            assertThat(e.seq()).isEqualTo(2);
            assertThat(e.outcome()).isEqualTo(Outcome.PASSED);
        });
        // A newer failed failback whose other fields are garbled is still the newest word, not skipped.
        at(Duration.ofMinutes(30), "cutover-step", "production", Outcome.FAILED, Map.of("cutover", List.of(),
                "step", "failback"));
        assertThat(RiskEvidence.latest(ledger, drill, context.project())).hasValueSatisfying(e -> {
            assertThat(e.seq()).isEqualTo(5);
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
        });
        // A control's own `where` still narrows by the payload's fields, by name.
        RiskPlan.Control c2 = new RiskPlan.Control("failback-drill", "production", Duration.ofDays(30),
                Map.of("cutover", "c2"));
        assertThat(RiskEvidence.latest(ledger, c2, context.project())).isEmpty();
    }
}
