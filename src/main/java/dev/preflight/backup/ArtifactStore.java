package dev.preflight.backup;

import dev.preflight.core.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One backup destination (a local directory, an S3 bucket). A new artifact is written under a
 * temporary name and only gets its final name by {@link PendingCopy#commit()}, after it was sealed
 * and read back; a reader of the destination therefore never sees a partial artifact under a final
 * name. Locations are strings recorded in the ledger ({@code /backups/x.sql.gz}, {@code s3://b/k}).
 */
public interface ArtifactStore {
    /** The destination's name in the plan. */
    String name();

    /** Where it stores, for messages: a directory or {@code s3://bucket/prefix}. */
    default String where() {
        return name();
    }

    /** Starts writing {@code fileName} under a temporary name. */
    PendingCopy create(String fileName) throws IOException;

    /** Opens a stored copy; {@link java.nio.file.NoSuchFileException} when it is not there. */
    InputStream open(String location) throws IOException;

    /** True when the copy exists. */
    boolean exists(String location) throws IOException;

    /** The stored copy's size in bytes, or -1 when it is not there (one stat or HEAD, nothing read). */
    long size(String location) throws IOException;

    /**
     * What the store's own clock says of a stored copy, for judging this host's clock by another
     * (one stat or HEAD); empty when the store keeps no clock of its own or cannot say.
     */
    default Optional<StoreTimes> times(String location) throws IOException {
        return Optional.empty();
    }

    /**
     * The store's clock: when it stored a copy (a file's mtime, an object's Last-Modified) and what
     * time it says it is now (an HTTP {@code Date} header), each null when it does not say; a local
     * directory's times come from this host's clock and so prove nothing about it.
     */
    record StoreTimes(Instant storedAt, Instant storeNow) {
    }

    /** Deletes a stored copy (no error when it is already gone). */
    void delete(String location) throws IOException;

    /**
     * Writes a small marker named {@code name} where this store keeps its copies and returns its
     * location (then {@link #delete} it), for proving whether another destination is this same
     * place under another name; empty when the store cannot say more than its plan entry does.
     */
    default Optional<String> mark(String name) throws IOException {
        return Optional.empty();
    }

    /** A copy being written: write, seal, read back, then commit or abort. */
    interface PendingCopy {
        /** Where the bytes go. */
        OutputStream out();

        /** Flushes, makes the bytes durable (fsync, upload) and closes the stream. */
        void seal() throws IOException;

        /** Reads the sealed bytes back from where they are stored. */
        InputStream readBack() throws IOException;

        /**
         * The SHA-256 (hex) and size of the sealed copy as read back from where it is stored. By
         * default a full read after {@link #seal()}; a store may read behind the writer instead, as
         * long as the last bytes are read after the seal and up to the stored end.
         */
        default ReadBack readBackDigest() throws IOException {
            MessageDigest md = Hashing.sha256();
            long n = 0;
            try (InputStream in = readBack()) {
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            return new ReadBack(HexFormat.of().formatHex(md.digest()), n);
        }

        /**
         * The temporary file itself, when the copy is one on this machine, for a producer that writes
         * it directly ({@link Producer#produceFile}): after this call nothing may be written through
         * {@link #out()}, and the caller's own pass, which reads the stored file, is its read-back (the
         * copy then only makes the data durable as the file grows; {@link #readBackDigest()} asked
         * anyway reads the whole file). Empty when the copy is not a local file (an upload).
         */
        default Optional<Path> writeInPlace() {
            return Optional.empty();
        }

        /** Gives the copy its final name (never overwriting another artifact) and returns its location. */
        String commit() throws IOException;

        /** Removes the temporary copy; safe to call at any time and more than once. */
        void abort();
    }

    /** What a read-back found: the stored bytes' SHA-256 (hex) and count. */
    record ReadBack(String sha256, long size) {
    }
}
