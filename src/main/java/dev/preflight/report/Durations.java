package dev.preflight.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

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
     * {@code 24h}, {@code 5m}, {@code 1h 30m}, {@code 12s}, {@code 250ms}: a duration in messages and
     * cutover output, every unit that is not zero (whole days from two days up read as hours).
     */
    public static String compact(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        if (s >= 86400 && s % 86400 == 0 && s / 86400 > 1) {
            return (s / 3600) + "h";
        }
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(sb.length() > 0 ? " " : "").append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0) {
            sb.append(sb.length() > 0 ? " " : "").append(s).append('s');
        }
        return sb.toString();
    }

    /**
     * {@code 3 ms}, {@code 5000 ms}, {@code 310000 ms}: whole milliseconds however long, as the cutover
     * writes a measured step or request time and a latency limit beside it (truncated to the millisecond).
     */
    public static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    /** {@code 850 ms}, {@code 4.2 s}, {@code 3 min 5 s}, {@code 2 h 10 min}: a measured time on the page. */
    public static String spoken(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }

    /** {@code 1.25s}: a measured time as seconds with two decimals; {@code -} when there is none. */
    public static String seconds(Duration d) {
        if (d == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fs", d.toMillis() / 1000.0);
    }

    /**
     * {@code 12h}, {@code 30h30m}, {@code 0h45m}: whole hours and the minutes left over, however long
     * (how the gates write a notice's lead time and how early it went out).
     */
    public static String hoursMinutes(Duration d) {
        long m = d.toMinutes();
        return m % 60 == 0 ? (m / 60) + "h" : (m / 60) + "h" + Math.abs(m % 60) + "m";
    }

    /**
     * A time left as people read it: {@link #hoursMinutes} up to two days ({@code 30h30m}), then days
     * and whole hours ({@code 38 days 3 h}).
     */
    public static String hoursOrDays(Duration d) {
        long m = d.toMinutes();
        if (m < 48 * 60) {
            return hoursMinutes(d);
        }
        long h = (m % (24 * 60)) / 60;
        return m / (24 * 60) + " days" + (h > 0 ? " " + h + " h" : "");
    }

    /**
     * {@code 90 min}, {@code 30 h}, {@code 3 days}: an age in one rounded-down unit (minutes below two
     * hours, hours below two days), as the gates describe the evidence a CEL term saw. Negative reads as zero.
     */
    public static String roughAge(Duration d) {
        long m = Math.max(0, d.toMinutes());
        return m < 120 ? m + " min" : m < 48 * 60 ? m / 60 + " h" : m / (24 * 60) + " days";
    }

    /**
     * {@code 1.234}: seconds with exactly three decimals, to the millisecond (truncated), as JUnit
     * XML writes a time.
     */
    public static String secondsWithMillis(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY).toPlainString();
    }
}
