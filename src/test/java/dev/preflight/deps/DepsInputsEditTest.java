package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dependency review vouches for the lock files it read and the targets it read them against: a
 * composer.lock replaced after a clear review (now with blockers), or a plan whose targets were
 * edited since, is not GO on the old review. Before, readiness said GO in both cases, because the
 * review of the same directory was fresh.
 */
class DepsInputsEditTest {
    static final Path RES = Path.of("src/test/resources/deps").toAbsolutePath();

    @TempDir
    Path dir;
    CliHarness cli;

    @BeforeEach
    void clearReview() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        for (String f : new String[] {"composer.json", "composer.lock"}) {
            Files.copy(RES.resolve("composer-clean").resolve(f), dir.resolve("app").resolve(f));
        }
        plan("laravel/framework: \"11.*\", php: \"8.3\"");
        cli = new CliHarness(dir, Instant.parse("2026-11-25T10:00:00Z"));
        CliRun run = cli.run("run");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(cli.run("readiness").code()).isZero();
    }

    private void plan(String targets) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                dependencies:
                  dir: app
                  targets: {%s}
                """.formatted(targets));
    }

    @Test
    void aLockFileReplacedAfterTheReviewIsNotVouchedFor() throws Exception {
        for (String f : new String[] {"composer.json", "composer.lock"}) {
            Files.copy(RES.resolve("composer-blocked").resolve(f), dir.resolve("app").resolve(f),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        CliRun r = cli.run("readiness");
        assertThat(r.out()).as(r.all()).contains("Readiness of demo: NO-GO", "composer.lock changed since");
        assertThat(r.code()).isEqualTo(1);
        assertThat(cli.run("readiness", "sign", "--by", "ann", "--role", "dba").code()).isEqualTo(1);
    }

    @Test
    void aReviewAgainstOtherTargetsThanThePlansIsNotVouchedFor() throws Exception {
        plan("laravel/framework: \"12.*\", php: \"8.3\"");
        CliRun r = cli.run("readiness");
        assertThat(r.out()).as(r.all()).contains("Readiness of demo: NO-GO", "the plan's targets changed since");
        assertThat(r.code()).isEqualTo(1);

        // The same targets again: the review vouches for them.
        plan("laravel/framework: \"11.*\", php: \"8.3\"");
        assertThat(cli.run("readiness").code()).isZero();
    }
}
