package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Composer analysis on lock fixtures built for each case the review must catch. */
class ComposerAnalysisTest {
    static final Path RES = Path.of("src/test/resources/deps");

    static PackagistMetadata allMetadata() {
        return PackagistMetadata.load(List.of(RES.resolve("metadata/laravel-framework.json"),
                RES.resolve("metadata/spatie-laravel-permission.json"), RES.resolve("metadata/spatie-laravel-ignition.json"),
                RES.resolve("metadata/mockery-mockery.json")));
    }

    private ComposerAnalysis analysis(String dir, PackagistMetadata meta) {
        ComposerFiles.Root root = JsonFiles.read(RES.resolve(dir).resolve("composer.json"), ComposerFiles.Root.class);
        ComposerFiles.Lock lock = JsonFiles.read(RES.resolve(dir).resolve("composer.lock"), ComposerFiles.Lock.class);
        Map<String, ComposerConstraint> targets = new LinkedHashMap<>();
        targets.put("laravel/framework", ComposerConstraint.parse("11.*"));
        return new ComposerAnalysis(root, lock, targets, ComposerConstraint.parse("8.3.*"), "8.3.*", meta);
    }

    private static List<Finding> about(List<Finding> all, String subject, String kind) {
        return all.stream().filter(f -> f.subject().equals(subject) && f.kind().equals(kind)).toList();
    }

    @Test
    void blockerThroughIlluminateSupportIsDevOnlyWithTheLowestFix() {
        List<Finding> f = analysis("composer-blocked", allMetadata()).run();
        List<Finding> ignition = about(f, "spatie/laravel-ignition", "requires");
        assertThat(ignition).hasSize(1);
        Finding b = ignition.get(0);
        assertThat(b.severity()).isEqualTo(Severity.BLOCKER);
        assertThat(b.devOnly()).isTrue();
        assertThat(b.chain()).containsExactly("root", "spatie/laravel-ignition 2.3.1", "illuminate/support ^10.0");
        assertThat(b.message()).contains("excludes laravel/framework 11.* entirely", "illuminate/support is part of laravel/framework");
        assertThat(b.fix()).isEqualTo("2.4.2");
    }

    @Test
    void everyIlluminateRequirementOfAPackageIsABlockerWithTheSameFix() {
        List<Finding> perm = about(analysis("composer-blocked", allMetadata()).run(), "spatie/laravel-permission", "requires");
        assertThat(perm).hasSize(4).allMatch(x -> x.severity() == Severity.BLOCKER && !x.devOnly()
                && "6.4.0".equals(x.fix()));
        assertThat(perm).extracting(x -> x.chain().get(2)).contains("illuminate/auth ^7.0|^8.0|^9.0|^10.0");
    }

