package dev.preflight.report;

import java.util.Map;

/**
 * Terminal styling for text reports: ANSI colour when enabled, plain text otherwise. Whether it is
 * enabled is decided in one place, {@link #enabled}, for reports, help and progress alike.
 */
public record Style(boolean color) {
    public static final Style PLAIN = new Style(false);

    /**
     * Colour (and any other escape code) only when the output is a terminal that understands it:
     * never with {@code --no-color}, a non-empty {@code NO_COLOR} (no-color.org), {@code TERM=dumb}
     * or no {@code TERM} at all (Emacs shells, some CI runners), or when it is not a terminal.
     */
    public static boolean enabled(Map<String, String> env, boolean terminal, boolean noColorOption) {
        String noColor = env.get("NO_COLOR");
        String term = env.get("TERM");
        return terminal && !noColorOption && (noColor == null || noColor.isEmpty())
                && term != null && !term.isBlank() && !term.equals("dumb");
    }

    /** Whether the terminal may be redrawn in place with escape codes (a live progress line). */
    public static boolean liveLine(Map<String, String> env, boolean terminal) {
        String term = env.get("TERM");
        return terminal && term != null && !term.isBlank() && !term.equals("dumb");
    }

    public String ok(String s) {
        return wrap("32", s);
    }

    public String bad(String s) {
        return wrap("31", s);
    }

    public String warn(String s) {
        return wrap("33", s);
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    private String wrap(String code, String s) {
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
