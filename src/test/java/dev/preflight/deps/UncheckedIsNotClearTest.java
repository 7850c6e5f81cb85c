package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Verdict;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A review that could not read something did not check it: a locked version or constraint it cannot
 * parse, an engines.node that is not a range. Those were warnings, and the review was CLEAR WITH
 * WARNINGS, which readiness takes as GO; now the review is NOT FULLY CHECKED (exit 3, NO-GO).
 */
class UncheckedIsNotClearTest {
    @Test
    void aVersionTheReviewCouldNotReadIsNotFullyChecked(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("composer.lock"), """
                {"packages": [
                  {"name": "laravel/framework", "version": "v10.48.4"},
                  {"name": "odd/pkg", "version": "1.0.1-SNAPSHOT", "require": {"laravel/framework": "^10.0"}}
                ]}
                """);
        ComposerFiles.Lock lock = JsonFiles.read(dir.resolve("composer.lock"), ComposerFiles.Lock.class);
        ComposerFiles.Root root = new ComposerFiles.Root(null, Map.of("laravel/framework", "^10.0"), null, null, null, null);
        List<Finding> f = new ComposerAnalysis(root, lock, Map.of("laravel/framework", ComposerConstraint.parse("11.*")),
                null, null, PackagistMetadata.none()).run();
        assertThat(f).anyMatch(x -> x.kind().equals(DepsResult.UNPARSED) && x.subject().equals("odd/pkg"));
        DepsResult r = new DepsResult(dir.toString(), Map.of("laravel/framework", "11.*"),
                f.stream().filter(x -> x.severity() != Severity.BLOCKER).toList(), List.of(), List.of(), List.of());
        assertThat(r.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(r.label()).isEqualTo("NOT FULLY CHECKED");
        assertThat(r.exitCode()).isEqualTo(3);
    }

    @Test
    void aWarningThatWasCheckedStaysClearWithWarnings() {
        Finding partial = new Finding(Severity.WARNING, "composer", "requires", "acme/a", "1.0.0", "laravel/framework 11.*",
                List.of("acme/a 1.0.0"), false, "allows only part of the target range", null);
        DepsResult r = new DepsResult("dir", Map.of(), List.of(partial), List.of(), List.of(), List.of());
        assertThat(r.verdict()).isEqualTo(Verdict.WARNINGS);
    }
}
