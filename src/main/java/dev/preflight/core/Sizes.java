package dev.preflight.core;

import java.util.Locale;

/**
 * Byte counts as people read them, in binary units, the same in progress lines, the backup log,
 * reports and the readiness page. In core because the progress line needs it too.
 */
public final class Sizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Sizes() {
    }

    /** {@code 512 B}, {@code 13.5 KiB}, {@code 1.2 MiB}: one decimal from a KiB up. */
    public static String binary(long bytes) {
        return format(bytes, false);
    }

    /**
     * {@code 512 B}, {@code 5.3 MiB}, {@code 14 KiB}: two significant figures for chart labels, where
     * a column of numbers must stay narrow.
     */
    public static String label(long bytes) {
        return format(bytes, true);
    }

    private static String format(long bytes, boolean narrow) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, narrow && v >= 10 ? "%.0f %s" : "%.1f %s", v, UNITS[u]);
    }
}
