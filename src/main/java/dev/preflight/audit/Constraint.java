package dev.preflight.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version requirement: {@code =}, {@code !=}, {@code >}, {@code >=}, {@code <}, {@code <=},
 * {@code ^}, {@code ~}, wildcards ({@code 8.3.*}, {@code 8.x}, {@code *}), hyphen ranges
 * ({@code 1.2 - 2.3}), space or comma for AND, {@code ||} for OR.
 *
 * <p>A bare version means that release line: {@code 20} is {@code >=20.0.0 <21}, {@code 8.3} is
 * {@code >=8.3.0 <8.4}, {@code 8.0.36} is {@code >=8.0.36 <8.0.37}. {@code =V} is exact (build
 * suffixes ignored). {@code ^V} allows changes that keep the left-most non-zero part;
 * {@code ~V} allows patch changes ({@code ~8} allows minor changes). An exclusive upper bound
 * compares numeric parts only, so {@code 8.1.0-rc1} does not satisfy {@code <8.1}: a pre-release
 * of 8.1 belongs to the 8.1 line.
 *
 * @param text  the constraint as written
 * @param anyOf alternatives (OR) of conjunctions (AND) of comparisons
 */
public record Constraint(String text, List<List<Term>> anyOf) {
    private static final Pattern OP_SPACE = Pattern.compile("(>=|<=|!=|==|>|<|=|\\^|~)\\s+");
    private static final Pattern HYPHEN = Pattern.compile("(\\S+)\\s+-\\s+(\\S+)");
    private static final Pattern TERM = Pattern.compile("^(>=|<=|!=|==|>|<|=|\\^|~)?(.+)$");
    private static final Pattern PARTIAL = Pattern.compile("^[vV]?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?"
            + "(?:\\.(\\d+|[xX*]))?(?:[-+].+)?$");

    public Constraint {
        anyOf = anyOf.stream().map(List::copyOf).toList();
    }

    /** One comparison against a bound. */
    public record Term(Op op, Version bound) {
        boolean test(Version v) {
            return switch (op) {
                case ANY -> true;
                case EQ -> v.compareTo(bound) == 0;
                case NE -> v.compareTo(bound) != 0;
                case GT -> v.compareTo(bound) > 0;
                case GE -> v.compareTo(bound) >= 0;
                // A pre-release of the bound's own line is inside that line, unless the bound is itself a pre-release.
                case LT -> bound.isPreRelease() ? v.compareTo(bound) < 0 : v.compareNumeric(bound) < 0;
                case LE -> v.compareTo(bound) <= 0;
            };
        }

        @Override
        public String toString() {
            return op == Op.ANY ? "*" : op.symbol + bound.raw();
        }
    }

