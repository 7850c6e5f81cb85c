package dev.preflight.core;

/**
 * A held exclusive lock (one cutover per environment, one backup per source), released by
 * {@link #close()} or, whatever happens, when the holding process dies.
 */
public interface ExclusiveLock extends AutoCloseable {
    /** Releases the lock; never throws (a lock whose release failed is released by the process's exit). */
    @Override
    void close();
}
