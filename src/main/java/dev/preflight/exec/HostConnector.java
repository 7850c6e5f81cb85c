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
}
