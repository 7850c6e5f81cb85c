package dev.preflight.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code preflight risks} alone judges a control's newest evidence as its owner does: a passed entry
 * vouches only for the plan and files as they were, so an audit of {@code java >=17} after the plan
 * says {@code >=99}, a review of a composer.lock since replaced, a backup of a server the source no
 * longer names, a validation before a flag was registered and a restore test of checks since edited
 * leave their risk At risk, saying what changed. Before, readiness said NO-GO on them while
 * {@code preflight risks} said Mitigated (exit 0), judging the entry's outcome and age only.
 */
class RiskEvidenceEditTest {
    static final Path DEPS = Path.of("src/test/resources/deps").toAbsolutePath();

    @TempDir
    Path dir;

    private static String register(String evidence) {
        return """
                risks:
                  - name: drift
                    title: Upgrade on unverified ground
                    mitigation: evidence of the plan as it is
                    controls: [%s]
                """.formatted(evidence);
    }

    private void write(String plan) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), plan);
    }

    private static void mitigated(CliHarness cli) {
        CliRun r = cli.run("risks");
        assertThat(r.out()).as(r.all()).contains("Mitigated");
        assertThat(r.code()).as(r.all()).isZero();
    }

    private static CliRun atRisk(CliHarness cli, String... says) {
        CliRun r = cli.run("risks");
        assertThat(r.out()).as(r.all()).contains("At risk").contains(says).doesNotContain("Mitigated  ");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        return r;
    }

    private void auditPlan(String version) throws Exception {
        write("""
                version: 1
                project: {name: edited}
                environments:
                  - name: local
                    hosts: [{name: this-machine, uri: local}]
                requirements:
                  - {tool: java, version: "%s"}
                """.formatted(version) + register("{evidence: audit, max_age: 7d}"));
    }

    @Test
    void anAuditOfTheRequirementsBeforeAnEditDoesNotMitigate() throws Exception {
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        auditPlan(">=17");
        CliRun audit = cli.run("audit");
        assertThat(audit.code()).as(audit.all()).isZero();
        mitigated(cli);

        auditPlan(">=99");
        atRisk(cli, "audit (local) within 7d: stale, passed #", ", but the plan's hosts, requirements or waivers for "
                + "local changed since (run preflight audit --env local)");
        assertThat(cli.run("readiness").code()).isEqualTo(1);

        // Put back as it was audited: the same evidence mitigates it again.
        auditPlan(">=17");
        mitigated(cli);

        // A host added since: the audit does not cover it, so the control fails (Open).
        write(Files.readString(dir.resolve("preflight.yaml")).replace("hosts: [{name: this-machine, uri: local}]",
                "hosts: [{name: this-machine, uri: local}, {name: that-machine, uri: local}]"));
        CliRun added = cli.run("risks");
        assertThat(added.out()).as(added.all()).contains("Open", "audit (local) within 7d: latest evidence #1 at ",
                " does not cover it: it checked 1 host(s); the plan's local has 2");
        assertThat(added.code()).isEqualTo(1);
    }

    @Test
    void aReviewOfALockFileReplacedSinceDoesNotMitigate() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        for (String f : new String[] {"composer.json", "composer.lock"}) {
            Files.copy(DEPS.resolve("composer-clean").resolve(f), dir.resolve("app").resolve(f));
        }
        write("""
                version: 1
                project: {name: demo}
                dependencies:
                  dir: app
                  targets: {laravel/framework: "11.*", php: "8.3"}
                """ + register("{evidence: deps, max_age: 7d}"));
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-25T10:00:00Z"));
        CliRun deps = cli.run("deps");
        assertThat(deps.code()).as(deps.all()).isZero();
        mitigated(cli);

        for (String f : new String[] {"composer.json", "composer.lock"}) {
            Files.copy(DEPS.resolve("composer-blocked").resolve(f), dir.resolve("app").resolve(f),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        atRisk(cli, "deps (demo) within 7d: stale, passed #", "composer.lock changed since (run preflight deps)");
    }

    private void flagsPlan(String extraFlag) throws Exception {
        write("""
                version: 1
                project: {name: flagged}
                feature_flags:
                  env_key: APP_FEATURE_FLAGS
                  files: {example: app/.env.example, staging: app/.env.staging}
                  flags:
                    - {name: communities, description: Community spaces, owner: learning-team, type: release,
                       review_by: 2027-06-30, defaults: {staging: true}}
                """ + extraFlag + register("{evidence: flags-validate, max_age: 7d}"));
    }

    @Test
    void aValidationBeforeAFlagWasRegisteredDoesNotMitigate() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/.env.example"), "APP_FEATURE_FLAGS={\"communities\":false}\n");
        Files.writeString(dir.resolve("app/.env.staging"), "APP_FEATURE_FLAGS={\"communities\":true}\n");
        flagsPlan("");
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        CliRun validate = cli.run("flags", "validate");
        assertThat(validate.code()).as(validate.all()).isZero();
        mitigated(cli);

        flagsPlan("""
                    - {name: webauthn, description: Passkey sign-in, owner: identity-team, type: release,
                       review_by: 2027-06-30, defaults: {staging: false}}
                """);
        atRisk(cli, "flags-validate (flagged) within 7d: stale, passed #", "the plan's flag registry changed since");
    }

    private void redisPlan(int port, boolean allowEmpty) throws Exception {
        write("""
                version: 1
                project: {name: restored}
                backups:
                  destinations:
                    - {name: onprem, type: local, path: backups/onprem}
                  sources:
                    - name: cache
                      type: redis
                      redis: {host: 127.0.0.1, port: %d}
                restore_test:
                  redis: {source: cache, start_timeout: 60s, allow_empty: %s}
                """.formatted(port, allowEmpty) + register("{evidence: backup, max_age: 7d}, "
                + "{evidence: backup-verify, max_age: 7d}, {evidence: restore-test, max_age: 7d}"));
    }

    /** Against the local Redis. */
    @Test
    void aBackupOrRestoreTestOfTheSourceOrChecksBeforeAnEditDoesNotMitigate() throws Exception {
        redisPlan(6379, true);
        CliHarness cli = new CliHarness(dir, Instant.now());
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(cli.run("backup", "verify").code()).isZero();
        CliRun restore = cli.run("restore-test");
        assertThat(restore.code()).as(restore.all()).isZero();
        mitigated(cli);

        // An empty snapshot no longer passes: the restore test that passed it does not vouch for that.
        redisPlan(6379, false);
        CliRun checks = atRisk(cli, "restore-test (cache) within 7d: stale, passed #",
                "the plan's restore test of cache changed since");
        assertThat(checks.out()).contains("backup (cache) within 7d: passed #");

        // The source now names another server: neither the backup, its verification nor the restore test is of it.
        redisPlan(6390, true);
        atRisk(cli, "backup (cache) within 7d: stale, passed #",
                ", but it backed up redis://127.0.0.1:6379; the plan's source cache is redis://127.0.0.1:6390",
                "backup-verify (cache) within 7d: stale, passed #",
                "it restored a backup of redis://127.0.0.1:6379; the plan's source cache is redis://127.0.0.1:6390");

        redisPlan(6379, true);
        mitigated(cli);
    }

    /**
     * Two backups, only the older restore-tested (--backup): the register said Mitigated, judging
     * that passing entry, while the newest backup (what a failback restores) was never restored.
     */
    @Test
    void aRestoreTestOfAnOlderBackupDoesNotMitigateWhileTheNewestIsUntested() throws Exception {
        redisPlan(6379, true);
        CliHarness cli = new CliHarness(dir, Instant.now());
        assertThat(cli.run("backup", "run").code()).isZero();
        String older = cli.entries("backup").get(0).id();
        cli.clock.advance(java.time.Duration.ofMinutes(5));
        assertThat(cli.run("backup", "run").code()).isZero();
        assertThat(cli.run("backup", "verify").code()).isZero();
        CliRun restore = cli.run("restore-test", "--backup", older);
        assertThat(restore.code()).as(restore.all()).isZero();
        CliRun open = cli.run("risks");
        assertThat(open.out()).as(open.all()).contains("failing  restore-test (cache)", "has no passing restore test")
                .doesNotContain("Mitigated  ");
        assertThat(open.code()).as(open.all()).isNotZero();

        assertThat(cli.run("restore-test").code()).isZero();
        mitigated(cli);
    }
}
