package dev.preflight.backup;

import dev.preflight.core.Errors;
import java.io.IOException;

/**
 * A failure at one destination, naming it: "destination 'onprem' (/backups): No space left on
 * device", not just the operating system's words.
 */
final class DestinationException extends IOException {
    DestinationException(String message, IOException cause) {
        super(message, cause);
    }

    static DestinationException of(ArtifactStore s, IOException e) {
        return e instanceof DestinationException d ? d : new DestinationException("destination '" + s.name() + "' ("
                + s.where() + "): " + Errors.describe(e), e);
    }
}
