package dev.preflight.deps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Composer's version strings: normalisation to Composer's four-part form ({@code v1.2} is
 * {@code 1.2.0.0}, {@code 1.0.0-rc.1} is {@code 1.0.0.0-RC1}, {@code 2.x-dev} is
 * {@code 2.9999999.9999999.9999999-dev}, {@code master} is {@code dev-master}) and the order Composer
 * compares them in, which is PHP's {@code version_compare} on the normalised strings ({@code dev}
 * below {@code alpha} below {@code beta} below {@code RC} below a release below {@code patch}).
 * Branch versions ({@code dev-*}) are not ordered: see {@link #isBranch(String)}. Stateless.
 */
public final class ComposerVersion {
    static final String MODIFIER = "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?";
    private static final Pattern CLASSICAL = Pattern.compile(
            "^v?(\\d{1,5}+)(\\.\\d++)?(\\.\\d++)?(\\.\\d++)?" + MODIFIER + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE = Pattern.compile(
            "^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})" + MODIFIER + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ALIAS = Pattern.compile("^([^,\\s]+) +as +([^,\\s]+)$");
    private static final Pattern STABILITY_FLAG = Pattern.compile("^([^,\\s@]+)@(stable|RC|beta|alpha|dev)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BUILD = Pattern.compile("^([^,\\s+]++)\\+[^\\s]++$");
    private static final Pattern DEV_SUFFIX = Pattern.compile("^(.*?)[.-]?dev$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BRANCH = Pattern.compile(
            "^v?(\\d++)(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?$");

    /** Composer's placeholder for a wildcard part of a branch version ({@code 1.x-dev}). */
    public static final String WILD = "9999999";

    /** The order of normalised, non-branch versions (PHP's version_compare). */
    public static final Comparator<String> ORDER = ComposerVersion::compare;

    private ComposerVersion() {
    }

    /** Thrown for a string Composer would refuse as a version. */
    public static final class InvalidVersionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidVersionException(String message) {
            super(message);
        }
    }

    /** True for a branch version ({@code dev-main}), which only equals itself. */
    public static boolean isBranch(String normalized) {
        return normalized.startsWith("dev-");
    }

    /** Normalises a version as Composer does, or throws {@link InvalidVersionException}. */
    public static String normalize(String input) {
        String version = input.strip();
        Matcher alias = ALIAS.matcher(version);
        if (alias.matches()) {
            version = alias.group(1);
        }
        Matcher flag = STABILITY_FLAG.matcher(version);
        if (flag.matches()) {
            version = flag.group(1);
        }
        String lower = version.toLowerCase(Locale.ROOT);
        if (lower.equals("master") || lower.equals("trunk") || lower.equals("default")) {
            return "dev-" + version;
        }
        if (lower.startsWith("dev-")) {
            return "dev-" + version.substring(4);
        }
        Matcher build = BUILD.matcher(version);
        if (build.matches()) {
            version = build.group(1);
        }
        Matcher m = CLASSICAL.matcher(version);
        String base = null;
        if (m.matches()) {
            base = m.group(1) + or(m.group(2), ".0") + or(m.group(3), ".0") + or(m.group(4), ".0");
        } else {
            m = DATE.matcher(version);
            if (m.matches()) {
                base = m.group(1).replaceAll("\\D", ".");
            }
        }
        if (base != null) {
            String stab = m.group(m.groupCount() - 2);
            String num = m.group(m.groupCount() - 1);
            String dev = m.group(m.groupCount());
            if (stab != null && !stab.isEmpty()) {
                if (stab.equalsIgnoreCase("stable")) {
                    return base;
                }
                base += "-" + expandStability(stab) + (num == null ? "" : num.replaceFirst("^[.-]+", ""));
            }
            if (dev != null && !dev.isEmpty()) {
                base += "-dev";
            }
            return base;
        }
        Matcher d = DEV_SUFFIX.matcher(version);
        if (d.matches()) {
            String b = normalizeBranch(d.group(1));
            if (!b.startsWith("dev-")) {
                return b;
            }
        }
        throw new InvalidVersionException("invalid version string \"" + input + "\"");
    }

    /** A branch name as a version: numeric branches ({@code 2.x}) become {@code 2.9999999...-dev}. */
    public static String normalizeBranch(String name) {
        String n = name.strip();
        Matcher m = BRANCH.matcher(n);
        if (m.matches()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= 4; i++) {
                String g = m.group(i);
                if (g == null) {
                    sb.append('.').append(WILD);
                } else {
                    sb.append(g.replaceAll("[xX*]", WILD));
                }
            }
            return sb.append("-dev").toString();
        }
        return "dev-" + n;
    }

    /** Composer's stability of a normalised version: dev, alpha, beta, RC or stable. */
    public static String stability(String normalized) {
        String v = normalized.toLowerCase(Locale.ROOT);
        if (v.startsWith("dev-") || v.endsWith("-dev")) {
            return "dev";
        }
        if (v.contains("-alpha")) {
            return "alpha";
        }
        if (v.contains("-beta")) {
            return "beta";
        }
        if (v.contains("-rc")) {
            return "RC";
        }
        return "stable";
    }

    static String expandStability(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "a" -> "alpha";
            case "b" -> "beta";
            case "p", "pl" -> "patch";
            case "rc" -> "RC";
            default -> s.toLowerCase(Locale.ROOT);
        };
    }

    private static String or(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : s;
    }

    /** PHP's version_compare: -1, 0 or 1. */
    public static int compare(String a, String b) {
        List<String> pa = canonical(a);
        List<String> pb = canonical(b);
        int n = Math.min(pa.size(), pb.size());
        for (int i = 0; i < n; i++) {
            String x = pa.get(i);
            String y = pb.get(i);
            boolean dx = digit(x);
            boolean dy = digit(y);
            int c;
            if (dx && dy) {
                c = compareNumbers(x, y);
            } else if (!dx && !dy) {
                c = Integer.compare(special(x), special(y));
            } else {
                c = dx ? Integer.compare(special("#"), special(y)) : Integer.compare(special(x), special("#"));
            }
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        if (pa.size() > n) {
            String x = pa.get(n);
            return digit(x) ? 1 : Integer.signum(Integer.compare(special(x), special("#")));
        }
        if (pb.size() > n) {
            String y = pb.get(n);
            return digit(y) ? -1 : Integer.signum(Integer.compare(special("#"), special(y)));
        }
        return 0;
    }

    private static boolean digit(String s) {
        return !s.isEmpty() && Character.isDigit(s.charAt(0));
    }

    private static int compareNumbers(String x, String y) {
        String a = x.replaceFirst("^0+(?=.)", "");
        String b = y.replaceFirst("^0+(?=.)", "");
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    /** PHP's special forms, matched by prefix in this order; anything else sorts lowest. */
    private static int special(String form) {
        String[][] forms = {{"dev", "0"}, {"alpha", "1"}, {"a", "1"}, {"beta", "2"}, {"b", "2"}, {"RC", "3"},
            {"rc", "3"}, {"#", "4"}, {"pl", "5"}, {"p", "5"}};
        for (String[] f : forms) {
            if (form.startsWith(f[0])) {
                return Integer.parseInt(f[1]);
            }
        }
        return -6;
    }

    /** Splits as PHP canonicalises: '-', '_', '+' and other non-alphanumerics separate; digit/letter changes separate. */
    private static List<String> canonical(String v) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int prevKind = -1;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                if (cur.length() > 0) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                }
                prevKind = -1;
                continue;
            }
            int kind = Character.isDigit(c) ? 1 : 0;
            if (prevKind != -1 && kind != prevKind && cur.length() > 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            }
            cur.append(c);
            prevKind = kind;
        }
        if (cur.length() > 0) {
            parts.add(cur.toString());
        }
        return parts;
    }
}
