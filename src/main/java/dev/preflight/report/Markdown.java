package dev.preflight.report;

/** Escaping for Markdown reports pasted into change tickets. */
public final class Markdown {
    private Markdown() {
    }

    /** A table cell: pipes escaped, newlines folded. */
    public static String cell(String s) {
        if (s == null) {
            return "";
        }
        return text(s).replace("|", "\\|").replace("\r", " ").replace("\n", "<br>");
    }

    /** Running text: characters that would start markup are escaped. */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if ("\\`*_[]<>".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
