package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sign-off vouches for the plan it was given on: after the plan is edited (here a destination the
 * signer counted on is dropped), readiness showed the old sign-off as current and said GO as if the
 * signer had approved the weaker plan. Against the local Redis.
 */
class SignOffPlanEditTest {
    @TempDir
    Path dir;

    private static final String PLAN = """
            version: 1
            project: {name: signed-plan}
            backups:
              destinations:
                - {name: onprem, type: local, path: backups/onprem}
                - {name: offsite, type: local, path: backups/offsite}
              sources:
                - name: cache
                  type: redis
                  redis: {host: 127.0.0.1, port: 6379}
            """;

    @Test
    void aSignOffOfAnotherVersionOfThePlanIsVoid() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), PLAN);
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-20T01:30:00Z"));
        assertThat(cli.run("backup", "run").code()).isZero();
        CliRun sign = cli.run("readiness", "sign", "--by", "ana", "--role", "cab");
        assertThat(sign.code()).as(sign.all()).isZero();
        assertThat(cli.run("readiness").out()).contains("GO signed off by ana (cab)", "current");

        // One copy is enough, someone decides after the CAB signed.
        Files.writeString(dir.resolve("preflight.yaml"), PLAN.replace(
                "    - {name: offsite, type: local, path: backups/offsite}\n", ""));
        CliRun edited = cli.run("readiness");
        assertThat(edited.out()).as(edited.all()).contains("Readiness of signed-plan: NO-GO",
                "sign-off: #", "by ana (cab) is void: it was given on another version of the plan");
        assertThat(edited.code()).isEqualTo(1);

        assertThat(cli.run("readiness", "sign", "--by", "ana", "--role", "cab").code()).isZero();
        CliRun again = cli.run("readiness");
        assertThat(again.code()).as(again.all()).isZero();
    }

    /**
     * The plan's text is the same, but a value it interpolates from the environment is not: the signer
     * signed a register whose drift control allows a 24h-old audit, and a later shell with
     * DRIFT_MAX_AGE=30d judged the same sign-off as current under the relaxed plan. A sign-off now
     * vouches for the plan's values as interpolated (secrets excepted), so it is void.
     */
    @Test
    void aSignOffIsVoidWhenAnInterpolatedValueOfThePlanChanged() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                ledger: {url: "${PREFLIGHT_LEDGER_URL:-sqlite:.preflight/ledger.db}"}
                requirements: [{tool: java, version: ">=17"}]
                environments:
                  - name: local
                    hosts: [{name: me, uri: local}]
                    connections:
                      redis: {host: 127.0.0.1, port: 6379, password: "${REDIS_PASSWORD:-}"}
                risks:
                  - name: drift
                    title: Version drift
                    controls: [{evidence: audit, max_age: "${DRIFT_MAX_AGE}"}]
                """);
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("DRIFT_MAX_AGE", "24h"));
        java.time.Clock clock = CliRun.CLOCK;
        assertThat(CliRun.of(dir, env, clock, "audit").code()).isZero();
        CliRun sign = CliRun.of(dir, env, clock, "readiness", "sign", "--by", "ana", "--role", "cab");
        assertThat(sign.code()).as(sign.all()).isZero();
        assertThat(CliRun.of(dir, env, clock, "readiness").out()).contains("GO signed off by ana (cab)", "current");

        env.put("DRIFT_MAX_AGE", "30d");
        CliRun relaxed = CliRun.of(dir, env, clock, "readiness");
        assertThat(relaxed.out()).as(relaxed.all()).contains("Readiness of demo: NO-GO",
                "by ana (cab) is void: it was given on another version of the plan");
        assertThat(relaxed.code()).isEqualTo(1);

        // The same values again: the sign-off stands (nothing failing was recorded since), also on a
        // bastion that reaches the same ledger by another URL and holds a password the first did not.
        env.put("DRIFT_MAX_AGE", "24h");
        env.put("PREFLIGHT_LEDGER_URL", "sqlite:" + dir.resolve(".preflight/ledger.db"));
        env.put("REDIS_PASSWORD", "s3cret-only-here");
        CliRun same = CliRun.of(dir, env, clock, "readiness");
        assertThat(same.code()).as(same.all()).isZero();
    }
}
