package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit's part of the plan, read by its own parser: top-level requirements and each environment's. */
class AuditPlanParserTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml) {
        try {
            PlanLoader.parse("p.yaml", yaml, dir, Map.of());
        } catch (PlanException e) {
            return e.problems().stream().map(PlanProblem::format).toList();
        }
        throw new AssertionError("expected problems");
    }

    @Test
    void anEnvironmentsOwnRequirementsAreReadWithoutTopLevelOnes() {
        Plan plan = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                environments:
                  - name: staging
                    hosts: [{name: a, uri: local}]
                    requirements: [{tool: node, version: "20"}]
                  - name: production
                    hosts: [{name: b, uri: local}]
                """, dir, Map.of());
        AuditPlan audit = AuditPlan.of(plan);
        assertThat(plan.configures("requirements")).isFalse();
        assertThat(audit.any()).isTrue();
        assertThat(audit.requirementsOf("staging")).extracting(AuditPlan.Requirement::tool).containsExactly("node");
        assertThat(audit.covers(plan.environment("staging").orElseThrow())).isTrue();
        assertThat(audit.covers(plan.environment("production").orElseThrow())).isFalse();
        assertThat(AuditTargets.of(plan, null)).extracting(AuditTargets.Target::environment).containsExactly("staging");
    }

    @Test
    void globalRequirementsComeFirstForEveryEnvironment() {
        Plan plan = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                requirements: [{tool: php, version: "8.3"}]
                environments:
                  - name: staging
                    requirements: [{tool: node, version: "20"}]
                """, dir, Map.of());
        assertThat(AuditPlan.of(plan).requirementsOf("staging")).extracting(AuditPlan.Requirement::tool)
                .containsExactly("php", "node");
        assertThat(AuditPlan.of(plan).requirementsOf("elsewhere")).extracting(AuditPlan.Requirement::tool)
                .containsExactly("php");
    }

    @Test
    void aPlanWithoutRequirementsHasNone() {
        Plan plan = PlanLoader.parse("p.yaml", "version: 1\nproject: {name: x}\n", dir, Map.of());
        assertThat(AuditPlan.of(plan)).isSameAs(AuditPlan.NONE);
        assertThat(AuditPlan.NONE.any()).isFalse();
    }

    @Test
    void aServerProbeNeedsTheEnvironmentsConnectionAndABadConstraintIsReported() {
        assertThat(problems("""
                version: 1
                project: {name: x}
                environments:
                  - name: staging
                    hosts: [{name: a, uri: local}]
                    requirements: [{tool: redis, version: ">=7 <"}]
                """)).containsExactly(
                "p.yaml:4:5: environments.staging.connections.redis: requirement 'redis' asks the redis server for its "
                        + "version, but the environment has no connections.redis (add connections: {redis: {host: ..., "
                        + "port: ...}} to the environment)",
                "p.yaml:6:43: environments[0].requirements[0].version: " + constraintProblem(">=7 <"));
    }

    private static String constraintProblem(String c) {
        try {
            Constraint.parse(c);
        } catch (Constraint.ParseException e) {
            return e.getMessage() + " (at index " + e.index() + ")";
        }
        throw new AssertionError(c + " parsed");
    }
}
