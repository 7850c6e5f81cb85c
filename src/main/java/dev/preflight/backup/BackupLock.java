package dev.preflight.backup;

import dev.preflight.core.HolderLock;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One backup of a source at a time: a {@link HolderLock} on {@code backup-SOURCE.lock} naming the
 * holder (user, host, pid, start time), so the refused second run says who holds it (exit 3).
 */
public final class BackupLock {
    private BackupLock() {
    }

    /** Takes the lock or fails with exit 3 naming the holder. */
    public static HolderLock acquire(Path dir, String source, Instant now) {
        Path file = dir.resolve("backup-" + source + ".lock");
        try {
            HolderLock.Attempt a = HolderLock.tryAcquire(file, HolderLock.me() + " since " + now);
            return a.lock().orElseThrow(() -> PreflightException.state("a backup of source '" + source
                    + "' is already running (lock " + file + " held by "
                    + (a.heldBy().isEmpty() ? "an unknown process" : a.heldBy()) + ")",
                    "wait for it to finish; the lock is released automatically when its holder exits"));
        } catch (IOException e) {
            throw PreflightException.state("cannot take the backup lock " + file + ": " + dev.preflight.core.Errors.describe(e),
                    "check that the lock directory is writable");
        }
    }
}
