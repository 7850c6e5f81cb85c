package dev.preflight.exec;

import dev.preflight.core.Secrets;
import java.io.IOException;

/** The host connectors this build offers. */
public final class HostConnectors {
    private HostConnectors() {
    }

    /**
     * Local hosts only, through {@link LocalProcessRunner}: for runs that have no {@code ssh://}
     * host, or whose SSH settings are unusable. An {@code ssh://} host is refused with the reason
     * (reported as UNREACHABLE, never as passed); {@link SshConnector} is the connector for them.
     */
    public static HostConnector localOnly(Secrets secrets) {
        return host -> {
            if (host.isLocal()) {
                return new LocalProcessRunner(secrets);
            }
            throw new IOException(host + " was not checked: this run has no usable SSH settings");
        };
    }
}
