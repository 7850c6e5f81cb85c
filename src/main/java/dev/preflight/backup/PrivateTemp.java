package dev.preflight.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private (0700) temporary directory for credentials (a client option file with the database
 * password) or staged data, named after its owner ({@code PREFIX PID-START-HOST-RANDOM}, see
 * {@link Owner}). It is deleted on {@link #close()} and, unless the caller cleans up itself, by a
 * shutdown hook on SIGINT/SIGTERM; after a SIGKILL nothing runs, and the next run's
 * {@link Leftovers} sweep removes it once its owner is known to be gone, and says so.
 */
public final class PrivateTemp implements AutoCloseable {
    private final Path dir;
    private final Thread hook;

    private PrivateTemp(Path dir, Thread hook) {
        this.dir = dir;
        this.hook = hook;
    }

    /** A new directory for this process, deleted on close and on SIGINT/SIGTERM. */
    public static PrivateTemp create(String prefix) throws IOException {
        return create(prefix, true);
    }

    /**
     * A new directory for this process.
     *
     * @param onSignal delete it from a shutdown hook too; false when the caller's own hook must
     *                 still use it first (a restore drops its scratch database with the option file)
     */
    public static PrivateTemp create(String prefix, boolean onSignal) throws IOException {
        Path d = Files.createTempDirectory(prefix + Owner.me().fileToken() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Thread hook = null;
        if (onSignal) {
            hook = new Thread(() -> deleteQuietly(d), "preflight-private-temp");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                deleteQuietly(d);
                throw new IOException("the JVM is shutting down");
            }
        }
        return new PrivateTemp(d, hook);
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /** Deletes the directory and everything in it; idempotent. */
    @Override
    public void close() {
        deleteQuietly(dir);
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs (or ran) and deletes what is left.
            }
        }
    }

    /** Deletes a directory tree; returns false when something could not be deleted. */
    static boolean deleteQuietly(Path p) {
        try {
            deleteTree(p);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Deletes a directory tree (symlinks are removed, never followed). */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
