package dev.preflight.deps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.deps.ComposerConstraint.Overlap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Composer constraints against the golden table, normalisation facts from Composer's docs/tests, and overlap. */
class ComposerConstraintTest {
    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvFileSource(resources = "/deps/composer-constraints.csv", delimiter = ';', numLinesToSkip = 1)
    void goldenTable(String constraint, String version, boolean expected) {
        assertThat(ComposerConstraint.parse(constraint).matches(ComposerVersion.normalize(version)))
                .as("%s vs %s (%s)", constraint, version, ComposerConstraint.parse(constraint).describe())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "normalize {0} = {1}")
    @CsvSource(delimiter = ';', value = {
        "1.0.0;1.0.0.0", "1.2.3.4;1.2.3.4", "1.0.0RC1dev;1.0.0.0-RC1-dev", "1.0.0-rC15-dev;1.0.0.0-RC15-dev",
        "1.0.0.RC.15-dev;1.0.0.0-RC15-dev", "1.0.0-rc1;1.0.0.0-RC1", "1.0.0.pl3-dev;1.0.0.0-patch3-dev",
        "1.0-dev;1.0.0.0-dev", "0;0.0.0.0", "10.4.13-beta;10.4.13.0-beta", "10.4.13beta.2;10.4.13.0-beta2",
        "v1.13.11-beta.0;1.13.11.0-beta0", "10.4.13-b5;10.4.13.0-beta5", "v1.0.0;1.0.0.0", "2010.01;2010.01.0.0",
        "2010.01.02;2010.01.02.0", "v20100102;20100102", "2010-01-02;2010.01.02", "20100102-203040;20100102.203040",
        "201903.0-p2;201903.0-patch2", "dev-master;dev-master", "master;dev-master", "1.x-dev;1.9999999.9999999.9999999-dev",
        "DEV-FOOBAR;dev-FOOBAR", "dev-feature/foo;dev-feature/foo", "dev-master as 1.0.0;dev-master",
        "1.0.0+foo@dev;1.0.0.0", "1.0.0-beta.5+foo;1.0.0.0-beta5", "1.0.0-alpha-2.1-3+foo;1.0.0.0-alpha2.1-3",
        "00.01.03.04;00.01.03.04", "0700;0700.0.0.0", "' 1.0.0';1.0.0.0", "1.2-p.5+foo;1.2.0.0-patch5"})
    void normalisesLikeComposer(String in, String out) {
        assertThat(ComposerVersion.normalize(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "1.0.0-meh", "1.0.0.0.0", "feature-foo", "1.0.0+foo bar", "1.0.1-SNAPSHOT",
        "20100102.0.3.4"})
    void refusesWhatComposerRefuses(String v) {
        assertThatThrownBy(() -> ComposerVersion.normalize(v)).isInstanceOf(ComposerVersion.InvalidVersionException.class);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = ';', value = {
        "~1.2;>=1.2.0.0-dev <2.0.0.0-dev", "~1.2.3;>=1.2.3.0-dev <1.3.0.0-dev", "^0.3;>=0.3.0.0-dev <0.4.0.0-dev",
        "^0.0.3;>=0.0.3.0-dev <0.0.4.0-dev", "1.0 - 2.0;>=1.0.0.0-dev <2.1.0.0-dev", "8.3;==8.3.0.0",
        "0.*;<1.0.0.0-dev", "11.*;>=11.0.0.0-dev <12.0.0.0-dev", ">=1.0@beta;>=1.0.0.0-beta",
        "1.2.3 - 2.3.4.5;>=1.2.3.0-dev <=2.3.4.5", "1.2-beta - 2.3-dev;>=1.2.0.0-beta <=2.3.0.0-dev",
        "~2.0.3.x-dev;>=2.0.3.9999999-dev <2.0.4.0-dev", "^2.0.x-dev;>=2.0.9999999.9999999-dev <3.0.0.0-dev",
        ">=1.1.0-alpha4,<1.2.x-dev;>=1.1.0.0-alpha4 <1.2.9999999.9999999-dev", "1.0.x-dev#trunk/@123;==1.0.9999999.9999999-dev",
        "*.x.*;>=0.0.0.0-dev"})
    void expandsToComposersRanges(String constraint, String ranges) {
        assertThat(ComposerConstraint.parse(constraint).describe()).isEqualTo(ranges);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~>1.2", "1.0.0-meh", ">2.0,,<=3.0", ">2.0 ||| <=3.0", "|| ^1@dev", "^1@dev ||",
        "^2.0.*", "^2.x", "~2.0.x", "~2.*", "1.x - 2.*", "^", "^8 || ^", "~", "1.0#abcd123", "*-dev"})
    void refusesBadConstraints(String c) {
        assertThatThrownBy(() -> ComposerConstraint.parse(c)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} against target {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        // excludes the target range entirely
        "^9.0|^10.0;11.*;NONE", "^10.10;11.*;NONE", ">=8.0 <8.3;8.3.*;NONE", "~8.1.0;8.3.*;NONE", "^7.4;8.3.*;NONE",
        "dev-main;11.*;NONE", "<11.0;11.*;NONE", "12.*;11.*;NONE", "~11.0.0 <11.0.0;11.*;NONE",
        // allows only part of it
        "^11.5;11.*;PART", ">=8.3.4;8.3.*;PART", ">=8.1 <8.3.99;8.3.*;PART", "^10.0|~11.0.0;11.*;PART",
        "!=11.0.3;11.*;PART", "^11.0.0-stable;11.*;PART", ">11.0;11.*;PART", "~11.1;11.*;PART",
        // allows all of it
        "^11.0;11.*;ALL", "^10.0|^11.0;11.*;ALL", "*;11.*;ALL", ">=10;11.*;ALL", "^8.1;8.3.*;ALL", "^7.4|^8.0;8.3.*;ALL",
        "~11.0;11.*;ALL", ">=11.0 <13;11.*;ALL", "11.*|12.*;11.*;ALL", "!=10.0.0;11.*;ALL"})
    void overlapWithATargetRange(String requirement, String target, Overlap expected) {
        assertThat(ComposerConstraint.parse(requirement).overlap(ComposerConstraint.parse(target))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} intersects {1}: {2}")
    @CsvSource(delimiter = ';', value = {"^1.0;^1.5;true", "^1.0;^2.0;false", "<1.2;>=1.2;false", "<=1.2;>=1.2;true",
        "dev-main;dev-main;true", "dev-main;*;true", "dev-main;>=0;false", "!=1.0;1.0;false", "1.0 - 2.0;2.0.5;true"})
    void intersectsIsSymmetric(String a, String b, boolean expected) {
        ComposerConstraint x = ComposerConstraint.parse(a);
        ComposerConstraint y = ComposerConstraint.parse(b);
        assertThat(x.intersects(y)).isEqualTo(expected);
        assertThat(y.intersects(x)).isEqualTo(expected);
    }

    @Test
    void orderFollowsPhpVersionCompare() {
        assertThat(ComposerVersion.compare("1.0.0.0-dev", "1.0.0.0-alpha1")).isNegative();
        assertThat(ComposerVersion.compare("1.0.0.0-alpha1", "1.0.0.0-beta1")).isNegative();
        assertThat(ComposerVersion.compare("1.0.0.0-beta2", "1.0.0.0-RC1")).isNegative();
        assertThat(ComposerVersion.compare("1.0.0.0-RC1", "1.0.0.0")).isNegative();
        assertThat(ComposerVersion.compare("1.0.0.0", "1.0.0.0-patch1")).isNegative();
        assertThat(ComposerVersion.compare("1.0.0.0-beta1-dev", "1.0.0.0-beta1")).isNegative();
        assertThat(ComposerVersion.compare("10.0.0.0", "9.99.0.0")).isPositive();
        assertThat(ComposerVersion.compare("00.01.03.04", "0.1.3.4")).isZero();
    }
}
