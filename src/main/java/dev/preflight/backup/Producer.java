package dev.preflight.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Map;
import java.util.Optional;

/**
 * Produces one source's artifact as a stream (a dump, an RDB), and says whether what it produced is
 * complete. The caller compresses, hashes and fans the stream out to every destination in one pass.
 */
public interface Producer {
    /** The artifact's extension before any compression suffix ({@code sql}, {@code rdb}). */
    String extension();

    /** Writes the uncompressed artifact to {@code out} (never closing it) and reports completeness. */
    Production produce(OutputStream out) throws IOException, InterruptedException;

    /**
     * The source server's own clock, asked with one short query, or empty when this kind of source
     * cannot say: a second clock for prune to judge retention by when every destination is a local
     * directory (whose times are this host's). An unreachable server throws; the caller treats that
     * as no evidence either way.
     */
    default Optional<Instant> serverNow() throws IOException, InterruptedException {
        return Optional.empty();
    }

    /**
     * True when {@link #produceFile} can write the uncompressed artifact straight into a local file:
     * a dump tool given the file as its stdout instead of a pipe (a third less wall time, bench/backup).
     */
    default boolean producesFile() {
        return false;
    }

    /**
     * Writes the uncompressed artifact into {@code file} (existing, empty, appended to) and reports
     * completeness, as {@link #produce} does for a stream. The caller reads the bytes from the file as
     * they arrive; the producer judges what the caller read ({@code read}), never the file itself,
     * which another writer could still be extending. Called only when {@link #producesFile()}.
     */
    default Production produceFile(Path file, WrittenFile read) throws IOException, InterruptedException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " writes streams only");
    }

    /** What the caller of {@link #produceFile} read of the file, for the producer to judge. */
    interface WrittenFile {
        /** How many of the last bytes {@link #end()} gives at most. */
        int TAIL = 512;

        /**
         * Says the producer is done writing, waits until the caller has read the file to its end and
         * returns the last bytes it read (at most {@link #TAIL}), as text.
         */
        String end() throws IOException, InterruptedException;

        /** How many bytes the caller read (final once {@link #end()} returned). */
        long length();
    }

    /**
     * How many uncompressed bytes the artifact is expected to have, for the progress display's ETA;
     * -1 when unknown. May change while {@link #produce} runs (read from another thread).
     */
    default long expectedBytes() {
        return -1;
    }

    /**
     * Called before {@link #produce} with a way to read the newest good backup of the same source
     * (uncompressed), for incremental sources; others ignore it.
     */
    default void previous(Previous previous) {
    }

    /** Opens the newest good backup's artifact of this source, if there is one that can be read. */
    @FunctionalInterface
    interface Previous {
        Optional<InputStream> open() throws IOException;
    }

    /** True when {@link #check} validates the content (then it runs alongside {@link #produce}). */
    default boolean checksContent() {
        return false;
    }

    /**
     * Checks the uncompressed content, read on its own thread while {@link #produce} writes it (the
     * stored copies are then proven to hold the same bytes by their SHA-256). Called only when
     * {@link #checksContent()}; it must read to the end of {@code content} or return a failure.
     */
    default Production check(InputStream content) throws IOException {
        content.transferTo(OutputStream.nullOutputStream());
        return Production.complete(Map.of());
    }

    /**
     * What producing or checking found.
     *
     * @param failure why the artifact is not a complete backup, or null when it is
     * @param facts   what is recorded with the backup (server version, row estimates, key counts)
     */
    record Production(String failure, Map<String, Object> facts) {
        public Production {
            facts = Map.copyOf(facts);
        }

        public static Production complete(Map<String, Object> facts) {
            return new Production(null, facts);
        }

        public static Production failed(String why, Map<String, Object> facts) {
            return new Production(why, facts);
        }

        public boolean ok() {
            return failure == null;
        }
    }
}
