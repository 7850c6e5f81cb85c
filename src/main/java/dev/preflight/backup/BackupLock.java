package dev.preflight.backup;

import dev.preflight.core.Errors;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.LockHolder;
import dev.preflight.core.LockProvider;
import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One backup of a source at a time: a lock named {@code backup SOURCE} naming its holder (user,
 * host, pid, start time), so the refused second run says who holds it (exit 3). A lock file
 * {@code backup-SOURCE.lock} in the lock directory, or with a PostgreSQL ledger an advisory lock
 * in that database, so two machines sharing the ledger cannot back up one source at once.
 */
public final class BackupLock {
    private BackupLock() {
    }

    /** Takes the lock file or fails with exit 3 naming the holder. */
    public static ExclusiveLock acquire(Path dir, String source, Instant now) {
        return acquire(LockProvider.files(), dir, source, now);
    }

    /** Takes the lock from {@code locks} for a backup run or fails with exit 3 naming the holder. */
    public static ExclusiveLock acquire(LockProvider locks, Path dir, String source, Instant now) {
        return acquire(locks, dir, source, now, "backup run");
    }

    /**
     * Takes the lock of {@code source} from {@code locks} for {@code command} ({@code backup run} or
     * {@code backup prune}: one source's backups are never written and deleted at once) or fails
     * with exit 3 naming the holder and what it is doing.
     */
    public static ExclusiveLock acquire(LockProvider locks, Path dir, String source, Instant now, String command) {
        LockProvider.LockName name = new LockProvider.LockName("backup", source, dir.resolve("backup-" + source + ".lock"));
        try {
            LockProvider.Attempt a = locks.tryAcquire(name, LockHolder.me(now, command));
            // The holder's line names its command (preflight backup run, preflight backup prune).
            return a.lock().orElseThrow(() -> PreflightException.state("a backup of source '" + source
                    + "' is already running (" + locks.where(name) + " held by "
                    + (a.heldBy().isEmpty() ? "an unknown process" : a.heldBy()) + ")",
                    "wait for it to finish; the lock is released automatically when its holder exits"));
        } catch (IOException e) {
            throw PreflightException.state("cannot take the backup lock (" + locks.where(name) + "): " + Errors.describe(e),
                    "check that the lock directory is writable and the ledger database is reachable");
        }
    }
}
