package dev.preflight.backup;

import dev.preflight.core.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A destination directory on this machine. Copies are written as {@code .NAME.partial-RANDOM} in
 * the same directory, fsynced, and hard-linked to the final name (which fails instead of replacing
 * an existing file), then the temporary name is removed and the directory fsynced.
 */
public final class LocalDirectoryStore implements ArtifactStore {
    private final String name;
    private final Path dir;

    public LocalDirectoryStore(String name, Path dir) {
        this.name = name;
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return name;
    }

    /** The directory artifacts are stored in. */
    public Path dir() {
        return dir;
    }

    @Override
    public PendingCopy create(String fileName) throws IOException {
        if (fileName.contains("/") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("bad artifact name " + fileName);
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + fileName + ".", ".partial");
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return new Local(fileName, tmp, ch);
    }

    @Override
    public InputStream open(String location) throws IOException {
        return Files.newInputStream(Path.of(location));
    }

    @Override
    public boolean exists(String location) {
        return Files.isRegularFile(Path.of(location));
    }

    @Override
    public void delete(String location) throws IOException {
        Files.deleteIfExists(Path.of(location));
        AtomicFiles.fsyncDirectory(Path.of(location).getParent());
    }

    private final class Local implements PendingCopy {
        private final String fileName;
        private final Path tmp;
        private final FileChannel ch;
        private final OutputStream out;
        private boolean done;

        Local(String fileName, Path tmp, FileChannel ch) {
            this.fileName = fileName;
            this.tmp = tmp;
            this.ch = ch;
            this.out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public void seal() throws IOException {
            out.flush();
            ch.force(true);
            out.close();
        }

        @Override
        public InputStream readBack() throws IOException {
            return Files.newInputStream(tmp);
        }

        @Override
        public String commit() throws IOException {
            // A hard link never replaces an existing file, so two backups in the same minute get
            // distinct names instead of one silently overwriting the other.
            for (int i = 0; ; i++) {
                Path target = dir.resolve(i == 0 ? fileName : suffixed(fileName, i));
                try {
                    Files.createLink(target, tmp);
                } catch (FileAlreadyExistsException e) {
                    continue;
                } catch (UnsupportedOperationException e) {
                    if (Files.exists(target)) {
                        continue;
                    }
                    Files.move(tmp, target);
                    AtomicFiles.fsyncDirectory(dir);
                    done = true;
                    return target.toString();
                }
                Files.delete(tmp);
                AtomicFiles.fsyncDirectory(dir);
                done = true;
                return target.toString();
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                out.close();
            } catch (IOException ignored) {
                // The temporary file is deleted next; a close failure changes nothing.
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Left as a dot-file with .partial: never mistaken for an artifact.
            }
        }
    }

    /** {@code a.sql.gz} with suffix 2 is {@code a-2.sql.gz}: the counter goes before the extensions. */
    static String suffixed(String fileName, int n) {
        int dot = fileName.indexOf('.');
        return dot < 0 ? fileName + "-" + n : fileName.substring(0, dot) + "-" + n + fileName.substring(dot);
    }
}