    @Test
    void partialOverlapIsAWarningShowingWhatIsLeft() {
        List<Finding> sso = about(analysis("composer-blocked", allMetadata()).run(), "academy/sso-bridge", "requires");
        assertThat(sso).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).contains("allows only part of laravel/framework 11.*", ">=11.9.0.0-dev <12.0.0.0-dev");
            assertThat(x.fix()).isNull();
        });
    }

    @Test
    void conflictsInBothDirections() {
        List<Finding> f = analysis("composer-blocked", allMetadata()).run();
        assertThat(about(f, "acme/queue-tools", "conflict")).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.BLOCKER);
            assertThat(x.message()).contains("conflicts with laravel/framework >=11.0, which covers all of laravel/framework 11.*");
        });
        assertThat(about(f, "mockery/mockery", "conflict")).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.BLOCKER);
            assertThat(x.devOnly()).isTrue();
            assertThat(x.message()).contains("laravel/framework v11.31.0 conflicts with mockery/mockery 1.6.8");
            assertThat(x.fix()).isEqualTo("1.6.9");
        });
    }

    @Test
    void phpRequirementsAndThePlatformOverride() {
        List<Finding> f = analysis("composer-blocked", allMetadata()).run();
        assertThat(about(f, "acme/legacy-pdf", "php")).singleElement()
                .satisfies(x -> assertThat(x.severity()).isEqualTo(Severity.BLOCKER));
        assertThat(about(f, "spatie/laravel-permission", "php")).isEmpty();
        List<Finding> platform = about(f, "root", "platform");
        assertThat(platform).extracting(Finding::severity).containsExactlyInAnyOrder(Severity.WARNING, Severity.BLOCKER);
        assertThat(platform).anySatisfy(x -> assertThat(x.message()).contains("config.platform.php is 8.1.27", "hiding the real version"));
        assertThat(platform).anySatisfy(x -> assertThat(x.message())
                .contains("config.platform.php 8.1.27 does not satisfy laravel/framework v11.31.0's php ^8.2"));
    }

    @Test
    void forwardCheckFindsPinsAndCoUpgradesAndHonoursBranchAliases() {
        List<Finding> f = analysis("composer-blocked", allMetadata()).run();
        assertThat(about(f, "root", "forward")).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.BLOCKER);
            assertThat(x.message()).contains("requires symfony/mailer ^6.4, but laravel/framework v11.31.0 needs symfony/mailer ^7.0.3");
        });
        assertThat(about(f, "symfony/console", "upgrade")).singleElement()
                .satisfies(x -> assertThat(x.severity()).isEqualTo(Severity.INFO));
        // laravel/prompts is locked at dev-main, aliased to 0.1.x-dev, which satisfies ^0.1.18: no finding.
        assertThat(f).noneMatch(x -> x.subject().equals("laravel/prompts"));
        assertThat(about(f, "root", "requires")).singleElement().satisfies(x -> assertThat(x.message())
                .contains("requires laravel/framework ^10.10, which excludes laravel/framework 11.* entirely"));
    }

    @Test
    void withoutMetadataTheForwardCheckIsSkippedAndSaysWhy() {
        ComposerAnalysis a = analysis("composer-blocked", PackagistMetadata.none());
        List<Finding> f = a.run();
        assertThat(f).noneMatch(x -> x.kind().equals("forward") || x.fix() != null);
        assertThat(a.notes()).anySatisfy(n -> assertThat(n).contains("forward check skipped for laravel/framework 11.*",
                "no Packagist metadata file given"));
        // the replace list then comes from the locked laravel/framework
        assertThat(a.notes()).anySatisfy(n -> assertThat(n).contains("from the locked laravel/framework v10.48.4"));
        assertThat(about(f, "spatie/laravel-ignition", "requires")).hasSize(1);
    }

    @Test
    void cleanLockHasNoBlockerAndNoWarning() {
        ComposerAnalysis a = analysis("composer-clean", allMetadata());
        List<Finding> f = a.run();
        assertThat(f).noneMatch(x -> x.severity() != Severity.INFO);
        assertThat(a.notes()).anySatisfy(n -> assertThat(n).contains("forward check: laravel/framework v11.31.0"));
    }

    @Test
    void branchAliasesAndDefaultBranchesCountAsVersions() {
        ComposerFiles.Lock lock = JsonFiles.read(RES.resolve("composer-blocked/composer.lock"), ComposerFiles.Lock.class);
        ComposerFiles.Pkg prompts = lock.packages().stream().filter(p -> p.name().equals("laravel/prompts")).findFirst().orElseThrow();
        assertThat(prompts.versions(List.of())).containsExactly("dev-main", "0.1.9999999.9999999-dev");
        ComposerFiles.Pkg def = new ComposerFiles.Pkg("a/b", "dev-trunk", null, null, null, null, null, null, true);
        assertThat(def.versions(List.of())).containsExactly("dev-trunk", "9999999-dev");
        ComposerFiles.Pkg inline = new ComposerFiles.Pkg("a/b", "dev-feature", null, null, null, null, null, null, null);
        assertThat(inline.versions(List.of(new ComposerFiles.LockAlias("a/b", "dev-feature", "1.0.0", "1.0.0.0"))))
                .containsExactly("dev-feature", "1.0.0.0");
    }

    @Test
    void unreadableLockedVersionsAndSelfVersionRequirements(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("composer.lock"), """
                {"packages": [
                  {"name": "laravel/framework", "version": "v10.48.4", "replace": {"illuminate/support": "self.version"}},
                  {"name": "odd/pkg", "version": "1.0.1-SNAPSHOT", "require": {"illuminate/support": "^10.0"}},
                  {"name": "illuminate/split", "version": "v10.48.4", "require": {"illuminate/support": "self.version"}}
                ]}
                """);
        ComposerFiles.Lock lock = JsonFiles.read(dir.resolve("composer.lock"), ComposerFiles.Lock.class);
        ComposerFiles.Root root = new ComposerFiles.Root(null, Map.of("laravel/framework", "^10.0"), null, null, null, null);
        Map<String, ComposerConstraint> targets = Map.of("laravel/framework", ComposerConstraint.parse("11.*"));
        List<Finding> f = new ComposerAnalysis(root, lock, targets, null, null, PackagistMetadata.none()).run();
        assertThat(about(f, "odd/pkg", "unparsed")).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("locked version cannot be read", "1.0.1-SNAPSHOT"));
        // self.version is the requirer's own version (10.48.4), which excludes 11.*
        assertThat(about(f, "illuminate/split", "requires")).singleElement()
                .satisfies(x -> assertThat(x.severity()).isEqualTo(Severity.BLOCKER));
    }
}