    /** Comparison operators after normalisation. */
    public enum Op {
        ANY(""), EQ("="), NE("!="), GT(">"), GE(">="), LT("<"), LE("<=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    /** A constraint that cannot be parsed, with the 0-based index of the offending text. */
    public static final class ParseException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int index;

        public ParseException(String message, int index) {
            super(message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    public static Constraint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ParseException("empty version constraint", 0);
        }
        List<List<Term>> alternatives = new ArrayList<>();
        int offset = 0;
        for (String alt : text.split("\\|\\|", -1)) {
            if (alt.isBlank()) {
                throw new ParseException("empty alternative around '||'", offset);
            }
            alternatives.add(conjunction(alt, text, offset));
            offset += alt.length() + 2;
        }
        return new Constraint(text.strip(), alternatives);
    }

    private static List<Term> conjunction(String alt, String whole, int offset) {
        String s = OP_SPACE.matcher(alt.strip()).replaceAll("$1");
        List<Term> terms = new ArrayList<>();
        Matcher h = HYPHEN.matcher(s);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (h.find()) {
            rest.append(s, last, h.start()).append(' ');
            terms.add(new Term(Op.GE, lower(h.group(1), whole, offset)));
            terms.addAll(upperOf(h.group(2), whole, offset));
            last = h.end();
        }
        rest.append(s.substring(last));
        for (String tok : rest.toString().split("[\\s,]+")) {
            if (!tok.isEmpty()) {
                terms.addAll(term(tok, whole, offset));
            }
        }
        if (terms.isEmpty()) {
            throw new ParseException("no comparison in '" + alt.strip() + "'", offset);
        }
        return terms;
    }

    private static List<Term> term(String tok, String whole, int offset) {
        Matcher m = TERM.matcher(tok);
        if (!m.matches()) {
            throw error(tok, whole, offset);
        }
        String op = m.group(1) == null ? "" : m.group(1);
        String v = m.group(2);
        if (v.equals("*") || v.equalsIgnoreCase("x")) {
            if (!op.isEmpty() && !op.equals("=") && !op.equals("==")) {
                throw new ParseException("'" + tok + "': a wildcard cannot follow " + op, index(tok, whole, offset));
            }
            return List.of(new Term(Op.ANY, null));
        }
        Matcher p = PARTIAL.matcher(v);
        if (!p.matches()) {
            throw error(tok, whole, offset);
        }
        List<Long> given = new ArrayList<>();
        boolean wildcard = false;
        for (int i = 1; i <= 4; i++) {
            String g = p.group(i);
            if (g == null) {
                break;
            }
            if (g.equals("*") || g.equalsIgnoreCase("x")) {
                wildcard = true;
                continue;
            }
            if (wildcard) {
                throw error(tok, whole, offset); // 8.*.3: nothing may follow a wildcard
            }
            given.add(Long.parseLong(g));
        }
        Version bound = Version.parse(v.replaceAll("(\\.[xX*])+", ""));
        switch (op) {
            case "", "==" -> {
                if (wildcard && given.isEmpty()) {
                    return List.of(new Term(Op.ANY, null));
                }
                return line(bound, given);
            }
            case "=" -> {
                return wildcard ? line(bound, given) : List.of(new Term(Op.EQ, bound));
            }
            case "!=" -> {
                return List.of(new Term(Op.NE, bound));
            }
            case ">" -> {
                return wildcard || given.size() < 3 && bound.preRelease() == null
                        ? List.of(new Term(Op.GE, next(given))) : List.of(new Term(Op.GT, bound));
            }
            case ">=" -> {
                return List.of(new Term(Op.GE, bound));
            }
            case "<" -> {
                return List.of(new Term(Op.LT, bound));
            }
            case "<=" -> {
                return wildcard || given.size() < 3 ? List.of(new Term(Op.LT, next(given)))
                        : List.of(new Term(Op.LE, bound));
            }
            case "^" -> {
                int keep = 0;
                while (keep < given.size() - 1 && given.get(keep) == 0) {
                    keep++;
                }
                return List.of(new Term(Op.GE, bound), new Term(Op.LT, next(given.subList(0, keep + 1))));
            }
            default -> { // "~"
                List<Long> prefix = given.size() >= 2 ? given.subList(0, 2) : given;
                return List.of(new Term(Op.GE, bound), new Term(Op.LT, next(prefix)));
            }
        }
    }

    /** The release line of a partial version: {@code 8.3} -> {@code >=8.3 <8.4}. */
    private static List<Term> line(Version bound, List<Long> given) {
        if (given.isEmpty()) {
            return List.of(new Term(Op.ANY, null));
        }
        return List.of(new Term(Op.GE, bound), new Term(Op.LT, next(given)));
    }

    /** The first version after a prefix: [8, 3] -> 8.4. */
    private static Version next(List<Long> prefix) {
        List<Long> n = new ArrayList<>(prefix);
        n.set(n.size() - 1, n.get(n.size() - 1) + 1);
        StringBuilder sb = new StringBuilder();
        for (Long x : n) {
            sb.append(sb.length() == 0 ? "" : ".").append(x);
        }
        return Version.parse(sb.toString());
    }

    private static Version lower(String v, String whole, int offset) {
        Matcher p = PARTIAL.matcher(v);
        if (!p.matches()) {
            throw error(v, whole, offset);
        }
        return Version.parse(v.replaceAll("(\\.[xX*])+", ""));
    }

    private static List<Term> upperOf(String v, String whole, int offset) {
        Matcher p = PARTIAL.matcher(v);
        if (!p.matches()) {
            throw error(v, whole, offset);
        }
        List<Long> given = new ArrayList<>();
        for (int i = 1; i <= 4 && p.group(i) != null && p.group(i).matches("\\d+"); i++) {
            given.add(Long.parseLong(p.group(i)));
        }
        // "1.2 - 2.3" includes all of 2.3.x; "1.2 - 2.3.4" stops at 2.3.4.
        return given.size() >= 3 ? List.of(new Term(Op.LE, Version.parse(v))) : List.of(new Term(Op.LT, next(given)));
    }

    private static int index(String tok, String whole, int offset) {
        int i = whole.indexOf(tok, offset);
        return i < 0 ? offset : i;
    }

    private static ParseException error(String tok, String whole, int offset) {
        return new ParseException("'" + tok + "' is not a version comparison (e.g. 8.3, >=8.0.36, ^20.1, 8.x, 1.2 - 2.0)",
                index(tok, whole, offset));
    }

    public boolean test(Version v) {
        for (List<Term> all : anyOf) {
            if (all.stream().allMatch(t -> t.test(v))) {
                return true;
            }
        }
        return false;
    }

    /** The normalised form, e.g. {@code >=8.3 <8.4 || >=9}. */
    public String normalized() {
        List<String> alts = new ArrayList<>();
        for (List<Term> all : anyOf) {
            alts.add(String.join(" ", all.stream().map(Term::toString).toList()));
        }
        return String.join(" || ", alts);
    }

    @Override
    public String toString() {
        return text;
    }
}
