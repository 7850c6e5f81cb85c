package dev.preflight.report;

import dev.preflight.core.Json;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one rendering contract of every capability's {@code XReport}: text with a {@link Style},
 * JSON by serialising the result record itself (never a hand-built map), and whatever else the
 * renderer declares. The formats a command accepts, and its {@code --help} lists, come from
 * {@link #formats()}.
 *
 * @param <R> the typed result of one verb
 */
public interface Renderer<R> {
    /** The formats this renderer can produce; text and JSON unless it says otherwise. */
    default Set<Format> formats() {
        return EnumSet.of(Format.TEXT, Format.JSON);
    }

    /** The human-readable form; colour only through {@code style}, chosen from the result's data. */
    String text(R result, Style style);

    /** The machine-readable form: the result record as JSON. */
    default String json(R result) {
        return Json.pretty(result);
    }

    /** Formats beyond text and JSON (markdown, junit, html); only called for those in {@link #formats()}. */
    default String other(R result, Format format) {
        throw new UnsupportedOperationException(format.label() + " is not among " + formats());
    }

    /**
     * Renders in {@code format}, which the command has already checked is in {@link #formats()}. Whatever
     * the renderer built passes {@link Visible#report} last, so no foreign control character reaches
     * the terminal or the document unseen (a renderer does not override this).
     */
    default String render(R result, Format format, Style style) {
        String out = switch (format) {
            case TEXT -> text(result, style);
            case JSON -> json(result);
            default -> other(result, format);
        };
        return Visible.report(out, format, style.color());
    }
}
