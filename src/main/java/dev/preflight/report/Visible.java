package dev.preflight.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the characters of foreign text (a host's tool output, an HTTP answer, a ticket's fields, an
 * entry summary holding any of those) visible instead of letting them act on the terminal or the
 * document a report is read in: an ESC that rewrites the verdict's line or hides text, a carriage
 * return or backspace that overwrites what was printed, a bidirectional override that reorders it,
 * a line break that forges a report line of its own. The ledger keeps the bytes as they came; only
 * what is shown changes.
 *
 * <p>The notation is the C/shell backslash one, as {@code printf} reads it: {@code \e} (ESC),
 * {@code \r}, {@code \n}, {@code \t}, {@code \b}, other C0 controls and DEL as {@code \x07},
 * C1 controls and invisible format characters as their code point, <code>&#92;u009b</code>, <code>&#92;u202e</code>.
 * Unlike {@code cat -v}'s {@code ^[} it says which code point was there in the form people search
 * for and paste back into {@code printf}; a backslash already in the text is left as it is (the
 * display is for reading; the faithful copy is the ledger's and the JSON's).
 */
public final class Visible {
    /** The only escape sequences a text report may carry: {@link Style}'s own colours and reset. */
    private static final Pattern OWN_SGR = Pattern.compile("\u001b\\[(?:0|1|2|31|32|33)m");
    /**
     * What may pass to the terminal streams ({@link #stream}): {@link Style}'s colours and the help's
     * (bold, faint, italic, underline, red, green, yellow, their resets), and the erase to the end of
     * the line a live progress line ends with. Never conceal, reverse, a background, a cursor move.
     */
    private static final Pattern TERMINAL_OWN = Pattern.compile(
            "\u001b\\[(?:(?:0|1|2|3|4|21|22|23|24|31|32|33|39)(?:;(?:0|1|2|3|4|21|22|23|24|31|32|33|39))*)?m|\u001b\\[K");

    private Visible() {
    }

    /**
     * Text for a one-line position (a table cell, a summary, a reason, a list item): every control
     * character, line breaks and tabs included, and every bidirectional control shown as notation,
     * so the text stays on the line it was put on.
     */
    public static String line(String s) {
        if (s == null) {
            return null;
        }
        return shown(s, false) ? s : show(s, false);
    }

    /**
     * Text for a position that may run over several lines (a block of output): line breaks and tabs
     * are kept, a carriage return before a line feed is dropped (CRLF from Windows tools), every
     * other control and bidirectional character is shown as notation.
     */
    public static String lines(String s) {
        if (s == null) {
            return null;
        }
        return shown(s, true) ? s : show(s, true);
    }

    /**
     * The last pass over a whole report before it is written, so nothing reaches the terminal or
     * a file unseen, whichever renderer built it: {@link #lines} for everything but, in a text report
     * printed in colour, {@link Style}'s own sequences. In JSON the characters Jackson leaves raw (C1
     * controls, bidirectional controls) are written as the JSON escape of the same character, so the
     * document means the same and still parses.
     */
    public static String report(String text, Format format, boolean colour) {
        if (text == null) {
            return null;
        }
        if (format == Format.JSON) {
            // Jackson escapes C0 controls in strings; what it leaves is only valid inside strings
            // (JSON's structure is ASCII), where backslash-u is the same character.
            return shown(text, true) ? text : jsonEscapes(text);
        }
        if (format != Format.TEXT || !colour || text.indexOf('\u001b') < 0) {
            return lines(text);
        }
        return keeping(text, OWN_SGR, true);
    }

    /**
     * One piece of what is written to stdout or stderr (the CLI's writers pass every write through
     * this), so text no renderer saw (an error message quoting a server, a progress line) is shown
     * too: as {@link #lines}, keeping the colours of {@link Style} and of the help. A piece written
     * as {@code core.Progress} redraws its live line, a carriage return first and the erase to the
     * end of the line last, keeps that return, and the rest is one line ({@link #line}): it can only
     * redraw itself.
     */
    public static String stream(String piece) {
        if (piece.isEmpty() || piece.equals(System.lineSeparator())) {
            return piece;
        }
        boolean redraw = piece.charAt(0) == '\r' && piece.endsWith("\u001b[K");
        String rest = redraw ? piece.substring(1) : piece;
        if (shown(rest, !redraw)) {
            return piece;
        }
        return (redraw ? "\r" : "") + keeping(rest, TERMINAL_OWN, !redraw);
    }

    /** {@code text} shown, but for the sequences {@code own} matches, which are kept as they are. */
    private static String keeping(String text, Pattern own, boolean multiLine) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        Matcher m = own.matcher(text);
        int at = 0;
        while (m.find()) {
            sb.append(show(text.substring(at, m.start()), multiLine)).append(m.group());
            at = m.end();
        }
        return sb.append(show(text.substring(at), multiLine)).toString();
    }

    /** Whether {@code c} is shown as notation (in a multi-line position, line feed and tab are text). */
    static boolean hidden(char c, boolean multiLine) {
        if (c < 0x20) {
            return !(multiLine && (c == '\n' || c == '\t'));
        }
        return c == 0x7f || c >= 0x80 && c <= 0x9f || bidiOrBreak(c);
    }

    /**
     * Invisible characters that reorder text or break a line where the terminal, a Markdown viewer
     * or a browser would: the bidirectional embeddings, overrides and isolates (the same ones a plan
     * may not hold, {@code plan.NodeCheck}), the three directional marks, and the Unicode line and
     * paragraph separators.
     */
    private static boolean bidiOrBreak(char c) {
        return c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
                || c == '\u061c' || c == '\u2028' || c == '\u2029';
    }

    private static boolean shown(String s, boolean multiLine) {
        for (int i = 0; i < s.length(); i++) {
            if (hidden(s.charAt(i), multiLine)) {
                return false;
            }
        }
        return true;
    }

    private static String show(String s, boolean multiLine) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!hidden(c, multiLine)) {
                sb.append(c);
            } else if (c == '\r' && multiLine && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                continue; // CRLF: the line feed that follows ends the line
            } else {
                sb.append(notation(c));
            }
        }
        return sb.toString();
    }

    /** How one hidden character is written. */
    static String notation(char c) {
        return switch (c) {
            case '\u001b' -> "\\e";
            case '\r' -> "\\r";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            default -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
        };
    }

    private static String jsonEscapes(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(hidden(c, true) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
