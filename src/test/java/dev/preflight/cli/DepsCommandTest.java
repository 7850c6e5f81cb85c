package dev.preflight.cli;

import dev.preflight.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code preflight deps} in plan and ad-hoc modes: text, formats, exit codes, ledger entries. */
class DepsCommandTest {
    static final Path RES = Path.of("src/test/resources/deps").toAbsolutePath();

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private CliRun run(String... args) {
        return CliRun.of(dir, env, Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), args);
    }

    private static String meta(String name) {
        return RES.resolve("metadata").resolve(name).toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(p -> {
                try {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void adHocBlockedLockExitsOneWithBlockersGroupedByPackageAndAJsonLedgerEntry() throws Exception {
        CliRun r = run("deps", "--dir", RES.resolve("composer-blocked").toString(), "--target", "laravel/framework=11.*",
                "--target", "php=8.3", "--metadata", meta("laravel-framework.json"), "--metadata",
                meta("spatie-laravel-ignition.json"), "--metadata", meta("spatie-laravel-permission.json"));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("targets: laravel/framework 11.*, php 8.3.*", "BLOCKERS (",
                "  spatie/laravel-ignition 2.3.1 [composer] (dev-only)",
                "root → spatie/laravel-ignition 2.3.1 → illuminate/support ^10.0",
                "fix: 2.4.2 is the lowest version", "fix: 6.4.0 is the lowest version",
                "acme/queue-tools 2.3.0 [composer]", "root → acme/queue-tools 2.3.0 → conflict laravel/framework >=11.0",
                "WARNINGS (", "academy/sso-bridge 1.2.0", "config.platform.php is 8.1.27",
                "php 8.3 read as 8.3.* (the release line)", "BLOCKED: ");
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "t@h", Clock.systemUTC())) {
            LedgerEntry e = ledger.latest("deps", "ad-hoc").orElseThrow();
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.summary()).startsWith("BLOCKED: ");
            String name = e.artifacts().get(0).location().substring("ledger:".length());
            try (InputStream in = ledger.openAttachment(name).orElseThrow()) {
                JsonNode report = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertThat(report.path("verdict").asText()).isEqualTo("BLOCKED");
                assertThat(report.path("blockers").asInt()).isPositive();
            }
        }
    }

    @Test
    void adHocCleanLockExitsZero() {
        CliRun r = run("deps", "--dir", RES.resolve("composer-clean").toString(), "--target", "laravel/framework=11.*",
                "--target", "php=8.3", "--metadata", meta("laravel-framework.json"));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("CLEAR: 0 blocker(s), 0 warning(s)").doesNotContain("BLOCKERS");
    }

    @Test
    void adHocWithoutMetadataSaysTheForwardCheckWasSkipped() {
        CliRun r = run("deps", "--dir", RES.resolve("composer-clean").toString(), "--target", "laravel/framework=11.*");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("forward check skipped for laravel/framework 11.*: no Packagist metadata file given");
    }

    @Test
    void adHocNodeTargetOnLockfileV3AndV2() {
        CliRun v3 = run("deps", "--dir", RES.resolve("npm-v3").toString(), "--target", "node=20");
        assertThat(v3.code()).isEqualTo(1);
        assertThat(v3.out()).contains("@academy/legacy-charts 2.1.0 [npm]", "engines.node >=12 <19 excludes node 20",
                "picocolors 0.2.1 [npm] (dev-only)", "sharp 0.33.2 [npm] (dev-only)");
        CliRun v2 = run("deps", "--dir", RES.resolve("npm-v2").toString(), "--target", "node=20", "--format", "json");
        assertThat(v2.code()).isEqualTo(1);
        JsonNode j = Json.parse(v2.out());
        assertThat(j.path("blockers").asInt()).isEqualTo(1);
        assertThat(j.path("findings").get(0).path("subject").asText()).isEqualTo("@academy/pdf-preview");
    }

    @Test
    void markdownReportForTickets() {
        CliRun r = run("deps", "--dir", RES.resolve("npm-v2").toString(), "--target", "node=20", "--format", "markdown");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("# Dependency review: BLOCKED").contains("| BLOCKER | @academy/pdf-preview 0.4.2 \\[npm\\]");
    }

    @Test
    void badInputExitsTwo() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/composer.lock"), "{\n  \"packages\": [\n    {\"name\": \"a/b\",");
        CliRun truncated = run("deps", "--dir", "app", "--target", "php=8.3");
        assertThat(truncated.code()).isEqualTo(2);
        assertThat(truncated.err()).contains(dir.resolve("app/composer.lock") + ":3:", "not valid JSON", "hint:");
        Files.writeString(dir.resolve("app/composer.lock"), "{\"packages\": [{\"name\": \"a/b\", \"version\": {\"x\": 1}}]}");
        CliRun wrongType = run("deps", "--dir", "app", "--target", "php=8.3");
        assertThat(wrongType.code()).isEqualTo(2);
        assertThat(wrongType.err()).contains(dir.resolve("app/composer.lock") + ":1:", "packages[0].version", "wrong type");
        assertThat(run("deps", "--dir", "app", "--target", "bogus=1").err()).contains("unknown target 'bogus'");
        assertThat(run("deps", "--dir", "app", "--target", "php=~>8.3").code()).isEqualTo(2);
        assertThat(run("deps", "--dir", "app").code()).isEqualTo(2);
        assertThat(run("deps", "--dir", "nope", "--target", "php=8.3").err()).contains("no such directory");
        assertThat(run("deps", "--dir", "app", "--target", "node=20").err()).contains("no package.json or package-lock.json");
        assertThat(run("deps", "--format", "junit", "--dir", "app", "--target", "php=8.3").code()).isEqualTo(2);
    }

    @Test
    void planModeAndRunSection() throws Exception {
        copyTree(RES.resolve("composer-blocked"), dir.resolve("app"));
        Files.copy(RES.resolve("npm-v3/package.json"), dir.resolve("app/package.json"));
        Files.copy(RES.resolve("npm-v3/package-lock.json"), dir.resolve("app/package-lock.json"));
        copyTree(RES.resolve("metadata"), dir.resolve("metadata"));
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                dependencies:
                  dir: app
                  targets: {laravel/framework: "11.*", php: "8.3", node: "20"}
                  metadata: [metadata/laravel-framework.json, metadata/spatie-laravel-permission.json]
                  npm_outdated: false
                """);
        CliRun r = run("deps");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("Dependency review of " + dir.resolve("app"), "spatie/laravel-permission 5.11.1",
                "fix: 6.4.0", "@academy/legacy-charts 2.1.0 [npm]");
        CliRun run = run("run");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("NO-GO", "deps", "FAILED", "acme/legacy-pdf: requires php >=7.4 <8.3");
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "t@h", Clock.systemUTC())) {
            assertThat(ledger.latest("deps", "demo").orElseThrow().outcome()).isEqualTo(Outcome.FAILED);
        }
    }

    @Test
    void planWithoutTheSectionAndPlanProblems() throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), "version: 1\nproject: {name: demo}\n");
        CliRun none = run("deps");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("the plan has no 'dependencies' section");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                dependencies:
                  dir: missing
                  targets: {php: "~>8.3", nodejs: "20"}
                  metadata: nope.json
                  npm_outdated: yes
                  flutter: {environment: agents}
                  extra: 1
                """);
        CliRun v = run("validate");
        assertThat(v.code()).isEqualTo(2);
        assertThat(v.err()).contains("preflight.yaml:4:8: dependencies.dir: no such directory",
                "dependencies.targets.php:", "dependencies.targets.nodejs: unknown target 'nodejs'",
                "dependencies.metadata: no such file", "dependencies.npm_outdated: expected true or false",
                "dependencies.flutter.environment: no environment 'agents'", "unknown key 'extra'");
    }

    @Test
    void academyExampleRunsAsShipped() throws Exception {
        Path academy = Path.of("examples/academy").toAbsolutePath();
        copyTree(academy, dir.resolve("academy"));
        Path plan = dir.resolve("academy/preflight.yaml");
        // Offline in tests: the shipped example asks for npm outdated, which needs the registry.
        Files.writeString(plan, Files.readString(plan).replace("npm_outdated: true", "npm_outdated: false"));
        assertThat(run("--plan", plan.toString(), "validate").code()).isZero();
        CliRun r = run("--plan", plan.toString(), "deps");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("targets: laravel/framework 11.*, php 8.3.*, node 20",
                "spatie/laravel-permission 5.11.1 [composer]", "fix: 6.4.0", "mockery/mockery 1.6.8 [composer] (dev-only)",
                "@academy/legacy-charts 2.1.0 [npm]", "forward check: laravel/framework v11.31.0", "BLOCKED: 12 blocker(s)");
    }

    @Test
    void malformedLockInPlanModeIsExitTwoAndARecordedError() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/composer.lock"), "{\n  \"packages\": [\n    {\"name\": \"a/b\",");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: demo}
                dependencies: {dir: app, targets: {php: "8.3"}}
                """);
        CliRun r = run("deps");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(dir.resolve("app/composer.lock") + ":3:", "not valid JSON");
        CliRun run = run("run");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("NO-GO", "ERROR");
        try (Ledger ledger = Ledgers.open(null, dir, Secrets.none(), "t@h", Clock.systemUTC())) {
            assertThat(ledger.latest("deps", "demo").orElseThrow().outcome()).isEqualTo(Outcome.ERROR);
        }
    }
}
