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
 * composer.lock files Composer reads otherwise than the review did. In each, a package two levels
 * below the root requires {@code laravel/framework ^10.0}, which excludes the target 11.*: a review
 * that reads the lock as Composer does blocks (or refuses the lock); each was CLEAR.
 */
class HostileComposerLockTest {
    @TempDir
    Path dir;

    private static final String ROOT = "{\"name\": \"demo/app\", \"require\": {\"php\": \"^8.2\", \"acme/a\": \"^1.0\"}}\n";

    /** Composer lower-cases the names in a package's links: {@code Laravel/Framework} is the framework. */
    @Test
    void aRequirementSpelledInCapitalsStillBlocks() throws Exception {
        CliRun deps = review("""
                {"packages": [
                  {"name": "acme/a", "version": "1.0.0", "require": {"acme/b": "^1.0"}},
                  {"name": "Acme/B", "version": "1.0.0", "require": {"Laravel/Framework": "^10.0"}},
                  {"name": "laravel/framework", "version": "v10.48.0", "require": {"php": "^8.1"}}
                ]}
                """);
        assertThat(deps.out()).as(deps.all()).contains("BLOCKED", "laravel/framework ^10.0", "excludes");
        assertThat(deps.code()).isEqualTo(1);
    }

    /** Composer refuses a lock whose package has no version ("Package acme/b has no version defined"). */
    @Test
    void aLockedPackageWithoutAVersionIsAnInputError() throws Exception {
        CliRun deps = review("""
                {"packages": [
                  {"name": "acme/a", "version": "1.0.0", "require": {"acme/b": "^1.0"}},
                  {"name": "acme/b", "require": {"laravel/framework": "^10.0"}},
                  {"name": "laravel/framework", "version": "v10.48.0", "require": {"php": "^8.1"}}
                ]}
                """);
        assertThat(deps.code()).as(deps.all()).isEqualTo(2);
        assertThat(deps.err()).contains("composer.lock:3:", "packages[1] (acme/b) has no version");
        assertThat(deps.out()).doesNotContain("CLEAR");
    }

    /** A bad merge that kept both sides: the first acme/b (which blocks) was dropped for the second. */
    @Test
    void aPackageLockedTwiceIsAnInputError() throws Exception {
        CliRun deps = review("""
                {"packages": [
                  {"name": "acme/a", "version": "1.0.0", "require": {"acme/b": "^1.0"}},
                  {"name": "acme/b", "version": "1.0.0", "require": {"laravel/framework": "^10.0"}},
                  {"name": "laravel/framework", "version": "v10.48.0", "require": {"php": "^8.1"}}
                ],
                "packages-dev": [
                  {"name": "acme/b", "version": "1.1.0", "require": {"laravel/framework": "^10.0|^11.0"}}
                ]}
                """);
        assertThat(deps.code()).as(deps.all()).isEqualTo(2);
        assertThat(deps.err()).contains("composer.lock:7:", "packages-dev[0] locks acme/b 1.1.0",
                "packages[1] 1.0.0 already locks");
        assertThat(deps.out()).doesNotContain("CLEAR");
    }

    /**
     * composer.json holds acme/b at ^1.0 (whose 1.x requires laravel/framework ^10.0) while the lock,
     * out of date, holds acme/b 2.0.0, which allows 11: the review read the lock alone and was CLEAR,
     * though composer install refuses this lock and an update keeps acme/b 1.x, which blocks.
     */
    @Test
    void aRootRequirementTheLockedVersionDoesNotSatisfyBlocks() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        CliRun deps = review("{\"name\": \"demo/app\", \"require\": {\"php\": \"^8.2\", \"acme/b\": \"^1.0\"}}\n", """
                {"packages": [
                  {"name": "acme/b", "version": "2.0.0", "require": {"laravel/framework": "^10.0|^11.0"}},
                  {"name": "laravel/framework", "version": "v10.48.0", "require": {"php": "^8.1"}}
                ]}
                """);
        assertThat(deps.out()).as(deps.all()).contains("BLOCKED", "composer.json requires acme/b ^1.0, but composer.lock "
                + "locks acme/b 2.0.0");
        assertThat(deps.code()).isEqualTo(1);
    }

    /** A null in the package list was "not valid JSON: Cannot construct instance of ``, problem: ``". */
    @Test
    void aNullPackageSaysWhereAndWhat() throws Exception {
        CliRun deps = review("{\"packages\": [\n  null\n]}\n");
        assertThat(deps.code()).as(deps.all()).isEqualTo(2);
        assertThat(deps.err()).contains("composer.lock:2:3: packages[0] is null, not a package")
                .doesNotContain("not valid JSON", "``");
        CliRun alias = review("{\"packages\": [], \"aliases\": [null]}\n");
        assertThat(alias.code()).as(alias.all()).isEqualTo(2);
        assertThat(alias.err()).contains("composer.lock:1:", "holds null where an entry is expected")
                .doesNotContain("not valid JSON", "``");
    }

    private CliRun review(String lock) throws Exception {
        return review(ROOT, lock);
    }

    private CliRun review(String root, String lock) throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/composer.json"), root);
        Files.writeString(dir.resolve("app/composer.lock"), lock);
        return new CliHarness(dir, Instant.parse("2026-11-25T10:00:00Z"))
                .run("deps", "--dir", dir.resolve("app").toString(), "--target", "laravel/framework=11.*");
    }
}
