package dev.preflight.deps;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Composer version constraint with Composer's semantics (not the audit's: here {@code 8.3} is
 * exactly {@code 8.3.0.0}, {@code ~1.2} is {@code >=1.2 <2.0}, {@code ^0.3} is {@code >=0.3 <0.4},
 * {@code 1.0 - 2.0} is {@code >=1.0.0.0-dev <2.1.0.0-dev}; {@code ||} and the legacy {@code |} are
 * OR, comma and space are AND and bind tighter; {@code @dev}-style flags lower a bound's stability;
 * {@code dev-*} branches only equal themselves). Parsed into a set of versions ({@link Ranges} of
 * normalised versions plus a set of branch names) so that {@link #overlap(ComposerConstraint)} can
 * say whether a requirement excludes a target range entirely, allows part of it, or all of it.
 * Immutable. Over 400 lines on purpose: the grammar and the interval algebra it is parsed into are
 * one language's semantics, and split they would have to share their internal representation.
 */
public final class ComposerConstraint {
    private static final String STABILITIES = "stable|RC|beta|alpha|dev";
    private static final String VERSION = "v?(\\d++)(?:\\.(\\d++|[xX*]))?(?:\\.(\\d++|[xX*]))?(?:\\.(\\d++|[xX*]))?"
            + ComposerVersion.MODIFIER + "(?:\\+[^\\s]+)?";
    private static final Pattern FLAG = Pattern.compile("^([^,\\s]*?)@(" + STABILITIES + ")$", Pattern.CASE_INSENSITIVE);
    private static final Pattern REFERENCE = Pattern.compile("^(dev-[^,\\s@]+?|[^,\\s@]+?\\.x-dev)#.+$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OR = Pattern.compile("\\s*\\|\\|?\\s*");
    private static final Pattern AND = Pattern.compile("(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)");
    private static final Pattern ANY = Pattern.compile("^(v)?[xX*](\\.[xX*])*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern TILDE = Pattern.compile("^~" + VERSION + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern CARET = Pattern.compile("^\\^" + VERSION + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern XRANGE = Pattern.compile("^v?(\\d++)(?:\\.(\\d++))?(?:\\.(\\d++))?(?:\\.[xX*])++$");
    private static final Pattern HYPHEN = Pattern.compile("^(" + VERSION + ") +- +(" + VERSION + ")$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BASIC = Pattern.compile("^(<>|!=|>=?|<=?|==?)?\\s*(.*)$", Pattern.DOTALL);
    private static final Pattern TRAILING_MODIFIER = Pattern.compile("-" + ComposerVersion.MODIFIER + "$");
    private static final Pattern DEV_NAME = Pattern.compile("^[0-9a-zA-Z-./]+$");

    private final String pretty;
    private final Ranges<String> versions;
    /** Branch names matched: the names themselves, or (when {@code allBranchesBut}) every branch except them. */
    private final Set<String> branches;
    private final boolean allBranchesBut;

    private ComposerConstraint(String pretty, Ranges<String> versions, Set<String> branches, boolean allBranchesBut) {
        this.pretty = pretty;
        this.versions = versions;
        this.branches = Set.copyOf(branches);
        this.allBranchesBut = allBranchesBut;
    }

    /** A constraint Composer would refuse. */
    public static final class ParseException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    /** Matches every version and branch ({@code *}). */
    public static ComposerConstraint any() {
        return new ComposerConstraint("*", Ranges.all(ComposerVersion.ORDER), Set.of(), true);
    }

    private static ComposerConstraint numeric(String pretty, Ranges<String> r) {
        return new ComposerConstraint(pretty, r, Set.of(), false);
    }

    /** Parses a constraint as Composer's VersionParser does, or throws {@link ParseException}. */
    public static ComposerConstraint parse(String input) {
        if (input == null || input.isBlank()) {
            throw new ParseException("empty constraint");
        }
        String s = input.strip();
        Matcher ref = REFERENCE.matcher(s);
        if (ref.matches()) {
            s = ref.group(1);
        }
        String[] ors = OR.split(s, -1);
        ComposerConstraint result = null;
        for (String or : ors) {
            if (or.isEmpty()) {
                throw new ParseException("constraint \"" + input + "\": empty alternative around '|' or '||'");
            }
            String[] ands = AND.split(or, -1);
            ComposerConstraint all = null;
            for (String and : ands) {
                if (and.isBlank()) {
                    throw new ParseException("constraint \"" + input + "\": empty part around ',' or ' '");
                }
                ComposerConstraint one = single(and.strip(), input);
                all = all == null ? one : all.and(one);
            }
            result = result == null ? all : result.or(all);
        }
        return new ComposerConstraint(input.strip(), result.versions, result.branches, result.allBranchesBut);
    }

    private static ComposerConstraint single(String input, String whole) {
        String c = input;
        String stabilityModifier = null;
        Matcher f = FLAG.matcher(c);
        if (f.matches()) {
            // A bare flag ("@dev") is "any version, at that stability".
            c = f.group(1).isEmpty() ? "*" : f.group(1);
            if (!f.group(2).equalsIgnoreCase("stable")) {
                stabilityModifier = f.group(2).equalsIgnoreCase("rc") ? "RC" : f.group(2).toLowerCase(Locale.ROOT);
            }
        }
        Matcher ref = REFERENCE.matcher(c);
        if (ref.matches()) {
            c = ref.group(1);
        }
        if (c.startsWith("~>")) {
            throw new ParseException("constraint \"" + whole + "\": invalid operator \"~>\", you probably meant to use the \"~\" operator");
        }
        Matcher any = ANY.matcher(c);
        if (any.matches()) {
            if (any.group(1) != null || any.group(2) != null) {
                return numeric(input, Ranges.compare(ComposerVersion.ORDER, ">=", "0.0.0.0-dev"));
            }
            return any();
        }
        try {
            Matcher t = TILDE.matcher(c);
            if (t.matches()) {
                checkWildcardNeedsDev(t, whole);
                int position = t.group(4) != null ? 4 : t.group(3) != null ? 3 : t.group(2) != null ? 2 : 1;
                String low = ComposerVersion.normalize(c.substring(1) + stabilitySuffix(t));
                String high = bump(t, Math.max(1, position - 1)) + "-dev";
                return numeric(input, range(low, high));
            }
            Matcher k = CARET.matcher(c);
            if (k.matches()) {
                checkWildcardNeedsDev(k, whole);
                // A wildcard part ("^0.x-dev") counts as absent when finding the first non-zero part.
                String minor = wildcard(k.group(2)) ? null : k.group(2);
                String patch = wildcard(k.group(3)) ? null : k.group(3);
                int position;
                if (!"0".equals(k.group(1)) || absent(minor)) {
                    position = 1;
                } else if (!"0".equals(minor) || absent(patch)) {
                    position = 2;
                } else {
                    position = 3;
                }
                String low = ComposerVersion.normalize(c.substring(1) + stabilitySuffix(k));
                String high = bump(k, position) + "-dev";
                return numeric(input, range(low, high));
            }
            Matcher x = XRANGE.matcher(c);
            if (x.matches()) {
                int position = x.group(3) != null ? 3 : x.group(2) != null ? 2 : 1;
                String low = pad(x, position, 0) + "-dev";
                String high = pad(x, position, 1) + "-dev";
                if (low.equals("0.0.0.0-dev")) {
                    return numeric(input, Ranges.compare(ComposerVersion.ORDER, "<", high));
                }
                return numeric(input, range(low, high));
            }
            Matcher h = HYPHEN.matcher(c);
            if (h.matches()) {
                // groups: 1 = from (2..8 its parts), 9 = to (10..16 its parts)
                boolean fromQualified = present(h.group(6)) || present(h.group(8));
                String low = ComposerVersion.normalize(h.group(1)) + (fromQualified ? "" : "-dev");
                for (int g = 2; g <= 4; g++) {
                    if (h.group(g) != null && h.group(g).matches("[xX*]")) {
                        throw new ParseException("constraint \"" + whole + "\": wildcards are not allowed in a hyphen range");
                    }
                }
                boolean toFull = (present(h.group(11)) && present(h.group(12))) || present(h.group(14))
                        || present(h.group(16));
                String toNorm = ComposerVersion.normalize(h.group(9));
                Ranges<String> upper;
                if (toFull) {
                    upper = Ranges.compare(ComposerVersion.ORDER, "<=", toNorm);
                } else {
                    String[] parts = {h.group(10), h.group(11), h.group(12), h.group(13)};
                    upper = Ranges.compare(ComposerVersion.ORDER, "<", bump(parts, absent(h.group(11)) ? 1 : 2) + "-dev");
                }
                return numeric(input, Ranges.compare(ComposerVersion.ORDER, ">=", low).intersect(upper));
            }
            Matcher b = BASIC.matcher(c);
            if (!b.matches()) {
                throw new ParseException("constraint \"" + whole + "\": cannot parse \"" + input + "\"");
            }
            String op = b.group(1) == null ? "=" : b.group(1);
            String raw = b.group(2);
            String version;
            try {
                version = ComposerVersion.normalize(raw);
            } catch (ComposerVersion.InvalidVersionException e) {
                // Composer reads "foobar-dev" as the branch "dev-foobar" when no operator is used.
                if (b.group(1) == null && raw.endsWith("-dev") && DEV_NAME.matcher(raw).matches()) {
                    version = ComposerVersion.normalize("dev-" + raw.substring(0, raw.length() - 4));
                } else {
                    throw e;
                }
            }
            if (ComposerVersion.isBranch(version)) {
                return branch(input, op, version);
            }
            if (!op.equals("=") && !op.equals("==") && stabilityModifier != null
                    && ComposerVersion.stability(version).equals("stable")) {
                version = version + "-" + stabilityModifier;
            } else if ((op.equals("<") || op.equals(">=")) && !TRAILING_MODIFIER.matcher(raw.toLowerCase(Locale.ROOT)).find()) {
                version = version + "-dev";
            }
            Ranges<String> r = Ranges.compare(ComposerVersion.ORDER, op.equals("==") ? "=" : op, version);
            boolean ne = op.equals("!=") || op.equals("<>");
            return new ComposerConstraint(input, r, Set.of(), ne);
        } catch (ComposerVersion.InvalidVersionException e) {
            throw new ParseException("constraint \"" + whole + "\": " + e.getMessage());
        }
    }

    private static ComposerConstraint branch(String input, String op, String name) {
        Ranges<String> none = Ranges.none(ComposerVersion.ORDER);
        return switch (op) {
            case "=", "==" -> new ComposerConstraint(input, none, Set.of(name), false);
            case "!=", "<>" -> new ComposerConstraint(input, Ranges.all(ComposerVersion.ORDER), Set.of(name), true);
            // Branches are not ordered: >=dev-x matches nothing but... Composer compares nothing.
            default -> new ComposerConstraint(input, none, Set.of(), false);
        };
    }

    private static void checkWildcardNeedsDev(Matcher m, String whole) {
        boolean wild = false;
        for (int g = 2; g <= 4; g++) {
            if (m.group(g) != null && m.group(g).matches("[xX*]")) {
                wild = true;
            }
        }
        if (wild && absent(m.group(7))) {
            throw new ParseException("constraint \"" + whole + "\": a wildcard after ~ or ^ needs a -dev suffix");
        }
    }

    private static boolean wildcard(String s) {
        return s != null && s.matches("[xX*]");
    }

    private static String stabilitySuffix(Matcher m) {
        return absent(m.group(5)) && absent(m.group(7)) ? "-dev" : "";
    }

    private static boolean absent(String s) {
        return s == null || s.isEmpty();
    }

    private static boolean present(String s) {
        return !absent(s);
    }

    private static Ranges<String> range(String low, String high) {
        return Ranges.compare(ComposerVersion.ORDER, ">=", low).intersect(Ranges.compare(ComposerVersion.ORDER, "<", high));
    }

    private static String bump(Matcher m, int position) {
        return bump(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)}, position);
    }

    /** Keeps the parts before {@code position}, adds one at it, zeroes the rest (Composer's manipulateVersionString). */
    private static String bump(String[] parts, int position) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            String p = parts[i - 1];
            String v;
            if (i > position) {
                v = "0";
            } else if (i == position) {
                v = String.valueOf(num(p) + 1);
            } else {
                v = p == null ? "0" : p.matches("[xX*]") ? ComposerVersion.WILD : p;
            }
            sb.append(i > 1 ? "." : "").append(v);
        }
        return sb.toString();
    }

    private static long num(String p) {
        return p == null || p.isEmpty() ? 0 : p.matches("[xX*]") ? Long.parseLong(ComposerVersion.WILD) : Long.parseLong(p);
    }

    private static String pad(Matcher m, int position, int increment) {
        String[] parts = {m.group(1), m.group(2), m.group(3), null};
        if (increment == 0) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= 4; i++) {
                sb.append(i > 1 ? "." : "").append(i > position || parts[i - 1] == null ? "0" : parts[i - 1]);
            }
            return sb.toString();
        }
        return bump(parts, position);
    }

    /** Both must hold. */
    public ComposerConstraint and(ComposerConstraint o) {
        Set<String> names;
        boolean but;
        if (allBranchesBut && o.allBranchesBut) {
            names = union(branches, o.branches);
            but = true;
        } else if (allBranchesBut) {
            names = minus(o.branches, branches);
            but = false;
        } else if (o.allBranchesBut) {
            names = minus(branches, o.branches);
            but = false;
        } else {
            names = new TreeSet<>(branches);
            names.retainAll(o.branches);
            but = false;
        }
        return new ComposerConstraint(pretty + " " + o.pretty, versions.intersect(o.versions), names, but);
    }

    /** Either may hold. */
    public ComposerConstraint or(ComposerConstraint o) {
        Set<String> names;
        boolean but;
        if (allBranchesBut && o.allBranchesBut) {
            names = new TreeSet<>(branches);
            names.retainAll(o.branches);
            but = true;
        } else if (allBranchesBut) {
            names = minus(branches, o.branches);
            but = true;
        } else if (o.allBranchesBut) {
            names = minus(o.branches, branches);
            but = true;
        } else {
            names = union(branches, o.branches);
            but = false;
        }
        return new ComposerConstraint(pretty + " || " + o.pretty, versions.union(o.versions), names, but);
    }

    /** Every version and branch this constraint does not match. */
    public ComposerConstraint not() {
        return new ComposerConstraint("not(" + pretty + ")", versions.complement(), branches, !allBranchesBut);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.removeAll(b);
        return s;
    }

    /** True when the normalised version (or branch) satisfies this constraint. */
    public boolean matches(String normalized) {
        if (ComposerVersion.isBranch(normalized)) {
            return allBranchesBut != branches.contains(normalized);
        }
        return versions.contains(normalized);
    }

    /** True when nothing satisfies this constraint. */
    public boolean isEmpty() {
        return versions.isEmpty() && !allBranchesBut && branches.isEmpty();
    }

    /** How a requirement relates to a target range. */
    public enum Overlap {
        /** The requirement excludes every version of the target range. */
        NONE,
        /** The requirement allows some of the target range but not all of it. */
        PART,
        /** The requirement allows the whole target range. */
        ALL
    }

    /** How this constraint (a requirement) relates to {@code target} (the range we want to move to). */
    public Overlap overlap(ComposerConstraint target) {
        if (and(target).isEmpty()) {
            return Overlap.NONE;
        }
        return target.and(not()).isEmpty() ? Overlap.ALL : Overlap.PART;
    }

    /** True when some version satisfies both. */
    public boolean intersects(ComposerConstraint o) {
        return !and(o).isEmpty();
    }

    /** The lowest version of the set when it has an inclusive lower end, else null. */
    public String lowest() {
        return versions.lowestIncluded();
    }

    /** The constraint as written. */
    public String pretty() {
        return pretty;
    }

    /** The normalised set, e.g. {@code >=1.2.0.0-dev <2.0.0.0-dev}. */
    public String describe() {
        String v = versions.isEmpty() && (allBranchesBut || !branches.isEmpty()) ? "" : versions.toString();
        String b = allBranchesBut ? (branches.isEmpty() ? "any branch" : "any branch but " + String.join(", ", branches))
                : String.join(" || ", branches.stream().map(n -> "==" + n).toList());
        if (b.isEmpty()) {
            return v;
        }
        return v.isEmpty() ? b : v + " || " + b;
    }

    @Override
    public String toString() {
        return pretty;
    }

    List<Ranges.Interval<String>> intervals() {
        return new ArrayList<>(versions.intervals());
    }
}
