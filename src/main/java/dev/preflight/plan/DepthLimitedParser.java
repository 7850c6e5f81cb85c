package dev.preflight.plan;

import java.util.Optional;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A YAML event stream that stops at a nesting depth: the composer recurses once per level of
 * mappings and lists, so 2,000 levels of {@code [} would overflow the stack; here they end at
 * the first level past the limit, with its position.
 */
final class DepthLimitedParser implements Parser {
    private final Parser inner;
    private final int limit;
    private int depth;

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
            }
            case MappingEnd, SequenceEnd -> depth--;
            default -> {
            }
        }
        return e;
    }
}
