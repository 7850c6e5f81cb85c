package dev.preflight.report;

import java.util.List;

/**
 * The one escaping helper of every HTML and XML report (the page, JUnit, the gates report), and the
 * few element builders the page shares. Every
 * text from the ledger, the plan or a probe goes through {@link #esc}; the page is also well-formed
 * XML (void elements closed) so tests can read it with the JDK's parser.
 */
public final class Html {
    private Html() {
    }

    /** Escapes text for element content and quoted attribute values; characters XML cannot carry are replaced. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
                continue;
            }
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                // A carriage return (CRLF from Windows tools) is dropped; the line feed after it stays.
                case '\r' -> { }
                default -> {
                    // A control character (a terminal escape in a probe's output) is not allowed in
                    // XML 1.0 (C0) or means nothing on a page (DEL, C1): it becomes a space, so words
                    // around it stay apart. A bidirectional control would reorder what the reviewer
                    // reads: it is shown as the text reports show it (Visible: U+202E as
                    // backslash-u-202e). A lone surrogate or a non-character is a broken character:
                    // U+FFFD shows it.
                    if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 && c <= 0x9f) {
                        sb.append(' ');
                    } else if (Visible.hidden(c, true)) {
                        sb.append(Visible.notation(c));
                    } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A fragment identifier made only of letters, digits and dashes, so any subject can be an anchor. */
    public static String id(String prefix, String s) {
        StringBuilder sb = new StringBuilder(prefix);
        for (char c : s.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 ? Character.toLowerCase(c) : '-');
        }
        return sb.toString();
    }

    /** A table header row. */
    public static String head(String... cells) {
        StringBuilder sb = new StringBuilder("<thead><tr>");
        for (String c : cells) {
            sb.append("<th>").append(esc(c)).append("</th>");
        }
        return sb.append("</tr></thead>\n").toString();
    }

    /** An escaped cell, with a class when {@code cls} is not null. */
    public static String td(String cls, String text) {
        return (cls == null ? "<td>" : "<td class=\"" + cls + "\">") + esc(text) + "</td>";
    }

    /** An escaped bullet list, or nothing for an empty list. */
    public static String list(List<String> items) {
        if (items.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<ul>");
        items.forEach(i -> sb.append("<li>").append(esc(i)).append("</li>"));
        return sb.append("</ul>").toString();
    }

    /** The CSS class of an outcome word: ok for passed, warn for warning or stale, bad otherwise. */
    public static String outcomeClass(String outcome) {
        return switch (outcome) {
            case "passed", "fresh", "PASSED", "Mitigated", "current" -> "ok";
            case "warning", "stale", "At risk", "waived" -> "warn";
            case "not configured", "-" -> "muted";
            default -> "bad";
        };
    }
}
