package dev.preflight.cutover;

import dev.preflight.core.HolderLock;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One cutover per environment at a time: a {@link HolderLock} on {@code cutover-ENV.lock} naming
 * its holder (process, user, command, since when). A crashed run never blocks {@code resume}.
 */
public final class CutoverLock {
    private CutoverLock() {
    }

    /** The lock file of an environment in {@code dir}. */
    public static Path file(Path dir, String environment) {
        return dir.resolve("cutover-" + environment.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock");
    }

    /**
     * Takes the lock or fails with exit 3 naming the holder.
     *
     * @param holder who takes it, written into the file (e.g. {@code pid 123 root@bastion: cutover start})
     */
    public static HolderLock acquire(Path dir, String environment, String holder) {
        Path f = file(dir, environment);
        try {
            HolderLock.Attempt a = HolderLock.tryAcquire(f, holder);
            return a.lock().orElseThrow(() -> PreflightException.state("another cutover of " + environment
                    + " is running: " + (a.heldBy().isEmpty() ? "holder unknown" : a.heldBy()) + " (lock " + f + ")",
                    "wait for it to finish, or check 'preflight cutover status'"));
        } catch (IOException e) {
            throw PreflightException.state("cannot take the cutover lock " + f + ": " + dev.preflight.core.Errors.describe(e),
                    "check that the directory is writable");
        }
    }
}
