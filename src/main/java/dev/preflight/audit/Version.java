package dev.preflight.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool version as found on a host, kept with its raw text for display. Ordering: numeric parts
 * numerically (missing parts are 0); a pre-release ({@code -rc1}, {@code -beta.2}, {@code -dev},
 * {@code -ea} of a JDK, {@code -nightly…} and {@code -v8-canary…} of Node)
 * sorts below its release; a distro or build suffix ({@code -0ubuntu0.22.04.1}, {@code -r0},
 * {@code -91}, {@code +deb12u1}) sorts EQUAL to its release, because it repackages that release:
 * {@code 8.0.36-0ubuntu0.22.04.1} satisfies {@code >=8.0.36} (Goss #920 and InSpec #3810 read
 * such suffixes as pre-releases and got this wrong).
 *
 * @param raw        the text as found, e.g. {@code v20.11.1} or {@code 8.1.2-1ubuntu2.14}
 * @param parts      numeric parts, e.g. [8, 1, 2]
 * @param preRelease pre-release tag, or null
 * @param build      distro/build suffix, or null
 */
public record Version(String raw, List<Long> parts, String preRelease, String build) implements Comparable<Version> {
    private static final Pattern SHAPE = Pattern.compile("^[vV]?(\\d+(?:\\.\\d+)*)(?:([-.+~_]?)(.+))?$");
    private static final Pattern PRE = Pattern.compile(
            "^(dev|alpha|a|beta|b|pre|preview|rc|cr|snapshot|m|ea|nightly|canary)[-.]?(\\d*)(?:[-.+].*)?$",
            Pattern.CASE_INSENSITIVE);
    /**
     * Builds made before their release wherever the word stands in the suffix: Node's nightlies
     * ({@code v20.0.0-nightly20230101abc}) and V8 canaries ({@code v21.0.0-v8-canary2023...}). Read
     * as build suffixes, they sorted equal to the release and a nightly passed {@code >=20.0.0}.
     */
    private static final Pattern PRE_ANYWHERE = Pattern.compile("(?i)(?:^|[-.])(?:nightly|canary)");

    public Version {
        parts = List.copyOf(parts);
    }

    /**
     * Parses a version.
     *
     * @throws IllegalArgumentException when the text does not start with a number (after an optional v)
     */
    public static Version parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = SHAPE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a version: '" + t + "'");
        }
        List<Long> parts = new ArrayList<>();
        for (String p : m.group(1).split("\\.")) {
            parts.add(Long.parseLong(p.length() > 18 ? p.substring(0, 18) : p));
        }
        String suffix = m.group(3);
        String pre = null;
        String build = null;
        if (suffix != null) {
            if (!"+".equals(m.group(2)) && (PRE.matcher(suffix).matches() || PRE_ANYWHERE.matcher(suffix).find())) {
                pre = suffix;
            } else {
                build = suffix;
            }
        }
        return new Version(t, parts, pre, build);
    }

    public long part(int i) {
        return i < parts.size() ? parts.get(i) : 0;
    }

    public boolean isPreRelease() {
        return preRelease != null;
    }

    /** Compares numeric parts only (pre-release and build ignored). */
    public int compareNumeric(Version o) {
        int n = Math.max(parts.size(), o.parts.size());
        for (int i = 0; i < n; i++) {
            int c = Long.compare(part(i), o.part(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public int compareTo(Version o) {
        int c = compareNumeric(o);
        if (c != 0) {
            return c;
        }
        if (preRelease == null || o.preRelease == null) {
            return preRelease == null ? (o.preRelease == null ? 0 : 1) : -1;
        }
        return comparePre(preRelease, o.preRelease);
    }

    private static int comparePre(String a, String b) {
        Matcher ma = PRE.matcher(a);
        Matcher mb = PRE.matcher(b);
        if (ma.matches() && mb.matches()) {
            int c = Integer.compare(rank(ma.group(1)), rank(mb.group(1)));
            if (c != 0) {
                return c;
            }
            long na = ma.group(2).isEmpty() ? 0 : Long.parseLong(ma.group(2));
            long nb = mb.group(2).isEmpty() ? 0 : Long.parseLong(mb.group(2));
            return Long.compare(na, nb);
        }
        return a.compareToIgnoreCase(b);
    }

    private static int rank(String tag) {
        return switch (tag.toLowerCase(Locale.ROOT)) {
            case "dev", "snapshot" -> 0;
            case "m" -> 1;
            case "alpha", "a" -> 2;
            case "beta", "b" -> 3;
            case "pre", "preview" -> 4;
            default -> 5; // rc, cr
        };
    }

    @Override
    public String toString() {
        return raw;
    }
}
