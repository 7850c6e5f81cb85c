package dev.preflight.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flags validation vouches for the dotenv files as they were and for the registry it checked them
 * against: a flag registered in the plan after a clean validation (which the files do not list, an
 * error for validate) is not GO on the old validation. Before, readiness compared only the files'
 * SHA-256 and said GO. Likewise the application source it scanned: code that reads a flag nobody
 * registered, added after the validation, is not vouched for.
 */
class FlagsRegistryEditTest {
    @TempDir
    Path dir;

    private void plan(String extraFlag) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: flagged}
                feature_flags:
                  env_key: APP_FEATURE_FLAGS
                  files: {example: app/.env.example, staging: app/.env.staging}
                  flags:
                    - {name: communities, description: Community spaces, owner: learning-team, type: release,
                       review_by: 2027-06-30, defaults: {staging: true}}
                """ + extraFlag);
    }

    @Test
    void aFlagRegisteredAfterTheValidationIsNotVouchedFor() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/.env.example"), "APP_FEATURE_FLAGS={\"communities\":false}\n");
        Files.writeString(dir.resolve("app/.env.staging"), "APP_FEATURE_FLAGS={\"communities\":true}\n");
        plan("");
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        CliRun run = cli.run("run");
        assertThat(run.code()).as(run.all()).isZero();

        String webauthn = """
                    - {name: webauthn, description: Passkey sign-in, owner: identity-team, type: release,
                       review_by: 2027-06-30, defaults: {staging: false}}
                """;
        plan(webauthn);
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of flagged: NO-GO",
                "the plan's flag registry changed since");
        assertThat(readiness.code()).isEqualTo(1);
        // What validate says of the files against the registry now.
        assertThat(cli.run("flags", "validate").code()).isEqualTo(1);

        plan("");
        assertThat(cli.run("flags", "validate").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();
    }

    @Test
    void codeReadingAnUnregisteredFlagAddedAfterTheValidationIsNotVouchedFor() throws Exception {
        Files.createDirectories(dir.resolve("app/app/Http"));
        Files.writeString(dir.resolve("app/.env.example"), "APP_FEATURE_FLAGS={\"communities\":false}\n");
        Files.writeString(dir.resolve("app/.env.staging"), "APP_FEATURE_FLAGS={\"communities\":true}\n");
        Files.writeString(dir.resolve("app/app/Http/Home.php"), "<?php\nif (config('feature-flags.communities')) {}\n");
        plan("");
        Files.writeString(dir.resolve("preflight.yaml"), Files.readString(dir.resolve("preflight.yaml"))
                .replace("  env_key: APP_FEATURE_FLAGS\n", "  env_key: APP_FEATURE_FLAGS\n  app_dir: app\n"));
        CliHarness cli = new CliHarness(dir, Instant.parse("2026-11-24T10:00:00Z"));
        CliRun run = cli.run("run");
        assertThat(run.code()).as(run.all()).isZero();

        Files.writeString(dir.resolve("app/app/Http/Passkeys.php"), "<?php\nif (config('feature-flags.webauthn')) {}\n");
        CliRun readiness = cli.run("readiness");
        assertThat(readiness.out()).as(readiness.all()).contains("Readiness of flagged: NO-GO",
                "the application source under");
        assertThat(readiness.code()).isEqualTo(1);
        assertThat(cli.run("flags", "validate").code()).as("the code reads an unregistered flag").isEqualTo(1);

        Files.delete(dir.resolve("app/app/Http/Passkeys.php"));
        assertThat(cli.run("flags", "validate").code()).isZero();
        assertThat(cli.run("readiness").code()).isZero();
    }
}
