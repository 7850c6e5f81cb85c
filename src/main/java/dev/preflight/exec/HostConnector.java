package dev.preflight.exec;

import java.io.IOException;

/**
 * Opens a {@link ProcessRunner} for a host: the local runner for {@code local}, one SSH session for
 * {@code ssh://} hosts (every command of that host then runs over it). Closing the runner closes
 * the session.
 */
@FunctionalInterface
public interface HostConnector {
    /**
     * @throws IOException when the host cannot be reached or refuses us (the message says why:
     *                     connection refused, timeout, host key mismatch, authentication failed)
     */
    ProcessRunner connect(HostUri host) throws IOException;

    /**
     * Opens the runner as {@link #connect(HostUri)} does and calls {@code answered} once the host's
     * address accepted the connection, before the login: an audit's pace tells a dead address
     * from a slow host by it. By default, once the runner is open.
     */
    default ProcessRunner connect(HostUri host, Runnable answered) throws IOException {
        ProcessRunner runner = connect(host);
        answered.run();
        return runner;
    }
}
