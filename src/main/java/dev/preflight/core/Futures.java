package dev.preflight.core;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for work handed to another thread as if it had been done on this one: the failure it
 * ended with is thrown here as itself (an I/O failure, an interrupt, a bug), not wrapped.
 */
public final class Futures {
    private Futures() {
    }

    /**
     * The result of {@code f}; its IOException, InterruptedException, RuntimeException or Error is
     * rethrown as is, anything else (a checked exception of another kind) as an IOException.
     */
    public static <T> T await(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }
}
