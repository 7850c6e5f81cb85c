package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.deps.ComposerConstraint.Overlap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** npm ranges with node-semver's semantics (which are not the audit's: {@code 8.0.36} is exact here). */
class NpmRangeTest {
    @ParameterizedTest(name = "{0} satisfied by {1}: {2}")
    @CsvFileSource(resources = "/deps/npm-ranges.csv", delimiter = ';', numLinesToSkip = 1)
    void goldenTable(String range, String version, boolean expected) {
        assertThat(NpmRange.parse(range).satisfies(version)).as("%s (%s) vs %s", range, NpmRange.parse(range).describe(),
                version).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = ';', value = {"20;>=20.0.0 <21.0.0-0", "^0.2.3;>=0.2.3 <0.3.0-0", "1.2 - 2.3;>=1.2.0 <2.4.0-0",
        "~1.2.3;>=1.2.3 <1.3.0-0", "<=1.2;<1.3.0-0", ">1.2;>=1.3.0", "8.0.36;==8.0.36", "*;*"})
    void desugarsLikeNodeSemver(String range, String expected) {
        assertThat(NpmRange.parse(range).describe()).isEqualTo(expected);
    }

    @Test
    void emptyRangeIsAny() {
        assertThat(NpmRange.parse("").satisfies("0.0.1")).isTrue();
    }

    @ParameterizedTest(name = "engines {0} against node 20: {1}")
    @CsvSource(delimiter = ';', value = {">=10 <20;NONE", "^18.0.0;NONE", "<=18;NONE", "14 || 16 || 18;NONE",
        "^18.17.0 || ^20.3.0 || >=21.0.0;PART", ">=20.11;PART", "~20.1;PART",
        ">=18;ALL", "^18.0.0 || >=20.0.0;ALL", "20.x;ALL", "*;ALL", ">=14.17.0 <21;ALL", "^20;ALL"})
    void enginesAgainstNode20(String engines, Overlap expected) {
        assertThat(NpmRange.parse(engines).overlap(NpmRange.parse("20"))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", ">=a.b", "1.2.3.4", "^"})
    void refusesGarbage(String r) {
        assertThatThrownBy(() -> NpmRange.parse(r)).isInstanceOf(IllegalArgumentException.class);
    }
}
