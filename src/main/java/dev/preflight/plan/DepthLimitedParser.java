package dev.preflight.plan;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A YAML event stream that stops at a nesting depth: the composer recurses once per level of
 * mappings and lists, so 2,000 levels of {@code [} would overflow the stack; here they end at
 * the first level past the limit, with its position. It also stops an alias bomb at the alias
 * that crosses the limit, with that alias's position: the composed tree keeps only the anchor's
 * position (an alias is the anchored node again), so after composing the bomb could only be
 * reported at the root.
 */
final class DepthLimitedParser implements Parser {
    private final Parser inner;
    private final int limit;
    private int depth;
    /** Values each anchor expands to (1 for a scalar, 1 plus its items for a list or mapping). */
    private final Map<String, Long> anchored = new HashMap<>();
    /** The open lists and mappings: their anchor ("" for none) and the values counted in them so far. */
    private final Deque<Object[]> open = new ArrayDeque<>();
    /** The anchors that name a list or mapping (an anchor may be defined again: the newest counts). */
    private final Set<String> collections = new HashSet<>();
    private long total;
    private int collectionAliases;

    /** The plan expands past a limit through aliases, at the alias {@link #mark()} points to. */
    static final class AliasLimit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Mark> mark;
        private final String problem;

        AliasLimit(String problem, Optional<Mark> mark) {
            super(problem, null, false, false);
            this.problem = problem;
            this.mark = mark;
        }

        /** The plan problem in words, as the plan's reader shows it at the alias's position. */
        String problem() {
            return problem;
        }

        Optional<Mark> mark() {
            return mark;
        }
    }

    /** Nesting went past the limit at {@link #mark()}. */
    static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Mark> mark;

        TooDeep(Optional<Mark> mark) {
            super("nesting too deep", null, false, false);
            this.mark = mark;
        }

        Optional<Mark> mark() {
            return mark;
        }
    }

    DepthLimitedParser(Parser inner, int limit) {
        this.inner = inner;
        this.limit = limit;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
        return inner.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
        return inner.peekEvent();
    }

    @Override
    public boolean hasNext() {
        return inner.hasNext();
    }

    @Override
    public Event next() {
        Event e = inner.next();
        switch (e.getEventId()) {
            case MappingStart, SequenceStart -> {
                if (++depth > limit) {
                    throw new TooDeep(e.getStartMark());
                }
                open.push(new Object[] {anchor(e), 1L});
                total = Math.min(total + 1, Long.MAX_VALUE / 4);
            }
            case MappingEnd, SequenceEnd -> {
                depth--;
                Object[] done = open.poll();
                if (done != null) {
                    long size = (Long) done[1];
                    if (!((String) done[0]).isEmpty()) {
                        anchored.put((String) done[0], size);
                        collections.add((String) done[0]);
                    }
                    add(size);
                }
            }
            case Scalar -> {
                if (!anchor(e).isEmpty()) {
                    anchored.put(anchor(e), 1L);
                    collections.remove(anchor(e));
                }
                add(1);
                total = Math.min(total + 1, Long.MAX_VALUE / 4);
            }
            case Alias -> alias((AliasEvent) e);
            default -> {
            }
        }
        return e;
    }

    /** Counts an alias as the values its anchor expands to, and stops at the one past a limit. */
    private void alias(AliasEvent e) {
        String name = e.getAlias().getValue();
        long size = anchored.getOrDefault(name, 1L);
        if (collections.contains(name) && ++collectionAliases > PlanLoader.MAX_COLLECTION_ALIASES) {
            throw new AliasLimit("more than " + PlanLoader.MAX_COLLECTION_ALIASES + " aliases of lists or mappings: the alias *"
                    + name + " here is the " + ordinal(collectionAliases), e.getStartMark());
        }
        total = Math.min(total + size, Long.MAX_VALUE / 4);
        if (total > PlanLoader.MAX_NODES) {
            throw new AliasLimit("the plan expands to more than " + PlanLoader.MAX_NODES
                    + " values through aliases: the alias *" + name + " here adds " + size, e.getStartMark());
        }
        add(size);
    }

    /** Adds {@code n} values to the innermost open list or mapping. */
    private void add(long n) {
        Object[] top = open.peek();
        if (top != null) {
            top[1] = Math.min((Long) top[1] + n, Long.MAX_VALUE / 4);
        }
    }

    private static String anchor(Event e) {
        return e instanceof NodeEvent n ? n.getAnchor().map(a -> a.getValue()).orElse("") : "";
    }

    private static String ordinal(int n) {
        int t = n % 100;
        String suffix = t >= 11 && t <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
