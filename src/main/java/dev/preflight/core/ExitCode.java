package dev.preflight.core;

/**
 * The process exit codes every command uses; a documented contract that CI jobs and wrappers rely on.
 */
public enum ExitCode {
    /** Everything that was asked for was done and verified. */
    OK(0),
    /** The tool worked, but at least one check failed (audit failure, NO-GO, broken chain). */
    CHECKS_FAILED(1),
    /** The command line or the plan file is wrong; nothing was done. */
    USAGE(2),
    /** The world is not in a state we can act on: a lock is held, a host is unreachable. */
    UNEXPECTED_STATE(3),
    /** A bug or an environment failure we did not anticipate. */
    INTERNAL(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
