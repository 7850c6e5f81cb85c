package dev.preflight.cutover;

import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One cutover per environment at a time: an exclusive OS lock on {@code cutover-ENV.lock}, which
 * names its holder (process, user, command, since when). The OS drops the lock when the holder
 * dies, so a crashed run never blocks {@code resume}; the file itself is left in place.
 */
public final class CutoverLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private CutoverLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
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
    public static CutoverLock acquire(Path dir, String environment, String holder) {
        Path f = file(dir, environment);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this very process (another command in the same JVM)
            }
            if (l == null) {
                String who = Files.readString(f, StandardCharsets.UTF_8).strip();
                ch.close();
                throw PreflightException.state("another cutover of " + environment + " is running: "
                        + (who.isEmpty() ? "holder unknown" : who) + " (lock " + f + ")",
                        "wait for it to finish, or check 'preflight cutover status'");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new CutoverLock(ch, l);
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw PreflightException.state("cannot take the cutover lock " + f + ": " + e.getMessage(),
                    "check that the directory is writable");
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        }
    }
}
