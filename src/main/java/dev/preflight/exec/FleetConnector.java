package dev.preflight.exec;

import dev.preflight.core.Errors;
import dev.preflight.core.Secrets;
import java.io.IOException;

/**
 * The connector for an environment's hosts, whatever their kind: local hosts get the local runner,
 * {@code ssh://} hosts an {@link SshConnector} built on first use from the environment's SSH
 * settings. When those settings are unusable (no known_hosts, unreadable key), every SSH host is
 * refused with that reason (UNREACHABLE, never passed) while local hosts are still checked.
 * Thread-safe; close it when the run is over.
 */
public final class FleetConnector implements HostConnector, AutoCloseable {
    private final SshOptions options;
    private final Secrets secrets;
    private SshConnector ssh;
    private String sshUnusable;

    /** @param options the environment's SSH settings, or null for OpenSSH's defaults */
    public FleetConnector(SshOptions options, Secrets secrets) {
        this.options = options;
        this.secrets = secrets;
    }

    @Override
    public ProcessRunner connect(HostUri host) throws IOException {
        return connect(host, () -> { });
    }

    @Override
    public ProcessRunner connect(HostUri host, Runnable answered) throws IOException {
        if (host.isLocal()) {
            answered.run();
            return new LocalProcessRunner(secrets);
        }
        return ssh().connect(host, answered);
    }

    private synchronized SshConnector ssh() throws IOException {
        if (ssh == null && sshUnusable == null) {
            try {
                ssh = new SshConnector(options != null ? options : SshOptions.defaults(), secrets);
            } catch (IOException e) {
                sshUnusable = Errors.describe(e);
            }
        }
        if (ssh == null) {
            throw new IOException(sshUnusable);
        }
        return ssh;
    }

    @Override
    public synchronized void close() throws IOException {
        if (ssh != null) {
            ssh.close();
        }
    }
}
