package dev.preflight.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where exclusive locks are held: lock files beside the plan ({@link #files()}) when the state they
 * protect is local, or session advisory locks in the shared PostgreSQL ledger database
 * ({@link PgAdvisoryLocks}) when several machines act on one ledger, so that two bastions cannot run
 * one environment's cutover or one source's backup at the same time.
 */
public interface LockProvider {
    /**
     * What is locked.
     *
     * @param kind    {@code cutover} or {@code backup}
     * @param subject the environment or source
     * @param file    the lock file a file-based provider uses
     */
    record LockName(String kind, String subject, Path file) {
    }

    /**
     * Either the lock, taken, or who holds it.
     *
     * @param heldBy the holder's line, or "" when it could not be read
     */
    record Attempt(Optional<ExclusiveLock> lock, String heldBy) {
    }

    /**
     * Tries to take the lock without waiting.
     *
     * @throws IOException when the lock cannot even be tried (directory not writable, database unreachable)
     */
    Attempt tryAcquire(LockName name, LockHolder holder) throws IOException;

    /** Where the lock lives, for messages: the lock file, or the advisory lock and its database. */
    String where(LockName name);

    /** Lock files, released by the OS when the holder dies ({@link HolderLock}). */
    static LockProvider files() {
        return FileLocks.INSTANCE;
    }

    /**
     * The provider for a ledger: PostgreSQL advisory locks when the ledger URL is
     * {@code jdbc:postgresql:...}, else lock files.
     *
     * @param project the plan's project name (part of every advisory lock key)
     */
    static LockProvider forLedger(String ledgerUrl, String project) {
        if (ledgerUrl != null && ledgerUrl.startsWith("jdbc:postgresql:")) {
            return new PgAdvisoryLocks(ledgerUrl, project);
        }
        return files();
    }

    /** The file-lock provider. */
    final class FileLocks implements LockProvider {
        static final FileLocks INSTANCE = new FileLocks();

        private FileLocks() {
        }

        @Override
        public Attempt tryAcquire(LockName name, LockHolder holder) throws IOException {
            HolderLock.Attempt a = HolderLock.tryAcquire(name.file(), holder.line());
            return new Attempt(a.lock().map(l -> (ExclusiveLock) l), a.heldBy());
        }

        @Override
        public String where(LockName name) {
            return "lock " + name.file();
        }
    }
}
