package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wordings of {@link Durations} that are pinned here rather than through a capability's golden files. */
class DurationsTest {
    @Test
    void millisIsWholeMillisecondsHoweverLong() {
        assertThat(Durations.millis(Duration.ZERO)).isEqualTo("0 ms");
        assertThat(Durations.millis(Duration.ofMillis(3))).isEqualTo("3 ms");
        assertThat(Durations.millis(Duration.ofSeconds(5))).isEqualTo("5000 ms");
        assertThat(Durations.millis(Duration.ofMinutes(5).plusSeconds(10))).isEqualTo("310000 ms");
        assertThat(Durations.millis(Duration.ofNanos(2_999_999))).isEqualTo("2 ms");
    }

    @Test
    void compactIsEveryUnitThatIsNotZero() {
        assertThat(Durations.compact(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.compact(Duration.ofMinutes(90))).isEqualTo("1h 30m");
        assertThat(Durations.compact(Duration.ofDays(2))).isEqualTo("48h");
        assertThat(Durations.compact(Duration.ofDays(1))).isEqualTo("24h");
        assertThat(Durations.compact(Duration.ofSeconds(12))).isEqualTo("12s");
    }
}
