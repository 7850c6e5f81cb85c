package dev.preflight.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Writes files so that a reader only ever sees the old content or the complete new content:
 * temp file in the same directory, fsync, atomic rename, fsync of the directory. The file keeps
 * the mode it had (an nginx include stays 0644, a {@code .env} stays 0600); a new file gets the
 * mode the umask gives, as any other program's would. A symlink to a regular file stays a link:
 * the file behind it is replaced.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Functional writer of a file's content. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isSymbolicLink(abs) && Files.isRegularFile(abs)) {
            // sites-enabled/x -> sites-available/x: replace the file behind the link, keep the link.
            abs = abs.toRealPath();
        }
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> keep = null;
        if (Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)
                && Files.getFileAttributeView(abs, PosixFileAttributeView.class) != null) {
            keep = Files.getPosixFilePermissions(abs, LinkOption.NOFOLLOW_LINKS);
        }
        Path tmp = createTemp(dir, abs.getFileName().toString());
        boolean done = false;
        try {
            if (keep != null) {
                Files.setPosixFilePermissions(tmp, keep);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A new empty file {@code .NAME.RANDOM.partial} in {@code dir}, created without explicit
     * permissions so the umask decides (Files.createTempFile would force 0600).
     */
    static Path createTemp(Path dir, String name) throws IOException {
        for (int i = 0; ; i++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".partial");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }

    /** Makes a rename durable; best effort because some file systems refuse to open directories. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not all platforms allow fsync on a directory; the rename itself is still atomic.
        }
    }
}
