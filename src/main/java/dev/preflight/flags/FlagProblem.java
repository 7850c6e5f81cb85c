package dev.preflight.flags;

import java.util.Locale;

/**
 * One thing wrong with the flags, where it is ({@code file:line:col}; line or column 0 when the
 * problem has none, e.g. a missing file) and which rule found it.
 */
public record FlagProblem(Severity severity, String rule, String file, int line, int column, String message) {
    /** Errors fail validation (exit 1); warnings are reported and recorded but pass. */
    public enum Severity {
        ERROR, WARNING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static FlagProblem error(String rule, String file, int line, int column, String message) {
        return new FlagProblem(Severity.ERROR, rule, file, line, column, message);
    }

    static FlagProblem warning(String rule, String file, int line, int column, String message) {
        return new FlagProblem(Severity.WARNING, rule, file, line, column, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col} as far as known. */
    public String location() {
        return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "");
    }

    /** The one-line form: {@code file:line:col: error: message [rule]}. */
    public String format() {
        return location() + ": " + severity.label() + ": " + message + " [" + rule + "]";
    }
}
