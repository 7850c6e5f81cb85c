package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.PreflightException;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engines.node in lockfile v2 and v3, v1 refused, malformed locks, and npm outdated through a fake runner. */
class NpmAnalysisTest {
    static final Path RES = Path.of("src/test/resources/deps");
    static final NpmRange NODE20 = NpmRange.parse("20");

    @TempDir
    Path dir;

    /** A runner that answers one canned result and records what it was asked to run. */
    static final class CannedRunner implements ProcessRunner {
        final ProcessResult answer;
        final List<ProcessSpec> asked = new ArrayList<>();

        CannedRunner(int exit, String stdout, String stderr) {
            answer = new ProcessResult(exit, stdout, stderr, false, false, stdout.length(), Duration.ofMillis(5), null);
        }

        @Override
        public ProcessResult run(ProcessSpec spec) {
            asked.add(spec);
            return answer;
        }

        @Override
        public ProcessResult stream(ProcessSpec spec, OutputStream sink) {
            throw new UnsupportedOperationException("not used");
        }

        @Override
        public String target() {
            return "local";
        }
    }

    @Test
    void lockfileV3EnginesBlockerWarningAndNestedDevOnlyChain() {
        NpmAnalysis.Result r = NpmAnalysis.engines(RES.resolve("npm-v3"), NODE20, "20");
        List<Finding> blockers = r.findings().stream().filter(f -> f.severity() == Severity.BLOCKER).toList();
        assertThat(blockers).extracting(Finding::subject).containsExactlyInAnyOrder("@academy/legacy-charts", "picocolors");
        Finding charts = blockers.stream().filter(f -> f.subject().equals("@academy/legacy-charts")).findFirst().orElseThrow();
        assertThat(charts.chain()).containsExactly("root", "@academy/legacy-charts 2.1.0", "engines.node >=12 <19");
        assertThat(charts.devOnly()).isFalse();
        assertThat(charts.message()).isEqualTo("engines.node >=12 <19 excludes node 20");
        Finding pico = blockers.stream().filter(f -> f.subject().equals("picocolors")).findFirst().orElseThrow();
        assertThat(pico.devOnly()).isTrue();
        assertThat(pico.subjectVersion()).isEqualTo("0.2.1");
        assertThat(pico.chain()).containsExactly("root", "laravel-vite-plugin 1.0.2", "vite-plugin-full-reload 1.1.0",
                "picocolors 0.2.1", "engines.node >=8 <18");
        assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.WARNING).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("sharp");
            assertThat(f.message()).contains("allows only part of node 20", ">=20.3.0 <21.0.0-0");
        });
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("11 locked package(s)", "lockfile v3"));
    }

    @Test
    void lockfileV2EnginesBlocker() {
        NpmAnalysis.Result r = NpmAnalysis.engines(RES.resolve("npm-v2"), NODE20, "20");
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.BLOCKER);
            assertThat(f.subject()).isEqualTo("@academy/pdf-preview");
            assertThat(f.chain()).containsExactly("root", "@academy/pdf-preview 0.4.2", "engines.node ~16.14");
        });
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("lockfile v2"));
    }

    @Test
    void lockfileV1CannotPassTheNodeTarget() {
        // It passed with a note: a review that read no engines said nothing blocked node 20.
        assertThatThrownBy(() -> NpmAnalysis.engines(RES.resolve("npm-v1"), NODE20, "20"))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("lockfile v1 (npm 6): it records no engines, so the node target cannot be checked")
                .satisfies(e -> assertThat(((PreflightException) e).exitCode().code()).isEqualTo(2));
    }

    /**
     * An engines.node npm cannot read as a range (a number, a list inside the object) was skipped
     * without a word, and the package counted among those "checked for engines.node".
     */
    @Test
    void anEnginesNodeThatIsNotARangeStringIsNotSilentlySkipped() throws Exception {
        Files.writeString(dir.resolve("package-lock.json"), """
                {"lockfileVersion": 3, "packages": {
                  "": {"name": "app"},
                  "node_modules/a": {"version": "1.0.0", "engines": {"node": 16}},
                  "node_modules/b": {"version": "2.0.0", "engines": {"node": [">=22"]}},
                  "node_modules/c": {"version": "3.0.0", "engines": {"node": null}}
                }}
                """);
        NpmAnalysis.Result r = NpmAnalysis.engines(dir, NODE20, "20");
        assertThat(r.findings()).extracting(Finding::subject, Finding::severity, Finding::message).containsExactly(
                Tuple.tuple("a", Severity.WARNING, "engines.node 16 is not a range string; not checked"),
                Tuple.tuple("b", Severity.WARNING, "engines.node [\">=22\"] is not a range string; not checked"));
    }

    @Test
    void malformedPackageLockNamesFileAndPosition() throws Exception {
        Files.writeString(dir.resolve("package-lock.json"), "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"x\"");
        assertThatThrownBy(() -> NpmAnalysis.engines(dir, NODE20, "20")).isInstanceOf(PreflightException.class)
                .hasMessageStartingWith(dir.resolve("package-lock.json") + ":4:").hasMessageContaining("not valid JSON");
        Files.writeString(dir.resolve("package-lock.json"), "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": "
                + "{\"version\": \"1.0.0\", \"dependencies\": \"b\"}}}");
        assertThatThrownBy(() -> NpmAnalysis.engines(dir, NODE20, "20"))
                .hasMessageStartingWith(dir.resolve("package-lock.json") + ":1:")
                .hasMessageContaining("packages.node_modules/a.dependencies", "wrong type");
    }

    @Test
    void npmOutdatedExitOneIsAResultNotAnError() throws Exception {
        CannedRunner runner = new CannedRunner(1, """
                {"vite": {"current": "5.1.4", "wanted": "5.4.11", "latest": "6.0.1", "dependent": "academy-frontend",
                          "location": "node_modules/vite"},
                 "axios": {"current": "1.6.7", "wanted": "1.7.8", "latest": "1.7.8", "location": "node_modules/axios"}}
                """, "");
        NpmAnalysis.OutdatedResult r = NpmAnalysis.outdated(runner, dir, Duration.ofSeconds(30));
        assertThat(r.skipped()).isNull();
        assertThat(r.outdated()).extracting(DepsResult.Outdated::name, DepsResult.Outdated::latest)
                .containsExactly(Tuple.tuple("vite", "6.0.1"), Tuple.tuple("axios", "1.7.8"));
        assertThat(runner.asked.get(0).argv()).startsWith("npm", "outdated", "--json");
        assertThat(runner.asked.get(0).workDir()).isEqualTo(dir.toString());
    }

    @Test
    void unreachableRegistryOrMissingNpmIsSkippedWithTheReason() throws Exception {
        CannedRunner offline = new CannedRunner(1, """
                {"error": {"code": "ENOTFOUND", "summary": "request to https://registry.npmjs.org/vite failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org", "detail": ""}}
                """, "npm ERR! code ENOTFOUND");
        NpmAnalysis.OutdatedResult r = NpmAnalysis.outdated(offline, dir, Duration.ofSeconds(30));
        assertThat(r.outdated()).isEmpty();
        assertThat(r.skipped()).startsWith("registry unreachable (ENOTFOUND: request to https://registry.npmjs.org/vite failed");
        assertThat(NpmAnalysis.outdated(new CannedRunner(127, "", "npm: not found"), dir, Duration.ofSeconds(30)).skipped())
                .isEqualTo("npm is not installed on this machine");
        assertThat(NpmAnalysis.outdated(new CannedRunner(0, "{}", ""), dir, Duration.ofSeconds(30)))
                .satisfies(x -> assertThat(x.skipped()).isNull()).satisfies(x -> assertThat(x.outdated()).isEmpty());
        assertThat(NpmAnalysis.outdated(new CannedRunner(254, "", "npm ERR! enoent"), dir, Duration.ofSeconds(30)).skipped())
                .isEqualTo("npm outdated exited 254: npm ERR! enoent");
    }
}
