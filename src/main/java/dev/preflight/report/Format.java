package dev.preflight.report;

import java.util.Locale;

/** The output formats a command may offer with {@code --format}. */
public enum Format {
    // The order --help lists a command's formats in: text, then the machine formats, then documents.
    TEXT, JSON, JUNIT, MARKDOWN, HTML;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Format parse(String s) {
        for (Format f : values()) {
            if (f.label().equalsIgnoreCase(s.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + s + "' (text, json, markdown, junit, html)");
    }
}
