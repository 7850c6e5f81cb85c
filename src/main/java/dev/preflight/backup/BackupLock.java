package dev.preflight.backup;

import dev.preflight.core.PreflightException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One backup of a source at a time: an OS file lock on {@code backup-SOURCE.lock}, whose content
 * names the holder (user, host, pid, start time) so that the refused second run can say who holds it.
 * The OS releases the lock when the holder dies, so a crashed run never leaves a stale lock; the file
 * itself is kept (deleting it would let two processes lock two different files of the same name).
 */
public final class BackupLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private BackupLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or fails with exit 3 naming the holder. */
    public static BackupLock acquire(Path dir, String source, Instant now) {
        Path file = dir.resolve("backup-" + source + ".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this very process (another thread)
            }
            if (l == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw PreflightException.state("a backup of source '" + source + "' is already running (lock "
                        + file + " held by " + (holder.isEmpty() ? "an unknown process" : holder) + ")",
                        "wait for it to finish; the lock is released automatically when its holder exits");
            }
            String me = System.getProperty("user.name") + "@" + host() + " pid " + ProcessHandle.current().pid()
                    + " since " + now;
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new BackupLock(ch, l);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // Reporting the original failure matters more.
                }
            }
            throw PreflightException.state("cannot take the backup lock " + file + ": " + e.getMessage(),
                    "check that the lock directory is writable");
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
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
