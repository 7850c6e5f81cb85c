package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A composer.lock that does not hold what composer.json requires is not a review of what will be
 * installed (composer install refuses it: "Required package ... is not present in the lock file").
 * An emptied lock (no packages) had nothing to check against the targets, so the review was CLEAR
 * and readiness GO on a lock that locked nothing.
 */
class LockOutOfSyncTest {
    @TempDir
    Path dir;

    @Test
    void aRootRequirementTheLockDoesNotHoldBlocks() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/composer.json"), """
                {"name": "demo/app", "require": {"php": "^8.3", "ext-mbstring": "*", "laravel/framework": "^11.0"},
                 "require-dev": {"mockery/mockery": "^1.6"}}
                """);
        Files.writeString(dir.resolve("app/composer.lock"), "{\"packages\": [], \"packages-dev\": []}\n");
        CliHarness cli = plan("{laravel/framework: \"11.*\", php: \"8.3\"}");
        CliRun deps = cli.run("deps");
        assertThat(deps.out()).as(deps.all()).contains("BLOCKERS", "laravel/framework ^11.0",
                "not in composer.lock", "mockery/mockery").doesNotContain("ext-mbstring *, which");
        assertThat(deps.code()).isEqualTo(1);
        assertThat(cli.run("readiness").code()).isEqualTo(1);
    }

    @Test
    void aPackageJsonDependencyTheLockDoesNotHoldBlocks() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/package.json"), """
                {"name": "front", "dependencies": {"axios": "^1.6.7"}, "devDependencies": {"vite": "^5.1.4"}}
                """);
        Files.writeString(dir.resolve("app/package-lock.json"), """
                {"name": "front", "lockfileVersion": 3, "requires": true,
                 "packages": {"": {"name": "front", "dependencies": {"axios": "^1.6.7"}, "devDependencies": {"vite": "^5.1.4"}},
                              "node_modules/vite": {"version": "5.1.4", "dev": true, "engines": {"node": ">=18"}}}}
                """);
        CliHarness cli = plan("{node: \"20\"}");
        CliRun deps = cli.run("deps");
        assertThat(deps.out()).as(deps.all()).contains("BLOCKERS", "axios ^1.6.7", "not in package-lock.json")
                .doesNotContain("vite ^5.1.4, which");
        assertThat(deps.code()).isEqualTo(1);
    }

    /**
     * The node target was never checked when package.json had no lock beside it, or the lock was
     * not one ({@code {}}: no lockfileVersion, no packages), yet the review was CLEAR; with neither
     * file it was already a configuration error. Now all three say the target cannot be checked.
     */
    @Test
    void aNodeTargetWithoutALockToCheckIsAnInputError() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/package.json"), "{\"name\": \"front\", \"dependencies\": {\"axios\": \"^1.6.7\"}}\n");
        CliHarness cli = plan("{node: \"20\"}");
        CliRun none = cli.run("deps");
        assertThat(none.code()).as(none.all()).isEqualTo(2);
        assertThat(none.err()).contains("no package-lock.json", "the node target cannot be checked");

        Files.writeString(dir.resolve("app/package-lock.json"), "{}\n");
        CliRun empty = cli.run("deps");
        assertThat(empty.code()).as(empty.all()).isEqualTo(2);
        assertThat(empty.err()).contains("package-lock.json", "not the shape of a package-lock.json");
    }

    /** A plan reviewing {@code app} against {@code targets} (a YAML flow mapping), and a harness over it. */
    private CliHarness plan(String targets) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                dependencies:
                  dir: app
                  targets: %s
                """.formatted(targets));
        return new CliHarness(dir, Instant.parse("2026-11-25T10:00:00Z"));
    }
}
