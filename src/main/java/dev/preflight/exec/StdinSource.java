package dev.preflight.exec;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a process's stdin (for example a dump streamed into {@code mariadb}). Called on its own
 * thread; the runner closes the stream afterwards.
 */
@FunctionalInterface
public interface StdinSource {
    void writeTo(OutputStream stdin) throws IOException;
}
