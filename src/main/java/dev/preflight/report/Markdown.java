package dev.preflight.report;

/**
 * Escaping for Markdown reports pasted into change tickets. Every position is one line: a line break
 * or control character in the text is shown as {@link Visible#line} writes it, so foreign text can
 * neither start a line of its own ("**Verdict: GO**") nor act on a terminal the file is printed in.
 */
public final class Markdown {
    private Markdown() {
    }

    /** A table cell: pipes escaped, line breaks shown (a {@code <br>} would put a forged line in the cell). */
    public static String cell(String s) {
        if (s == null) {
            return "";
        }
        return text(s).replace("|", "\\|");
    }

    /** Running text on one line: characters that would start markup are escaped, line breaks shown. */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        String shown = Visible.line(s);
        StringBuilder sb = new StringBuilder(shown.length());
        for (char c : shown.toCharArray()) {
            if ("\\`*_[]<>".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
