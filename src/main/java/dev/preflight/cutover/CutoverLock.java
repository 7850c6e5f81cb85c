package dev.preflight.cutover;

import dev.preflight.core.Errors;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.LockHolder;
import dev.preflight.core.LockProvider;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One cutover per environment at a time: a lock named {@code cutover ENV} naming its holder
 * (user@host, pid, command, since when): the file {@code cutover-ENV.lock}, or with a PostgreSQL
 * ledger an advisory lock in that database, so two bastions sharing the ledger cannot cut one
 * environment over at once. A crashed run never blocks {@code resume}: the lock dies with it.
 */
public final class CutoverLock {
    private CutoverLock() {
    }

    /** The lock file of an environment in {@code dir}. */
    public static Path file(Path dir, String environment) {
        return dir.resolve("cutover-" + environment.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock");
    }

    /** Takes the lock file or fails with exit 3 naming the holder. */
    public static ExclusiveLock acquire(Path dir, String environment, LockHolder holder) {
        return acquire(LockProvider.files(), dir, environment, holder);
    }

    /**
     * Takes the lock from {@code locks} or fails with exit 3 naming the holder.
     *
     * @param dir where the lock file lives (file locks only)
     */
    public static ExclusiveLock acquire(LockProvider locks, Path dir, String environment, LockHolder holder) {
        LockProvider.LockName name = new LockProvider.LockName("cutover", environment, file(dir, environment));
        try {
            LockProvider.Attempt a = locks.tryAcquire(name, holder);
            return a.lock().orElseThrow(() -> PreflightException.state("another cutover of " + environment
                    + " is running: " + (a.heldBy().isEmpty() ? "holder unknown" : a.heldBy()) + " ("
                    + locks.where(name) + ")",
                    "wait for it to finish, or check 'preflight cutover status'"));
        } catch (IOException e) {
            throw PreflightException.state("cannot take the cutover lock (" + locks.where(name) + "): " + Errors.describe(e),
                    "check that the directory is writable and the ledger database is reachable");
        }
    }
}
