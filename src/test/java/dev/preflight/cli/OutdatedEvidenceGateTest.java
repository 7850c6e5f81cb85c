package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom gate reads {@code audit.latest(env).passed}: an audit that passed against requirements
 * the plan no longer has (java >= 17, the plan now asks java >= 99) does not cover the plan, yet the
 * gate held and {@code gates check}, the CI gate, exited 0 while readiness called the same audit
 * stale. The gate now sees such an audit as not passed, naming what changed.
 */
class OutdatedEvidenceGateTest {
    @TempDir
    Path dir;

    private static final String PLAN = """
            version: 1
            project: {name: demo}
            requirements: [{tool: java, version: "JAVA"}]
            environments:
              - name: local
                hosts: [{name: me, uri: local}]
            change_window: {start: "2026-11-28T01:00:00Z", end: "2026-11-28T03:00:00Z", environment: local}
            gates:
              custom: [{name: audited, expr: 'audit.latest("local").passed && audit.latest("local").age < duration("24h")'}]
            """;

    private CliRun run(String... args) {
        return CliRun.of(dir, java.util.Map.of(), CliRun.CLOCK, args);
    }

    @Test
    void anAuditOfRequirementsThePlanNoLongerHasDoesNotPassACustomGate() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), PLAN.replace("JAVA", ">=17"));
        assertThat(run("audit").code()).isZero();
        CliRun before = run("gates", "check");
        assertThat(before.code()).as(before.all()).isZero();

        Files.writeString(dir.resolve("preflight.yaml"), PLAN.replace("JAVA", ">=99"));
        CliRun after = run("gates", "check");
        assertThat(after.code()).as(after.all()).isEqualTo(1);
        assertThat(after.out()).contains("FAILED  audited", "audit.latest(\"local\")", "passed, but")
                .doesNotContain("PASSED  audited");
        CliRun readiness = run("readiness");
        assertThat(readiness.code()).isEqualTo(1);
        assertThat(readiness.out()).doesNotContain("all 1 gate(s) passed");
    }

    /**
     * The CAB gate judges the attached audit report the same way: an audit of requirements the plan
     * no longer has was attached by 'gates publish' and the CAB gate held (approved record, fresh at
     * the window's start, with a backup log and the runbook link) while the plan asked for more.
     */
    @Test
    void anAttachedAuditOfRequirementsThePlanNoLongerHasDoesNotPassTheCabGate() throws Exception {
        String plan = PLAN.replace("project: {name: demo}", "project: {name: demo, runbook: \"https://wiki.example.com/runbook\"}")
                .replaceAll("(?s)  custom: .*", "  cab: {provider: file, path: docs/change.md}\n")
                // the audit and backup are judged by their age at the window's start (24h at most)
                .replace("2026-11-28T01:00:00Z", "2026-11-24T20:00:00Z").replace("2026-11-28T03:00:00Z", "2026-11-24T22:00:00Z");
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/change.md"), "# Change ACAD-1: upgrade\n\n- [x] Backup evidence attached\n\nApproved-by: Dana Reyes (CAB chair), 2026-11-23\n");
        Files.writeString(dir.resolve("preflight.yaml"), plan.replace("JAVA", ">=17"));
        assertThat(run("audit").code()).isZero();
        try (dev.preflight.ledger.Ledger l = dev.preflight.ledger.Ledgers.open(null, dir, dev.preflight.core.Secrets.none(),
                "t@h", CliRun.CLOCK)) {
            l.append(dev.preflight.ledger.NewEntry.of("backup", "academy-db", dev.preflight.ledger.Outcome.PASSED,
                    "dump verified", java.util.Map.of("origin", "mysql://127.0.0.1:3306/academy")));
        }
        CliRun pub = run("gates", "publish");
        assertThat(pub.code()).as(pub.all()).isZero();
        CliRun before = run("gates", "check");
        assertThat(before.code()).as(before.all()).isZero();
        assertThat(before.out()).contains("PASSED  cab");

        Files.writeString(dir.resolve("preflight.yaml"), plan.replace("JAVA", ">=99"));
        CliRun after = run("gates", "check");
        assertThat(after.code()).as(after.all()).isEqualTo(1);
        assertThat(after.out()).contains("FAILED  cab", "preflight-audit-local.json", "which passed, but ")
                .doesNotContain("PASSED  cab");
    }
}
