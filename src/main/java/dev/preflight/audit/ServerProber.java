package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Server;
import java.io.IOException;

/**
 * Asks an environment's server for its version over the server's own protocol: MySQL/MariaDB
 * answers {@code SELECT VERSION()}, Redis answers {@code INFO server}. The answer is the raw text
 * the tool parsers read.
 */
public interface ServerProber {
    /**
     * @throws IOException when the server cannot be reached or refuses us (the message says why,
     *                     without credentials)
     */
    String query(Server server) throws IOException;
}
