package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins the dependency review's renderers (text, JSON, markdown) through the command, on the
 * recorded lock files under {@code src/test/resources/deps}: a blocked Composer lock with forward
 * metadata, a clean one without, and npm lockfiles v2 and v3.
 */
class DepsGoldenTest {
    private static final Path RES = Path.of("src/test/resources/deps").toAbsolutePath();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    /** Only the checkout's location varies: the fixtures' directory is shown as a placeholder. */
    private static final Golden GOLDEN = Golden.exact().replacing(RES.toString(), "<deps>");

    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.of(dir, Map.of(), CLOCK, args);
    }

    private static String meta(String name) {
        return RES.resolve("metadata").resolve(name).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json", "markdown"})
    void blockedComposerLock(String format) {
        CliRun r = run("deps", "--format", format, "--dir", RES.resolve("composer-blocked").toString(),
                "--target", "laravel/framework=11.*", "--target", "php=8.3",
                "--metadata", meta("laravel-framework.json"), "--metadata", meta("spatie-laravel-ignition.json"),
                "--metadata", meta("spatie-laravel-permission.json"));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        GOLDEN.check("deps/composer-blocked" + ext(format), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json", "markdown"})
    void cleanComposerLockWithoutMetadata(String format) {
        CliRun r = run("deps", "--format", format, "--dir", RES.resolve("composer-clean").toString(),
                "--target", "laravel/framework=11.*", "--target", "php=8.3");
        assertThat(r.code()).as(r.err()).isZero();
        GOLDEN.check("deps/composer-clean" + ext(format), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"npm-v2", "npm-v3"})
    void npmLockfiles(String lock) {
        for (String format : new String[] {"text", "json", "markdown"}) {
            CliRun r = run("deps", "--format", format, "--dir", RES.resolve(lock).toString(), "--target", "node=20");
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            GOLDEN.check("deps/" + lock + ext(format), r.out());
        }
    }

    private static String ext(String format) {
        return switch (format) {
            case "json" -> ".json";
            case "markdown" -> ".md";
            default -> ".txt";
        };
    }
}
