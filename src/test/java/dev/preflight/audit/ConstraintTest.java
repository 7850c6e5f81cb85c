package dev.preflight.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

/** Real version semantics: the runbook's substring matching would pass several of these wrongly. */
class ConstraintTest {
    @ParameterizedTest(name = "{0} vs ''{1}'' -> {2}")
    @CsvFileSource(resources = "/audit/constraints.csv", delimiter = ';', numLinesToSkip = 1)
    void table(String version, String constraint, boolean expected) {
        assertThat(Constraint.parse(constraint).test(Version.parse(version)))
                .as("%s satisfies '%s' (normalised: %s)", version, constraint, Constraint.parse(constraint).normalized())
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "20;>=20 <21",
        "8.3;>=8.3 <8.4",
        "8.0.36;>=8.0.36 <8.0.37",
        "^1.2.3;>=1.2.3 <2",
        "~1.2.3;>=1.2.3 <1.3",
        "8.x;>=8 <9",
        "1.2 - 2.3;>=1.2 <2.4",
        "7.4 || >= 8.3;>=7.4 <7.5 || >=8.3",
    })
    void normalisedForm(String constraint, String normalized) {
        assertThat(Constraint.parse(constraint).normalized()).isEqualTo(normalized);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"abc;0", ">=8.0 || ;8", "8.*.3;0", ">=;0", "'';0", ">*;0"})
    void parseErrorsCarryAPosition(String constraint, int index) {
        assertThatThrownBy(() -> Constraint.parse(constraint))
                .isInstanceOf(Constraint.ParseException.class)
                .satisfies(e -> assertThat(((Constraint.ParseException) e).index()).isEqualTo(index));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v20.11.1|20.11.1|||",
        "8.0.36-0ubuntu0.22.04.1|8.0.36||0ubuntu0.22.04.1|",
        "2.1.0-rc.1|2.1.0|rc.1||",
        "8.5.0-r0|8.5.0||r0|",
    })
    void versionsKeepTheirRawTextAndSplitSuffixes(String raw, String numeric, String pre, String build, String unused) {
        Version v = Version.parse(raw);
        assertThat(v.raw()).isEqualTo(raw);
        assertThat(String.join(".", v.parts().stream().map(String::valueOf).toList())).isEqualTo(numeric);
        assertThat(v.preRelease()).isEqualTo(pre);
        assertThat(v.build()).isEqualTo(build);
    }
}
