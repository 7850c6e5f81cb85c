package dev.preflight.deps;

import dev.preflight.deps.ComposerConstraint.Overlap;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An npm (node-semver) range such as an {@code engines.node} value: {@code ||} OR, space AND,
 * {@code < <= > >= =}, X-ranges ({@code 20}, {@code 1.x}, {@code *}, the empty string), tilde,
 * caret and hyphen ranges, each desugared as node-semver does ({@code 20} is
 * {@code >=20.0.0 <21.0.0-0}, {@code ^0.2.3} is {@code >=0.2.3 <0.3.0-0}, {@code 1.2 - 2.3} is
 * {@code >=1.2.0 <2.4.0-0}). Not the audit's constraint language, whose {@code 8.0.36} is a patch
 * line: here it is exactly 8.0.36. {@link #satisfies} applies node-semver's pre-release rule; {@link
 * #overlap} compares ranges as sets. Immutable.
 */
public final class NpmRange {
    private static final String XR = "[xX*]|\\d+";
    private static final Pattern PARTIAL = Pattern.compile(
            "^[v=]*(" + XR + ")(?:\\.(" + XR + ")(?:\\.(" + XR + ")(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-.]+)?)?)?$");
    private static final Pattern HYPHEN = Pattern.compile("^\\s*(\\S+)\\s+-\\s+(\\S+)\\s*$");
    private static final Pattern OP_SPACE = Pattern.compile("(<=|>=|<|>|=|~>|~|\\^)\\s+");

    private final String raw;
    /** One entry per OR alternative: the AND-ed comparators as a set, plus the pre-release tuples they name. */
    private final List<Ranges<NpmVersion>> alternatives;
    private final List<List<NpmVersion>> preTuples;

    private NpmRange(String raw, List<Ranges<NpmVersion>> alternatives, List<List<NpmVersion>> preTuples) {
        this.raw = raw;
        this.alternatives = List.copyOf(alternatives);
        this.preTuples = List.copyOf(preTuples);
    }

    /** Parses a range, or throws {@link IllegalArgumentException}. */
    public static NpmRange parse(String input) {
        List<Ranges<NpmVersion>> alts = new ArrayList<>();
        List<List<NpmVersion>> pres = new ArrayList<>();
        for (String alt : input.split("\\|\\|", -1)) {
            String a = OP_SPACE.matcher(alt.strip()).replaceAll("$1");
            Ranges<NpmVersion> set = Ranges.all(NpmVersion.ORDER);
            List<NpmVersion> pre = new ArrayList<>();
            Matcher h = HYPHEN.matcher(a);
            if (h.matches()) {
                set = hyphen(h.group(1), h.group(2), pre, input);
            } else if (!a.isEmpty()) {
                for (String comp : a.split("\\s+")) {
                    set = set.intersect(comparator(comp, pre, input));
                }
            }
            alts.add(set);
            pres.add(pre);
        }
        return new NpmRange(input.strip(), alts, pres);
    }

    private record Partial(Long major, Long minor, Long patch, List<String> pre) {
        NpmVersion low() {
            return new NpmVersion(or0(major), or0(minor), or0(patch), pre);
        }

        static long or0(Long l) {
            return l == null ? 0 : l;
        }
    }

    private static Partial partial(String s, String whole) {
        Matcher m = PARTIAL.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid npm range \"" + whole + "\": cannot read \"" + s + "\"");
        }
        Long major = num(m.group(1));
        Long minor = major == null ? null : num(m.group(2));
        Long patch = minor == null ? null : num(m.group(3));
        List<String> pre = patch == null || m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return new Partial(major, minor, patch, pre);
    }

    private static Long num(String g) {
        return g == null || g.matches("[xX*]") ? null : Long.parseLong(g);
    }

    private static Ranges<NpmVersion> ge(NpmVersion v) {
        return Ranges.compare(NpmVersion.ORDER, ">=", v);
    }

    private static Ranges<NpmVersion> lt(NpmVersion v) {
        return Ranges.compare(NpmVersion.ORDER, "<", v);
    }

    private static Ranges<NpmVersion> comparator(String comp, List<NpmVersion> pre, String whole) {
        String op;
        if (comp.startsWith("~>")) {
            op = "~";
            comp = comp.substring(2);
        } else if (comp.startsWith(">=") || comp.startsWith("<=")) {
            op = comp.substring(0, 2);
            comp = comp.substring(2);
        } else if (comp.startsWith(">") || comp.startsWith("<") || comp.startsWith("~") || comp.startsWith("^")
                || comp.startsWith("=")) {
            op = comp.substring(0, 1);
            comp = comp.substring(1);
        } else {
            op = "";
        }
        Partial p = partial(comp, whole);
        if (!p.pre().isEmpty()) {
            pre.add(p.low());
        }
        Ranges<NpmVersion> all = Ranges.all(NpmVersion.ORDER);
        if (p.major() == null) {
            // "*", "x", ">=*": everything; "<*", ">*": nothing.
            return op.equals("<") || op.equals(">") ? Ranges.none(NpmVersion.ORDER) : all;
        }
        long M = p.major();
        return switch (op) {
            case "~" -> ge(p.low()).intersect(lt(p.minor() == null ? NpmVersion.floor(M + 1, 0, 0)
                    : NpmVersion.floor(M, p.minor() + 1, 0)));
            case "^" -> ge(p.low()).intersect(lt(caretHigh(p)));
            case ">" -> p.minor() == null ? ge(NpmVersion.of(M + 1, 0, 0))
                    : p.patch() == null ? ge(NpmVersion.of(M, p.minor() + 1, 0))
                    : Ranges.compare(NpmVersion.ORDER, ">", p.low());
            case ">=" -> ge(p.low());
            case "<" -> p.patch() == null ? lt(NpmVersion.floor(M, Partial.or0(p.minor()), 0)) : lt(p.low());
            case "<=" -> p.minor() == null ? lt(NpmVersion.floor(M + 1, 0, 0))
                    : p.patch() == null ? lt(NpmVersion.floor(M, p.minor() + 1, 0))
                    : Ranges.compare(NpmVersion.ORDER, "<=", p.low());
            default -> p.minor() == null ? ge(p.low()).intersect(lt(NpmVersion.floor(M + 1, 0, 0)))
                    : p.patch() == null ? ge(p.low()).intersect(lt(NpmVersion.floor(M, p.minor() + 1, 0)))
                    : Ranges.exactly(NpmVersion.ORDER, p.low());
        };
    }

    private static NpmVersion caretHigh(Partial p) {
        long M = p.major();
        if (M != 0 || p.minor() == null) {
            return NpmVersion.floor(M + 1, 0, 0);
        }
        if (p.minor() != 0 || p.patch() == null) {
            return NpmVersion.floor(0, p.minor() + 1, 0);
        }
        return NpmVersion.floor(0, 0, p.patch() + 1);
    }

    private static Ranges<NpmVersion> hyphen(String from, String to, List<NpmVersion> pre, String whole) {
        Partial f = partial(from, whole);
        Partial t = partial(to, whole);
        if (!f.pre().isEmpty()) {
            pre.add(f.low());
        }
        if (!t.pre().isEmpty()) {
            pre.add(t.low());
        }
        Ranges<NpmVersion> low = f.major() == null ? Ranges.all(NpmVersion.ORDER) : ge(f.low());
        Ranges<NpmVersion> high;
        if (t.major() == null) {
            high = Ranges.all(NpmVersion.ORDER);
        } else if (t.minor() == null) {
            high = lt(NpmVersion.floor(t.major() + 1, 0, 0));
        } else if (t.patch() == null) {
            high = lt(NpmVersion.floor(t.major(), t.minor() + 1, 0));
        } else {
            high = Ranges.compare(NpmVersion.ORDER, "<=", t.low());
        }
        return low.intersect(high);
    }

    /** The whole range as one set of versions (pre-release rule not applied). */
    public Ranges<NpmVersion> set() {
        Ranges<NpmVersion> u = Ranges.none(NpmVersion.ORDER);
        for (Ranges<NpmVersion> a : alternatives) {
            u = u.union(a);
        }
        return u;
    }

    /**
     * node-semver's satisfies: in the set, and a pre-release only when the same alternative names a
     * pre-release of the same major.minor.patch.
     */
    public boolean satisfies(String version) {
        NpmVersion v = NpmVersion.parse(version);
        for (int i = 0; i < alternatives.size(); i++) {
            if (!alternatives.get(i).contains(v)) {
                continue;
            }
            if (!v.isPreRelease() || preTuples.get(i).stream().anyMatch(p -> p.sameTuple(v))) {
                return true;
            }
        }
        return false;
    }

    /** How this range (e.g. a package's engines.node) relates to a target range (e.g. node 20), as sets. */
    public Overlap overlap(NpmRange target) {
        Ranges<NpmVersion> mine = set();
        Ranges<NpmVersion> t = target.set();
        if (mine.intersect(t).isEmpty()) {
            return Overlap.NONE;
        }
        return t.within(mine) ? Overlap.ALL : Overlap.PART;
    }

    /** The desugared comparators, e.g. {@code >=20.0.0 <21.0.0-0}. */
    public String describe() {
        Ranges<NpmVersion> s = set();
        return s.isAll() ? "*" : s.toString();
    }

    /** The range as written. */
    public String pretty() {
        return raw;
    }

    @Override
    public String toString() {
        return raw;
    }
}
