package dev.preflight.core;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive, non-waiting OS lock on a file whose content names its holder, so a refused second
 * run can say who holds it. The OS releases the lock when the holder dies, so a crash never leaves
 * a stale lock; the file itself is kept (deleting it would let two processes lock two different
 * files of the same name). Used for one backup per source and one cutover per environment.
 */
public final class HolderLock implements ExclusiveLock {
    private final FileChannel channel;
    private final FileLock lock;

    private HolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Either the lock, taken, or who holds it ("" when the holder wrote nothing yet). */
    public record Attempt(Optional<HolderLock> lock, String heldBy) {
    }

    /**
     * Tries to take the lock and writes {@code holder} into the file.
     *
     * @throws IOException when the file or its directory cannot be created or written
     */
    public static Attempt tryAcquire(Path file, String holder) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this very process (another thread or command in the same JVM)
            }
            if (l == null) {
                String who = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                return new Attempt(Optional.empty(), who);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new Attempt(Optional.of(new HolderLock(ch, l)), holder);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw e;
        }
    }

    /** {@code user@host pid N}: who this process is, for a holder line. */
    public static String me() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host + " pid " + ProcessHandle.current().pid();
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock in any case.
        }
    }
}
