package dev.preflight.flags;

import dev.preflight.core.AtomicFiles;
import dev.preflight.core.Errors;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Reading, locking and atomically rewriting dotenv files. A rewrite goes to a temp file in the
 * same directory that gets the original's POSIX permissions before any byte is written, is fsynced
 * and renamed over the original, so a reader sees the old file or the new one, never a mix, and a
 * {@code 0600} production file never becomes world-readable, not even briefly.
 */
public final class DotenvIo {
    /**
     * In-process locks by lock file. The OS file lock is held per process (a second channel of the
     * same JVM gets OverlappingFileLockException instead of waiting), so threads of one process
     * queue here first and the OS lock then orders processes. Per-process by nature, not shared state.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private DotenvIo() {
    }

    /** Work done while the file's lock is held. */
    @FunctionalInterface
    public interface Locked<T> {
        T run() throws IOException;
    }

    /** The sibling lock file of a dotenv file: {@code .env.production} locks {@code .env.production.lock}. */
    public static Path lockFile(Path file) {
        Path abs = real(file);
        return abs.resolveSibling(abs.getFileName() + ".lock");
    }

    /** The lock could not be taken within the wait: another toggle (thread or process) holds it. */
    public static final class LockTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        LockTimeoutException(Path lock, Duration wait) {
            super("another toggle has held " + lock + " for more than " + wait.toSeconds() + "s");
        }
    }

    /** {@link #withLock(Path, Duration, Locked)} waiting up to 60 seconds. */
    public static <T> T withLock(Path file, Locked<T> body) throws IOException {
        return withLock(file, Duration.ofSeconds(60), body);
    }

    /**
     * Runs {@code body} holding the exclusive lock of {@code file}, waiting up to {@code wait} for
     * other threads and processes that hold it, so a read-modify-write cycle never loses another
     * one's change and a hung holder cannot make everyone else hang too.
     *
     * @throws LockTimeoutException when the lock is still held after {@code wait}
     */
    public static <T> T withLock(Path file, Duration wait, Locked<T> body) throws IOException {
        return withLock(file, wait, line -> { }, body);
    }

    /**
     * {@link #withLock(Path, Duration, Locked)} that tells {@code waiting} once, when the lock is
     * not free at once, what it waits for and for how long at most.
     */
    public static <T> T withLock(Path file, Duration wait, Consumer<String> waiting, Locked<T> body) throws IOException {
        Path lock = lockFile(file);
        String notice = "waiting for " + lock + ": another toggle holds it (giving up after "
                + (wait.toMillis() < 1000 ? wait.toMillis() + " ms)" : wait.toSeconds() + " s)");
        boolean[] told = {false};
        Runnable tell = () -> {
            if (!told[0]) {
                told[0] = true;
                waiting.accept(notice);
            }
        };
        long deadline = System.nanoTime() + wait.toNanos();
        ReentrantLock local = LOCAL.computeIfAbsent(lock, k -> new ReentrantLock());
        try {
            if (!local.tryLock()) {
                tell.run();
                if (!local.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new LockTimeoutException(lock, wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + lock);
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = ch.tryLock();
            if (held == null) {
                tell.run();
            }
            // FileChannel.lock cannot time out: poll tryLock until the deadline instead.
            while (held == null && (held = ch.tryLock()) == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new LockTimeoutException(lock, wait);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for " + lock);
                }
            }
            try (FileLock ignored = held) {
                return body.run();
            }
        } finally {
            local.unlock();
        }
    }

    /**
     * The file a path names, symlinks followed: deploy tools link {@code .env} to a shared file, and
     * renaming over the link would replace it with a plain file and cut it off from the shared one.
     */
    static Path real(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            return Files.exists(abs) ? abs.toRealPath() : abs;
        } catch (IOException e) {
            return abs;
        }
    }

    /**
     * Replaces {@code target} (the file behind it, when it is a symlink) with {@code content}
     * atomically, keeping its POSIX permissions, and its owner and group where this process may set them.
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path abs = real(target);
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new Named(abs + " is read-only: it was not changed", null);
        }
        try {
            replace(abs, content);
        } catch (Named e) {
            throw e;
        } catch (IOException e) {
            // A failure on our temp file: name the user's file and the cause, not the temp file.
            throw new Named(abs + " cannot be replaced ("
                    + Errors.describe(e).replaceFirst("^.*: ", "") + ")", e);
        }
    }

    /** A write failure already worded for the user, naming the dotenv file. */
    private static final class Named extends IOException {
        private static final long serialVersionUID = 1L;

        Named(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void replace(Path abs, byte[] content) throws IOException {
        Path dir = abs.getParent();
        PosixFileAttributes attrs = null;
        if (Files.exists(abs) && Files.getFileAttributeView(abs, PosixFileAttributeView.class) != null) {
            attrs = Files.readAttributes(abs, PosixFileAttributes.class);
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".partial");
        } catch (IOException e) {
            // The temp file is ours, not the user's: name the file being changed and why it cannot be.
            throw new Named(abs + " cannot be replaced: its directory " + dir + " refuses new files ("
                    + Errors.describe(e).replaceFirst("^.*: ", "") + ")", e);
        }
        boolean done = false;
        try {
            if (attrs != null) {
                Files.setPosixFilePermissions(tmp, attrs.permissions());
                keepOwnership(tmp, attrs);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new Named(abs + " cannot be replaced ("
                        + Errors.describe(e).replaceFirst("^.*: ", "") + ")", e);
            }
            AtomicFiles.fsyncDirectory(dir);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Gives the new file the old one's owner and group. Only root may give a file away, so for
     * anyone else this succeeds exactly when nothing changes (same user, a group they belong to);
     * otherwise the new file keeps this user's ownership, with the original permission bits.
     */
    private static void keepOwnership(Path tmp, PosixFileAttributes attrs) {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        try {
            view.setGroup(attrs.group());
        } catch (IOException | SecurityException ignored) {
            // Not a member of the group: the file keeps this user's default group.
        }
        try {
            view.setOwner(attrs.owner());
        } catch (IOException | SecurityException ignored) {
            // Not root: the file is this user's, as any edit by this user would make it.
        }
    }
}
