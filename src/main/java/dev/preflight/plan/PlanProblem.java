package dev.preflight.plan;

/**
 * One thing wrong with a plan file, with its position (1-based line and column) and field path.
 * {@link #format()} is the one-line form users see: {@code FILE:LINE:COL: path: message (hint)}.
 */
public record PlanProblem(String file, int line, int column, String path, String message, String hint) {
    public String format() {
        return file + ":" + line + ":" + column + ": " + (path == null || path.isEmpty() ? "(root)" : path) + ": "
                + message + (hint == null ? "" : " (" + hint + ")");
    }
}
