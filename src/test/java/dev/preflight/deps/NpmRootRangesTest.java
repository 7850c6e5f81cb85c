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
 * package.json's ranges against the versions package-lock.json locks, as {@code npm ci} judges them
 * (it refuses "lock file's vite@4.5.0 does not satisfy vite@^5.0.0"). The review only checked that
 * each dependency was in the lock at all, so a stale lock whose versions package.json had moved away
 * from was CLEAR, and readiness GO on a lock npm ci would not install. Also which lock files the
 * review reads, as the tools read them: npm-shrinkwrap.json before package-lock.json, and a BOM
 * that Composer refuses and npm strips.
 */
class NpmRootRangesTest {
    @TempDir
    Path dir;

    private static final String LOCKED = """
            "node_modules/vite": {"version": "4.5.0", "dev": true, "engines": {"node": ">=14"}},
            "node_modules/axios": {"version": "1.6.7"},
            "node_modules/fsevents": {"version": "2.3.3", "optional": true}""";

    private void write(String packageJson, int lockfileVersion, String rootEntry, String packages) throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/package.json"), packageJson);
        Files.writeString(dir.resolve("app/package-lock.json"), """
                {"name": "front", "lockfileVersion": %d, "requires": true,
                 "packages": {
                  "": %s,
                  %s
                 }}
                """.formatted(lockfileVersion, rootEntry, packages));
    }

    @Test
    void aDevDependencyRangeTheLockedVersionDoesNotSatisfyBlocksInLockfileV3() throws Exception {
        String pj = """
                {"name": "front",
                 "dependencies": {"axios": "^1.6.7"},
                 "devDependencies": {"vite": "^5.0.0"}}
                """;
        // The lock's own root entry still says ^4: npm does not judge by it, only by package.json.
        write(pj, 3, "{\"name\": \"front\", \"dependencies\": {\"axios\": \"^1.6.7\"}, \"devDependencies\": {\"vite\": \"^4.5.0\"}}",
                LOCKED);
        CliHarness cli = plan("{node: \"20\"}");
        CliRun deps = cli.run("deps");
        assertThat(deps.out()).as(deps.all()).contains("BLOCKED", "vite", "^5.0.0", "4.5.0", "does not satisfy", "fix: run npm install and review the new lock\n",
                "package.json:3:", "package-lock.json:4:").doesNotContain("axios ^1.6.7, but");
        assertThat(deps.code()).isEqualTo(1);
        assertThat(cli.run("readiness").code()).isEqualTo(1);
    }

    @Test
    void dependenciesAndOptionalDependenciesInLockfileV2() throws Exception {
        write("""
                {"name": "front", "dependencies": {"axios": "~1.5.0"}, "optionalDependencies": {"fsevents": "^2.3.2",
                 "not-here": "^1.0.0"}}
                """, 2, "{\"name\": \"front\"}", LOCKED);
        CliRun deps = plan("{node: \"20\"}").run("deps");
        assertThat(deps.out()).as(deps.all()).contains("BLOCKED", "dependencies axios ~1.5.0", "locks axios 1.6.7")
                .contains("not-here ^1.0.0, which is not in package-lock.json").doesNotContain("fsevents ^2.3.2, but");
        assertThat(deps.code()).isEqualTo(1);

        write("""
                {"name": "front", "optionalDependencies": {"fsevents": "^3.0.0"}}
                """, 2, "{\"name\": \"front\"}", LOCKED);
        CliRun optional = plan("{node: \"20\"}").run("deps");
        assertThat(optional.out()).as(optional.all()).contains("BLOCKED", "optionalDependencies fsevents ^3.0.0");
        assertThat(optional.code()).isEqualTo(1);
    }

    /**
     * npm records every optional dependency in the lock, on every platform (fsevents is in a lock made
     * on Linux), and arborist treats an optional edge with nothing locked as a problem to resolve, so
     * npm ci stops with "Missing: not-here@^1.0.0 from lock file". Only an optional peer may be absent.
     */
    @Test
    void anOptionalDependencyMissingFromTheLockIsAnOutOfSyncLock() throws Exception {
        write("""
                {"name": "front", "optionalDependencies": {"fsevents": "^2.3.2", "not-here": "^1.0.0"}}
                """, 3, "{\"name\": \"front\"}", LOCKED);
        CliRun deps = plan("{node: \"20\"}").run("deps");
        assertThat(deps.out()).as(deps.all()).contains("BLOCKED", "not-here ^1.0.0, which is not in package-lock.json")
                .doesNotContain("fsevents ^2.3.2, but");
        assertThat(deps.code()).isEqualTo(1);
    }

    @Test
    void aPeerDependencyCountsUnlessItIsOptional() throws Exception {
        write("""
                {"name": "front", "peerDependencies": {"vite": "^5.0.0", "axios": "^2.0.0"},
                 "peerDependenciesMeta": {"axios": {"optional": true}}}
                """, 3, "{\"name\": \"front\"}", LOCKED);
        CliRun deps = plan("{node: \"20\"}").run("deps");
        assertThat(deps.out()).as(deps.all()).contains("BLOCKED", "peerDependencies vite ^5.0.0")
                .doesNotContain("axios ^2.0.0, but");
        assertThat(deps.code()).isEqualTo(1);
        // With legacy-peer-deps npm does not install peers at all: not a refusal of npm ci.
        Files.writeString(dir.resolve("app/.npmrc"), "; project settings\nlegacy-peer-deps = true\n");
        CliRun legacy = plan("{node: \"20\"}").run("deps");
        assertThat(legacy.out()).as(legacy.all()).contains("CLEAR", "legacy-peer-deps");
        assertThat(legacy.code()).isZero();
    }

    @Test
    void satisfiedRangesAreClear() throws Exception {
        write("""
                {"name": "front", "dependencies": {"axios": "^1.6.0"}, "devDependencies": {"vite": "4.x || ^5.0.0"},
                 "optionalDependencies": {"fsevents": "*"}}
                """, 3, "{\"name\": \"front\"}", LOCKED);
        CliRun deps = plan("{node: \"20\"}").run("deps");
        assertThat(deps.out()).as(deps.all()).contains("CLEAR");
        assertThat(deps.code()).isZero();
    }

    @Test
    void specsTheReviewCannotJudgeAreNotFullyChecked() throws Exception {
        for (String spec : new String[] {"latest", "github:vitejs/vite#v5.0.0", "git+https://github.com/vitejs/vite.git",
            "file:../vite", "https://example.com/vite-5.0.0.tgz", "npm:vite", "5.0.0 garbage ||| x"}) {
            write("""
                    {"name": "front", "devDependencies": {"vite": "%s"}}
                    """.formatted(spec), 3, "{\"name\": \"front\"}", LOCKED);
            CliRun deps = plan("{node: \"20\"}").run("deps");
            assertThat(deps.out()).as(spec + ": " + deps.all()).contains("NOT FULLY CHECKED", "vite");
            assertThat(deps.code()).as(spec).isEqualTo(3);
        }
        // An alias with a range is judged by the range.
        write("{\"name\": \"front\", \"devDependencies\": {\"vite\": \"npm:vite@^5.0.0\"}}", 3, "{\"name\": \"front\"}",
                LOCKED);
        CliRun alias = plan("{node: \"20\"}").run("deps");
        assertThat(alias.out()).as(alias.all()).contains("BLOCKED", "npm:vite@^5.0.0", "4.5.0");
        assertThat(alias.code()).isEqualTo(1);
        // Workspaces' own package.json files are not read: not fully checked.
        write("{\"name\": \"front\", \"workspaces\": [\"packages/*\"], \"dependencies\": {\"axios\": \"^1.6.0\"}}", 3,
                "{\"name\": \"front\"}", LOCKED);
        CliRun ws = plan("{node: \"20\"}").run("deps");
        assertThat(ws.out()).as(ws.all()).contains("NOT FULLY CHECKED", "workspaces");
        assertThat(ws.code()).isEqualTo(3);
    }

    /**
     * npm ci installs from npm-shrinkwrap.json when there is one and ignores package-lock.json; the
     * review read package-lock.json only, so a shrinkwrap locking a vite that needs node 22 was CLEAR
     * against node 20 (and a review stayed current when the shrinkwrap changed).
     */
    @Test
    void theShrinkwrapIsWhatNpmInstallsAndWhatIsReviewed() throws Exception {
        write("{\"name\": \"front\", \"devDependencies\": {\"vite\": \"^5.0.0\"}}", 3, "{\"name\": \"front\"}",
                "\"node_modules/vite\": {\"version\": \"5.1.0\", \"dev\": true, \"engines\": {\"node\": \">=18\"}}");
        CliHarness cli = plan("{node: \"20\"}");
        CliRun clear = cli.run("deps");
        assertThat(clear.code()).as(clear.all()).isZero();
        Files.writeString(dir.resolve("app/npm-shrinkwrap.json"), """
                {"name": "front", "lockfileVersion": 3, "requires": true,
                 "packages": {"": {"name": "front"},
                  "node_modules/vite": {"version": "5.2.0", "dev": true, "engines": {"node": ">=22"}}}}
                """);
        CliRun shrinkwrap = cli.run("deps");
        assertThat(shrinkwrap.out()).as(shrinkwrap.all()).contains("BLOCKED", "vite", ">=22", "npm-shrinkwrap.json");
        assertThat(shrinkwrap.code()).isEqualTo(1);
    }

    /**
     * Composer stops on a composer.lock or composer.json that starts with a UTF-8 BOM ("BOM
     * detected"); Jackson skips the mark, and the review of a lock nothing can be installed from was
     * CLEAR. npm strips the mark, so a package.json with one is read as npm reads it.
     */
    @Test
    void aComposerFileWithAByteOrderMarkIsNotALockComposerInstallsFrom() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        String lock = "{\"packages\": [{\"name\": \"laravel/framework\", \"version\": \"v11.0.0\"}]}";
        String json = "{\"require\": {\"laravel/framework\": \"^11.0\"}}";
        Files.writeString(dir.resolve("app/composer.lock"), lock);
        Files.writeString(dir.resolve("app/composer.json"), json);
        CliHarness cli = plan("{laravel/framework: \"11.*\"}");
        CliRun clear = cli.run("deps");
        assertThat(clear.code()).as(clear.all()).isZero();
        for (String f : new String[] {"composer.lock", "composer.json"}) {
            Files.writeString(dir.resolve("app/composer.lock"), lock);
            Files.writeString(dir.resolve("app/composer.json"), json);
            Files.writeString(dir.resolve("app/" + f), "\uFEFF" + Files.readString(dir.resolve("app/" + f)));
            CliRun bom = cli.run("deps");
            assertThat(bom.err()).as(f + ": " + bom.all()).contains(f + ":1:1", "byte-order mark", "Composer refuses");
            assertThat(bom.code()).as(f).isEqualTo(2);
        }
        Files.writeString(dir.resolve("app/composer.lock"), lock);
        Files.writeString(dir.resolve("app/composer.json"), json);
        write("\uFEFF{\"name\": \"front\", \"devDependencies\": {\"vite\": \"^4.0.0\"}}", 3,
                "{\"name\": \"front\"}", LOCKED);
        CliRun npm = plan("{node: \"20\"}").run("deps");
        assertThat(npm.code()).as(npm.all()).isZero();
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
