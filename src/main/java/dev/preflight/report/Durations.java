package dev.preflight.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Durations as people read them in reports and messages. One place, so that a max age, an age and
 * a timeout are written the same way by every capability.
 */
public final class Durations {
    private Durations() {
    }

    /**
     * {@code 24h}, {@code 7d}, {@code 90m}, {@code 45s}: a duration as plans write them (whole days
     * from two days up, else the largest whole unit). Negative durations read as zero.
     */
    public static String plan(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s % 86400 == 0 && s >= 2 * 86400) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /**
     * {@code 1.234}: seconds with exactly three decimals, to the millisecond (truncated), as JUnit
     * XML writes a time.
     */
    public static String secondsWithMillis(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY).toPlainString();
    }
}
