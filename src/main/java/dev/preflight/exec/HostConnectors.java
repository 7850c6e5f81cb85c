package dev.preflight.exec;

import dev.preflight.core.Secrets;
import java.io.IOException;

/** The host connectors this build offers. */
public final class HostConnectors {
    private HostConnectors() {
    }

    /**
     * Local hosts run through {@link LocalProcessRunner}; {@code ssh://} hosts are refused with a
     * reason (reported as UNREACHABLE, never as passed) until the SSH runner lands.
     */
    public static HostConnector localOnly(Secrets secrets) {
        return host -> {
            if (host.isLocal()) {
                return new LocalProcessRunner(secrets);
            }
            throw new IOException("SSH hosts are not supported by this build of Preflight yet; " + host
                    + " was not checked");
        };
    }
}
