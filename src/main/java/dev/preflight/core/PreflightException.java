package dev.preflight.core;

import java.util.Objects;

/**
 * An error a user can act on: a one-line message, an optional hint, and the exit code it maps to.
 * The CLI prints message and hint; the stack trace only with {@code --verbose}.
 */
public class PreflightException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;
    private final String hint;

    public PreflightException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
        this.hint = hint;
    }

    public PreflightException(ExitCode exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    public PreflightException(ExitCode exitCode, String message) {
        this(exitCode, message, null, null);
    }

    /** A plan or command-line problem (exit 2). */
    public static PreflightException usage(String message, String hint) {
        return new PreflightException(ExitCode.USAGE, message, hint);
    }

    /** A state we cannot act on, such as a held lock (exit 3). */
    public static PreflightException state(String message, String hint) {
        return new PreflightException(ExitCode.UNEXPECTED_STATE, message, hint);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** What the user can do about it, or {@code null}. */
    public String hint() {
        return hint;
    }
}
