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
}
