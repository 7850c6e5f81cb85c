package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.exec.TestSshHosts;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit vouches for what its probes saw under the SSH options they ran with: {@code login_shell}
 * changes the PATH a tool's version is found in (an nvm-installed node is only there), and
 * {@code strict_host_key_checking: false} means the host that answered was not shown to be the
 * plan's. An audit taken under one setting is not GO after the plan changes it. Before, the audit's
 * {@code targets} fingerprint left them out and readiness said GO. A plan with the default options
 * keeps the fingerprint it had, so audits recorded before still vouch for it.
 */
class AuditSshOptionsEditTest {
    @TempDir
    Path dir;

    @Test
    void anAuditUnderOtherSshOptionsDoesNotVouchForThePlan() throws Exception {
        try (TestSshHosts fleet = new TestSshHosts(dir.resolve("ssh"))) {
            TestSshHosts.Host app = fleet.real("app-1");
            Path knownHosts = fleet.knownHosts("known_hosts", List.of(app));
            String plan = """
                    version: 1
                    project: {name: shells}
                    environments:
                      - name: staging
                        ssh: {known_hosts: %s, identity_files: [%s], connect_timeout: 5s%%s}
                        hosts: [{name: app-1, uri: "ssh://deploy@127.0.0.1:%d"}]
                    requirements:
                      - {tool: git, version: ">=2"}
                    """.formatted(knownHosts, fleet.clientKey(), app.port());
            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(""));
            CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
            CliRun audit = cli.run("audit");
            assertThat(audit.code()).as(audit.all()).isZero();
            assertThat(cli.run("readiness").code()).isZero();

            // The same defaults written out: the same fingerprint.
            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(
                    ", login_shell: false, strict_host_key_checking: true"));
            assertThat(cli.run("readiness").code()).isZero();

            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(", login_shell: true"));
            CliRun login = cli.run("readiness");
            assertThat(login.out()).as(login.all()).contains("Readiness of shells: NO-GO",
                    "the plan's SSH options for staging changed since (audited with login_shell false, "
                            + "strict_host_key_checking true; the plan has login_shell true, strict_host_key_checking "
                            + "true): run preflight audit --env staging");
            assertThat(login.code()).isEqualTo(1);
            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(", strict_host_key_checking: false"));
            CliRun loose = cli.run("readiness");
            assertThat(loose.out()).as(loose.all()).contains("Readiness of shells: NO-GO",
                    "the plan has login_shell false, strict_host_key_checking false");
            assertThat(loose.code()).isEqualTo(1);

            // Audited under a login shell, it vouches for the plan that has one (and not for the one without).
            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(", login_shell: true"));
            assertThat(cli.run("audit").code()).isZero();
            assertThat(cli.run("readiness").code()).isZero();
            Files.writeString(dir.resolve("preflight.yaml"), plan.formatted(""));
            CliRun without = cli.run("readiness");
            assertThat(without.out()).as(without.all()).contains("(audited with login_shell true, "
                    + "strict_host_key_checking true; the plan has login_shell false, strict_host_key_checking true)");
            assertThat(without.code()).isEqualTo(1);
        }
    }

    /** The fingerprint of a plan with the default SSH options, pinned as it was before they were part of it. */
    @Test
    void aPlanWithTheDefaultSshOptionsKeepsItsFingerprint() throws Exception {
        String yaml = """
                version: 1
                project: {name: shells}
                environments:
                  - name: staging
                    %s
                    hosts: [{name: app-1, uri: "ssh://deploy@10.0.0.5:22", tags: [app]}]
                requirements:
                  - {tool: git, version: ">=2"}
                """;
        for (String ssh : List.of("", "ssh: {connect_timeout: 5s}", "ssh: {login_shell: false, strict_host_key_checking: true}")) {
            Plan plan = PlanLoader.parse("p.yaml", yaml.formatted(ssh), dir, Map.of());
            assertThat(AuditTargets.fingerprint(plan, AuditTargets.of(plan, "staging").get(0))).as(ssh)
                    .isEqualTo(PINNED);
        }
    }

    static final String PINNED = "eaf96efb46d1c38612745eb761f508b98e94779f13e1830ecd30202890845db4";
}
