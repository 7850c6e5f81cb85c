package dev.preflight.deps;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version as npm reads it ({@code v} and {@code =} prefixes allowed, build metadata
 * ignored), ordered by SemVer 2.0 precedence: a pre-release sorts below its release, numeric
 * identifiers numerically and below alphanumeric ones.
 */
public record NpmVersion(long major, long minor, long patch, List<String> pre) implements Comparable<NpmVersion> {
    private static final Pattern FULL = Pattern.compile(
            "^\\s*[v=]*\\s*(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-.]+)?\\s*$");

    public NpmVersion {
        pre = List.copyOf(pre);
    }

    /** The order of versions. */
    public static final Comparator<NpmVersion> ORDER = NpmVersion::compareTo;

    public static NpmVersion of(long major, long minor, long patch) {
        return new NpmVersion(major, minor, patch, List.of());
    }

    /** {@code X.Y.Z-0}: the lowest pre-release of X.Y.Z, used for exclusive upper bounds. */
    public static NpmVersion floor(long major, long minor, long patch) {
        return new NpmVersion(major, minor, patch, List.of("0"));
    }

    /** Parses a full version; throws {@link IllegalArgumentException} for anything else. */
    public static NpmVersion parse(String s) {
        Matcher m = FULL.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a semantic version: \"" + s + "\"");
        }
        return new NpmVersion(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.")));
    }

    public boolean isPreRelease() {
        return !pre.isEmpty();
    }

    /** Same major.minor.patch. */
    public boolean sameTuple(NpmVersion o) {
        return major == o.major && minor == o.minor && patch == o.patch;
    }

    @Override
    public int compareTo(NpmVersion o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (pre.isEmpty() || o.pre.isEmpty()) {
            return pre.isEmpty() == o.pre.isEmpty() ? 0 : pre.isEmpty() ? 1 : -1;
        }
        for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
            String a = pre.get(i);
            String b = o.pre.get(i);
            boolean na = a.chars().allMatch(Character::isDigit);
            boolean nb = b.chars().allMatch(Character::isDigit);
            int d;
            if (na && nb) {
                d = new BigInteger(a).compareTo(new BigInteger(b));
            } else if (na != nb) {
                d = na ? -1 : 1;
            } else {
                d = a.compareTo(b);
            }
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(pre.size(), o.pre.size());
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (pre.isEmpty() ? "" : "-" + String.join(".", pre));
    }
}
