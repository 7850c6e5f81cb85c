package dev.preflight.deps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A set of versions as a sorted union of disjoint intervals over a total order, so that "does this
 * requirement exclude the target entirely or only part of it" is set arithmetic (intersection,
 * complement) rather than sampling. The order is treated as dense: between two different versions
 * there is always another one (a pre-release, a fourth part), which is how both Composer and npm
 * versions behave. Immutable.
 *
 * @param <V> the version type
 */
public final class Ranges<V> {
    /** One end of an interval; a null value means unbounded. */
    public record Bound<V>(V value, boolean inclusive) {
    }

    /** An interval from {@code low} to {@code high}; null values are infinite. */
    public record Interval<V>(Bound<V> low, Bound<V> high) {
    }

    private final Comparator<V> order;
    private final List<Interval<V>> intervals;

    private Ranges(Comparator<V> order, List<Interval<V>> intervals) {
        this.order = order;
        this.intervals = List.copyOf(intervals);
    }

    public static <V> Ranges<V> none(Comparator<V> order) {
        return new Ranges<>(order, List.of());
    }

    public static <V> Ranges<V> all(Comparator<V> order) {
        return new Ranges<>(order, List.of(new Interval<>(new Bound<>(null, false), new Bound<>(null, false))));
    }

    /** The interval between two bounds (either may be null for unbounded). */
    public static <V> Ranges<V> of(Comparator<V> order, V low, boolean lowInclusive, V high, boolean highInclusive) {
        Ranges<V> r = new Ranges<>(order, List.of());
        Interval<V> i = new Interval<>(new Bound<>(low, lowInclusive), new Bound<>(high, highInclusive));
        return r.empty(i) ? r : new Ranges<>(order, List.of(i));
    }

    public static <V> Ranges<V> exactly(Comparator<V> order, V v) {
        return of(order, v, true, v, true);
    }

    /** {@code >= v} etc. as a range. */
    public static <V> Ranges<V> compare(Comparator<V> order, String op, V v) {
        return switch (op) {
            case ">=" -> of(order, v, true, null, false);
            case ">" -> of(order, v, false, null, false);
            case "<=" -> of(order, null, false, v, true);
            case "<" -> of(order, null, false, v, false);
            case "!=", "<>" -> exactly(order, v).complement();
            default -> exactly(order, v);
        };
    }

    public List<Interval<V>> intervals() {
        return intervals;
    }

    public boolean isEmpty() {
        return intervals.isEmpty();
    }

    public boolean isAll() {
        return intervals.size() == 1 && intervals.get(0).low().value() == null && intervals.get(0).high().value() == null;
    }

    public boolean contains(V v) {
        for (Interval<V> i : intervals) {
            if (aboveLow(v, i.low()) && belowHigh(v, i.high())) {
                return true;
            }
        }
        return false;
    }

    /** The smallest version in the set when its lower end is inclusive, else null. */
    public V lowestIncluded() {
        if (intervals.isEmpty()) {
            return null;
        }
        Bound<V> b = intervals.get(0).low();
        return b.inclusive() ? b.value() : null;
    }

    private boolean aboveLow(V v, Bound<V> low) {
        if (low.value() == null) {
            return true;
        }
        int c = order.compare(v, low.value());
        return c > 0 || (c == 0 && low.inclusive());
    }

    private boolean belowHigh(V v, Bound<V> high) {
        if (high.value() == null) {
            return true;
        }
        int c = order.compare(v, high.value());
        return c < 0 || (c == 0 && high.inclusive());
    }

    private boolean empty(Interval<V> i) {
        if (i.low().value() == null || i.high().value() == null) {
            return false;
        }
        int c = order.compare(i.low().value(), i.high().value());
        return c > 0 || (c == 0 && !(i.low().inclusive() && i.high().inclusive()));
    }

    /** Compares two lower bounds: which one starts first. */
    private int compareLow(Bound<V> a, Bound<V> b) {
        if (a.value() == null || b.value() == null) {
            return a.value() == null ? (b.value() == null ? 0 : -1) : 1;
        }
        int c = order.compare(a.value(), b.value());
        if (c != 0) {
            return c;
        }
        return a.inclusive() == b.inclusive() ? 0 : a.inclusive() ? -1 : 1;
    }

