package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit vouches for the hosts, requirements and waivers the plan had it check: a plan edited
 * after the audit (a stricter version, another host, a waiver withdrawn) is not GO on the old
 * audit. Before, readiness said GO for a requirement (java >= 99) this host never met, because the
 * audit of {@code java >= 17} an hour earlier was fresh and covered the one host. And an audit in
 * which no requirement applied to any host of the environment (hosts or tags that match none)
 * verified nothing: it used to pass, and readiness said GO.
 */
class AuditPlanEditTest {
    @TempDir
    Path dir;

    private void plan(String javaVersion, String waivers) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: edited}
                environments:
                  - name: local
                    hosts: [{name: this-machine, uri: local}]
                requirements:
                  - {tool: java, version: "%s"}
                """.formatted(javaVersion) + waivers);
    }

    @Test
    void anAuditOfTheRequirementsBeforeAnEditDoesNotVouchForThePlanAfterIt() throws Exception {
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        plan(">=17", "");
        CliRun run = cli.run("run");
        assertThat(run.code()).as(run.all()).isZero();

        plan(">=99", "");
        CliRun stricter = cli.run("readiness");
        assertThat(stricter.out()).as(stricter.all()).contains("Readiness of edited: NO-GO",
                "the plan's hosts, requirements or waivers for local changed since (run preflight audit --env local)");
        assertThat(stricter.code()).isEqualTo(1);
        assertThat(cli.run("readiness", "sign", "--by", "ann", "--role", "dba").code()).isEqualTo(1);

        // Put back as it was audited: the same evidence vouches for it again.
        plan(">=17", "");
        assertThat(cli.run("readiness").code()).isZero();
    }

    @Test
    void anAuditPassedUnderAWaiverDoesNotVouchForThePlanOnceTheWaiverIsWithdrawn() throws Exception {
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        plan(">=99", """
                waivers:
                  - {requirement: java, hosts: ["*"], reason: "moves next sprint", owner: ops, expires: 2027-01-31}
                """);
        CliRun waived = cli.run("run");
        assertThat(waived.code()).as(waived.all()).isZero();

        plan(">=99", "");
        CliRun withdrawn = cli.run("readiness");
        assertThat(withdrawn.out()).as(withdrawn.all()).contains("Readiness of edited: NO-GO", "changed since");
        assertThat(withdrawn.code()).isEqualTo(1);

        // The audit the plan has now fails, as it should.
        assertThat(cli.run("audit").code()).isEqualTo(1);
        assertThat(cli.run("readiness").code()).isEqualTo(1);
    }

    @Test
    void anAuditWhereNoRequirementAppliesToAnyHostVerifiedNothingAndDoesNotPass() throws Exception {
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: edited}
                environments:
                  - name: local
                    hosts: [{name: this-machine, uri: local, tags: [worker]}]
                requirements:
                  - {tool: java, version: ">=99", tags: [app]}
                  - {tool: git, version: ">=99", hosts: ["web-*"]}
                """);
        CliRun audit = cli.run("audit");
        assertThat(audit.out()).as(audit.all()).contains(
                "local: no requirement applies to any of its 1 host(s) (check the requirements' hosts and tags): "
                        + "nothing was verified");
        assertThat(audit.code()).isEqualTo(1);
        CliRun run = cli.run("run");
        assertThat(run.out()).as(run.all()).contains("Readiness of edited: NO-GO", "nothing was verified");
        assertThat(run.code()).isEqualTo(1);
    }

    /**
     * The JUnit and Markdown forms of that audit say so too: the JUnit had a suite of no tests whose
     * result was "passed" (a CI page showed green) and the Markdown "Result: FAILED" with no reason.
     */
    @Test
    void theJunitAndMarkdownOfAnAuditThatVerifiedNothingShowTheFailure() throws Exception {
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: edited}
                environments:
                  - name: local
                    hosts: [{name: this-machine, uri: local, tags: [worker]}]
                requirements:
                  - {tool: java, version: ">=17", tags: [app]}
                """);
        CliRun junit = cli.run("audit", "--format", "junit");
        assertThat(junit.code()).as(junit.all()).isEqualTo(1);
        AuditJunitTest.validate(junit.out());
        assertThat(junit.out()).contains("tests=\"1\" failures=\"1\"", "<property name=\"result\" value=\"unverified\"/>",
                "<failure type=\"Unverified\" message=\"local: no requirement applies to any of its 1 host(s)")
                .doesNotContain("value=\"passed\"");
        CliRun md = cli.run("audit", "--format", "markdown");
        assertThat(md.out()).as(md.all()).contains("**Result: FAILED**",
                "- **UNVERIFIED** local: no requirement applies to any of its 1 host(s)");
    }
}
