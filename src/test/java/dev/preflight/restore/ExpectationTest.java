package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The plan's {@code expect} forms. */
class ExpectationTest {
    private static final Instant BACKUP = Instant.parse("2026-01-05T01:30:00Z");

    @Test
    void comparisons() {
        assertThat(Expectation.parse("> 0").mismatch("3", BACKUP)).isNull();
        assertThat(Expectation.parse("> 0").mismatch("0", BACKUP)).isEqualTo("got 0, expected > 0");
        assertThat(Expectation.parse(">= 2.5").mismatch("2.50", BACKUP)).isNull();
        assertThat(Expectation.parse("< 10").mismatch("10", BACKUP)).isNotNull();
        assertThat(Expectation.parse("<= 10").mismatch("10", BACKUP)).isNull();
        assertThat(Expectation.parse("!= 0").mismatch("0", BACKUP)).isNotNull();
        assertThat(Expectation.parse("!= done").mismatch("pending", BACKUP)).isNull();
        assertThat(Expectation.parse("> 0").mismatch("NULL", BACKUP)).contains("not a number");
        assertThatThrownBy(() -> Expectation.parse("> lots")).hasMessageContaining("not a number");
    }

    @Test
    void exactValues() {
        assertThat(Expectation.parse("42").mismatch("42", BACKUP)).isNull();
        assertThat(Expectation.parse("= ok").mismatch("ok", BACKUP)).isNull();
        assertThat(Expectation.parse("= ok").mismatch("OK", BACKUP)).isEqualTo("got 'OK', expected 'ok'");
    }

    @Test
    void freshnessIsMeasuredFromTheBackupNotFromNow() {
        Expectation e = Expectation.parse("within 24h of backup");
        assertThat(e.mismatch("2026-01-04 02:00:00", BACKUP)).isNull();
        assertThat(e.mismatch("2026-01-05 01:45:00", BACKUP)).isNull();
        assertThat(e.mismatch("2026-01-03 23:00:00", BACKUP)).contains("26h before the backup");
        assertThat(e.mismatch("NULL", BACKUP)).contains("got NULL");
        assertThat(Expectation.parse("within 30m").mismatch("2026-01-05 01:00:00", BACKUP)).isNull();
    }
}