    /** Compares two upper bounds: which one ends first. */
    private int compareHigh(Bound<V> a, Bound<V> b) {
        if (a.value() == null || b.value() == null) {
            return a.value() == null ? (b.value() == null ? 0 : 1) : -1;
        }
        int c = order.compare(a.value(), b.value());
        if (c != 0) {
            return c;
        }
        return a.inclusive() == b.inclusive() ? 0 : a.inclusive() ? 1 : -1;
    }

    public Ranges<V> intersect(Ranges<V> other) {
        List<Interval<V>> out = new ArrayList<>();
        for (Interval<V> a : intervals) {
            for (Interval<V> b : other.intervals) {
                Bound<V> low = compareLow(a.low(), b.low()) >= 0 ? a.low() : b.low();
                Bound<V> high = compareHigh(a.high(), b.high()) <= 0 ? a.high() : b.high();
                Interval<V> i = new Interval<>(low, high);
                if (!empty(i)) {
                    out.add(i);
                }
            }
        }
        return normalise(out);
    }

    public Ranges<V> union(Ranges<V> other) {
        List<Interval<V>> all = new ArrayList<>(intervals);
        all.addAll(other.intervals);
        return normalise(all);
    }

    public Ranges<V> complement() {
        List<Interval<V>> out = new ArrayList<>();
        Bound<V> start = new Bound<>(null, false);
        for (Interval<V> i : intervals) {
            if (i.low().value() != null) {
                Interval<V> gap = new Interval<>(start, new Bound<>(i.low().value(), !i.low().inclusive()));
                if (!empty(gap)) {
                    out.add(gap);
                }
            }
            if (i.high().value() == null) {
                return new Ranges<>(order, out);
            }
            start = new Bound<>(i.high().value(), !i.high().inclusive());
        }
        out.add(new Interval<>(start, new Bound<>(null, false)));
        return normalise(out);
    }

    /** True when every version of this set is also in {@code other}. */
    public boolean within(Ranges<V> other) {
        return intersect(other.complement()).isEmpty();
    }

    private Ranges<V> normalise(List<Interval<V>> in) {
        List<Interval<V>> sorted = new ArrayList<>(in);
        sorted.removeIf(this::empty);
        sorted.sort((a, b) -> compareLow(a.low(), b.low()));
        List<Interval<V>> out = new ArrayList<>();
        for (Interval<V> i : sorted) {
            if (out.isEmpty()) {
                out.add(i);
                continue;
            }
            Interval<V> last = out.get(out.size() - 1);
            if (touches(last.high(), i.low())) {
                Bound<V> high = compareHigh(last.high(), i.high()) >= 0 ? last.high() : i.high();
                out.set(out.size() - 1, new Interval<>(last.low(), high));
            } else {
                out.add(i);
            }
        }
        return new Ranges<>(order, out);
    }

    /** True when an interval ending at {@code high} and one starting at {@code low} overlap or meet. */
    private boolean touches(Bound<V> high, Bound<V> low) {
        if (high.value() == null || low.value() == null) {
            return true;
        }
        int c = order.compare(low.value(), high.value());
        return c < 0 || (c == 0 && (high.inclusive() || low.inclusive()));
    }

    /** Renders as {@code >=a <b || ...} with the given version printer. */
    public String describe(Function<V, String> show) {
        if (intervals.isEmpty()) {
            return "(nothing)";
        }
        List<String> parts = new ArrayList<>();
        for (Interval<V> i : intervals) {
            List<String> p = new ArrayList<>();
            if (i.low().value() != null && i.high().value() != null && i.low().inclusive() && i.high().inclusive()
                    && order.compare(i.low().value(), i.high().value()) == 0) {
                parts.add("==" + show.apply(i.low().value()));
                continue;
            }
            if (i.low().value() != null) {
                p.add((i.low().inclusive() ? ">=" : ">") + show.apply(i.low().value()));
            }
            if (i.high().value() != null) {
                p.add((i.high().inclusive() ? "<=" : "<") + show.apply(i.high().value()));
            }
            parts.add(p.isEmpty() ? "*" : String.join(" ", p));
        }
        return String.join(" || ", parts);
    }

    @Override
    public String toString() {
        return describe(String::valueOf);
    }
}
