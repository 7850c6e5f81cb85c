package dev.preflight.gates;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;

/**
 * A gate's outside service could not answer (authentication refused, rate limit or server errors
 * beyond the retries, unreachable, unexpected response): exit 3 when it stops a command, a failed
 * gate with this message when it happens during {@code gates check}.
 */
public final class GateException extends PreflightException {
    private static final long serialVersionUID = 1L;

    public GateException(String message, String hint) {
        super(ExitCode.UNEXPECTED_STATE, message, hint);
    }

    public GateException(String message, String hint, Throwable cause) {
        super(ExitCode.UNEXPECTED_STATE, message, hint, cause);
    }
}
