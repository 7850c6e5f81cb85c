package dev.preflight.backup;

import dev.preflight.core.AtomicFiles;
import dev.preflight.core.Hashing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A destination directory on this machine. Copies are written as {@code .NAME.OWNER.RANDOM.partial} in
 * the same directory, fsynced, and hard-linked to the final name (which fails instead of replacing
 * an existing file), then the temporary name is removed and the directory fsynced.
 */
public final class LocalDirectoryStore implements ArtifactStore {
    /** The suffix of copies being written. */
    static final String PARTIAL = ".partial";
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

    @Override
    public String where() {
        return dir.toString();
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
        // Named after its owner, so that after a SIGKILL the next run can tell it is nobody's work.
        Path tmp = Files.createTempFile(dir, "." + fileName + "." + Owner.me().fileToken() + ".", PARTIAL);
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new Local(fileName, tmp, ch);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
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
    public long size(String location) throws IOException {
        Path p = Path.of(location);
        try {
            return Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
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
        private final Follower follower;
        private boolean done;
        private volatile boolean inPlace;

        Local(String fileName, Path tmp, FileChannel ch) throws IOException {
            this.fileName = fileName;
            this.tmp = tmp;
            this.ch = ch;
            this.follower = new Follower(tmp, ch);
            OutputStream file = Channels.newOutputStream(ch);
            // Below the buffer: counts what reached the file, which is how far the follower may read.
            this.out = new BufferedOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    file.write(b, off, len);
                    follower.written(len);
                }

                @Override
                public void close() throws IOException {
                    // Closes the channel: without it every copy kept its descriptor (and a deleted
                    // partial its disk space) until the JVM exited.
                    file.close();
                }
            }, 1 << 16);
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public Optional<Path> writeInPlace() {
            inPlace = true;
            follower.followLength();
            return Optional.of(tmp);
        }

        @Override
        public void seal() throws IOException {
            out.flush();
            ch.force(true);
            out.close();
            follower.sealed();
        }

        @Override
        public InputStream readBack() throws IOException {
            return Files.newInputStream(tmp);
        }

        @Override
        public ReadBack readBackDigest() throws IOException {
            // Written in place, the follower hashed nothing: a read-back asked for anyway reads it all.
            return inPlace ? PendingCopy.super.readBackDigest() : follower.result();
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
            follower.stop();
            try {
                out.close();
            } catch (IOException ignored) {
                // The temporary file is deleted next; a close failure changes nothing.
            }
            try {
                // A full disk makes the flush in close() fail: the channel must be closed anyway.
                ch.close();
            } catch (IOException ignored) {
                // Nothing more can be done about a descriptor that will not close.
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Left as a dot-file with .partial: never mistaken for an artifact.
            }
        }
    }

    /**
     * The read-back of a local copy, done behind the writer instead of after it: a thread reads the
     * temporary file through its own descriptor up to what has reached the file, hashes it, and
     * every {@value #SYNC_EVERY} bytes asks for the data to be made durable, so that the disk writes
     * overlap the dump instead of all waiting for the final fsync. After the seal (fsync, close) it
     * reads on to the file's real end: the result is the stored file's bytes, all of them, never the
     * writer's idea of them. On a 1.1 GB dump this took the read-back and most of the fsync off the
     * end of the backup (bench/backup).
     */
    private static final class Follower implements Runnable {
        // Every 64 MiB. Every 16 MiB left less for the seal's fsync (a 100 MB backup waited 3-9 ms
        // instead of 18-32 ms), but a 1.1 GB one took longer: MariaDB 11.28 s against 9.87 s, Redis
        // 12.04 s against 11.12 s (bench/backup 1100, 3 rounds side by side, load 1.0-1.9).
        private static final long SYNC_EVERY = 64L << 20;
        // How often a file filled by another writer is looked at again (for its periodic fsync).
        private static final long POLL_NANOS = 5_000_000L;
        private final FileChannel in;
        private final FileChannel writer;
        private final AtomicLong written = new AtomicLong();
        private final Thread thread;
        private final MessageDigest md = Hashing.sha256();
        private volatile boolean sealed;
        private volatile boolean stopped;
        private volatile boolean byLength;
        private long read;
        private IOException failure;

        Follower(Path file, FileChannel writer) throws IOException {
            // Opened now, before anything can remove the name: the follower reads this very file.
            this.in = FileChannel.open(file, StandardOpenOption.READ);
            this.writer = writer;
            this.thread = new Thread(this, "preflight-read-back");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Another writer fills the file (a dump tool given it as stdout) and the caller's pass hashes
         * it from the file: from now on only make the data durable as the file grows, looking every
         * few milliseconds, since no write announces itself.
         */
        void followLength() {
            byLength = true;
            LockSupport.unpark(thread);
        }

        void written(long n) {
            written.addAndGet(n);
            LockSupport.unpark(thread);
        }

        void sealed() {
            sealed = true;
            LockSupport.unpark(thread);
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long synced = 0;
            try (in) {
                while (!stopped) {
                    if (byLength) {
                        // Written in place and hashed by the caller's own pass over the stored file:
                        // here the data is only made durable as the file grows.
                        if (sealed) {
                            return;
                        }
                        long size = in.size();
                        if (size - synced >= SYNC_EVERY) {
                            try {
                                writer.force(false);
                            } catch (ClosedChannelException sealedMeanwhile) {
                                // The seal's own fsync covers it.
                            }
                            synced = size;
                        }
                        LockSupport.parkNanos(POLL_NANOS);
                        continue;
                    }
                    // Read after the seal: up to the end of the file as stored, whatever was counted.
                    boolean last = sealed;
                    long limit = last ? Long.MAX_VALUE : written.get();
                    if (read >= limit) {
                        LockSupport.parkNanos(50_000_000L);
                        continue;
                    }
                    buf.clear().limit((int) Math.min(buf.capacity(), limit - read));
                    int n = in.read(buf, read);
                    if (n < 0) {
                        if (last) {
                            return;
                        }
                        continue;
                    }
                    md.update(buf.array(), 0, n);
                    read += n;
                    if (!last && read - synced >= SYNC_EVERY) {
                        try {
                            writer.force(false);
                        } catch (ClosedChannelException sealedMeanwhile) {
                            // The seal's own fsync covers it.
                        }
                        synced = read;
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        ReadBack result() throws IOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the copy back");
            }
            if (stopped) {
                throw new IOException("the copy was abandoned before it was read back");
            }
            if (failure != null) {
                throw failure;
            }
            return new ReadBack(HexFormat.of().formatHex(md.digest()), read);
        }
    }

    /** {@code a.sql.gz} with suffix 2 is {@code a-2.sql.gz}: the counter goes before the extensions. */
    static String suffixed(String fileName, int n) {
        int dot = fileName.indexOf('.');
        return dot < 0 ? fileName + "-" + n : fileName.substring(0, dot) + "-" + n + fileName.substring(dot);
    }
}
