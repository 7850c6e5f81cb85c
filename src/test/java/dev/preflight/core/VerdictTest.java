package dev.preflight.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.ledger.Outcome;
import dev.preflight.run.SectionResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one verdict and its three mappings (docs/architecture.md). */
class VerdictTest {
    @Test
    void exitCodesFollowTheContract() {
        assertThat(Verdict.PASSED.exitCode().code()).isZero();
        assertThat(Verdict.WARNINGS.exitCode().code()).isZero();
        assertThat(Verdict.FAILED.exitCode().code()).isEqualTo(1);
        assertThat(Verdict.INCOMPLETE.exitCode().code()).isEqualTo(3);
    }

    @Test
    void theWorseVerdictWins() {
        assertThat(Verdict.PASSED.and(Verdict.WARNINGS)).isEqualTo(Verdict.WARNINGS);
        assertThat(Verdict.FAILED.and(Verdict.WARNINGS)).isEqualTo(Verdict.FAILED);
        assertThat(Verdict.FAILED.and(Verdict.INCOMPLETE)).isEqualTo(Verdict.INCOMPLETE);
        assertThat(Verdict.worst(List.of(Verdict.PASSED, Verdict.FAILED, Verdict.WARNINGS), Verdict.PASSED))
                .isEqualTo(Verdict.FAILED);
        // Nothing checked is whatever the caller decides, never silently a pass.
        assertThat(Verdict.worst(List.of(), Verdict.WARNINGS)).isEqualTo(Verdict.WARNINGS);
    }

    @Test
    void ledgerOutcomes() {
        assertThat(Outcome.of(Verdict.PASSED)).isEqualTo(Outcome.PASSED);
        assertThat(Outcome.of(Verdict.WARNINGS)).isEqualTo(Outcome.WARNING);
        assertThat(Outcome.of(Verdict.FAILED)).isEqualTo(Outcome.FAILED);
        assertThat(Outcome.of(Verdict.INCOMPLETE)).isEqualTo(Outcome.ERROR);
        for (Verdict v : Verdict.values()) {
            assertThat(Outcome.of(v).isGood()).as(v.label()).isEqualTo(v.good());
        }
    }

    @Test
    void runSections() {
        assertThat(SectionResult.of("audit", Verdict.WARNINGS, "ok", List.of())).isInstanceOf(SectionResult.Passed.class);
        assertThat(SectionResult.of("audit", Verdict.FAILED, "2 failed", List.of("a", "b")))
                .isEqualTo(new SectionResult.Failed("audit", "2 failed", List.of("a", "b")));
        assertThat(SectionResult.of("audit", Verdict.INCOMPLETE, "unreachable", List.of()))
                .isInstanceOf(SectionResult.Error.class);
        // What could not be checked is still named: an error has no reason list, so its summary carries them.
        assertThat(SectionResult.of("deps", Verdict.INCOMPLETE, "review incomplete", List.of("flutter on ci-1: unreachable")))
                .isEqualTo(new SectionResult.Error("deps", "review incomplete: flutter on ci-1: unreachable"));
    }

    @Test
    void serialisedInLowerCase() {
        assertThat(Json.canonical(List.of(Verdict.INCOMPLETE))).isEqualTo("[\"incomplete\"]");
    }
}
