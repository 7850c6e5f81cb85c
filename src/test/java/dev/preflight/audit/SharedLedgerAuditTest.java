package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two projects in one folder share one ledger (two teams on one bastion, a plan copied for a second
 * app) and both call their environment {@code staging}. Project shop's passing audit of its own
 * staging hosts must never speak for academy, whose own audit failed: not in a custom gate, not on
 * the CAB ticket, not in the readiness verdict, not in the risk register. Before audits named their
 * project, academy's {@code gates check} passed on shop's audit and {@code gates publish} attached
 * shop's report to academy's change record.
 */
class SharedLedgerAuditTest {
    @TempDir
    Path dir;
    CliHarness cli;

    @BeforeEach
    void plans() throws Exception {
        cli = new CliHarness(dir, Instant.parse("2027-01-06T10:00:00Z"));
        Files.writeString(dir.resolve("change.md"), """
                # Change CHG-1

                Approved-by: Dana Reyes (CAB chair), 2027-01-05
                """);
        String plan = """
                version: 1
                project: {name: %s, runbook: "https://wiki.example.com/runbook"}
                environments:
                  - name: staging
                    hosts: %s
                requirements:
                  - {tool: java, version: "%s"}
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: staging, ticket: CHG-1}
                gates:
                  cab: {provider: file, path: change.md}
                  custom: [{name: audited, expr: 'audit.latest("staging").passed'}]
                risks:
                  - name: version-drift
                    title: Version drift
                    controls: [{evidence: audit, environment: staging, max_age: 7d}]
                """;
        // academy requires a Java no host has: its audit fails. shop requires the Java this JVM is.
        Files.writeString(dir.resolve("preflight.yaml"), plan.formatted("academy", "[{name: bastion, uri: local}]", ">=99"));
        Files.writeString(dir.resolve("shop.yaml"), plan.formatted("shop", "[{name: bastion, uri: local}]", ">=17"));
        Files.writeString(dir.resolve("ops.yaml"), plan.formatted("ops", "[]", ">=17"));
    }

    private CliRun as(String planFile, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--plan";
        all[1] = planFile;
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    @Test
    void anotherProjectsPassingAuditNeverSpeaksForThisOne() {
        assertThat(cli.run("audit").code()).isEqualTo(1);
        assertThat(as("shop.yaml", "audit").code()).isZero();

        CliRun gates = cli.run("gates", "check");
        assertThat(gates.out()).as(gates.all()).contains("FAILED  audited  expression is false",
                "audit.latest(\"staging\"): failed, 0 min old (ledger #1)",
                "missing attachment preflight-audit-staging.json (audit report of staging); the latest, #1, failed");
        assertThat(gates.code()).isEqualTo(1);

        CliRun publish = cli.run("gates", "publish");
        assertThat(publish.out()).as(publish.all())
                .contains("MISSING   audit report: the latest audit of staging (#1, 2027-01-06T10:00:00Z) failed");
        assertThat(dir.resolve("change.evidence/preflight-audit-staging.json")).doesNotExist();

        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of academy: NO-GO",
                "failing  audit        audit staging: latest evidence audit #1 at");
        assertThat(readiness.code()).isEqualTo(1);
        CliRun risks = cli.run("risks");
        assertThat(risks.out()).as(risks.all()).contains("Open", "audit (staging) within 7d: latest evidence failed #1 at");
        assertThat(risks.code()).isEqualTo(1);
    }

    @Test
    void aPlanWithoutHostsNeverBorrowsAnotherProjectsAudit() {
        assertThat(as("shop.yaml", "audit").code()).isZero();
        CliRun readiness = as("ops.yaml", "readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of ops: NO-GO",
                "missing  audit        audit staging: no evidence recorded",
                "audited: expression is false", "version-drift Open: audit (staging) within 7d: no evidence recorded");
        assertThat(readiness.code()).isEqualTo(1);
    }

    @Test
    void theProjectsOwnAuditSpeaksThoughAnotherProjectAuditedLater() {
        assertThat(as("shop.yaml", "audit").code()).isZero();
        CliRun shop = as("shop.yaml", "gates", "check");
        assertThat(shop.out()).as(shop.all()).contains("PASSED  audited");
        // academy fails its own audit, then shop audits again: shop's newer pass is still not academy's,
        assertThat(cli.run("audit").code()).isEqualTo(1);
        assertThat(as("shop.yaml", "audit").code()).isZero();
        CliRun academy = cli.run("gates", "check");
        assertThat(academy.out()).as(academy.all()).contains("FAILED  audited",
                "audit.latest(\"staging\"): failed, 0 min old");
        // and academy's newer failure does not stop shop's gate.
        CliRun again = as("shop.yaml", "gates", "check");
        assertThat(again.out()).as(again.all()).contains("PASSED  audited");
    }
}
