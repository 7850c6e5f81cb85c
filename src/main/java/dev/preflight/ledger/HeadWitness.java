package dev.preflight.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The head of the ledger kept in a file outside the store, where deleting rows cannot reach it: a
 * hash chain cannot see its own newest entries cut off, this file can. It is replaced atomically
 * (temp file, fsync, rename) after every append, never before the append is committed, so it
 * records at most what the store holds; it is a lower bound that may lag by the one entry being
 * written when a process dies. With a {@link HeadKey} it is signed, so editing it is caught too.
 *
 * <p>For SQLite it is {@code LEDGER.head} beside the database; for PostgreSQL one file per
 * database under the plan's {@code .preflight/ledger-heads/} (a witness per bastion or runner).
 */
public final class HeadWitness {
    static final String FORMAT = "preflight-ledger-head/1";
    /** The size of a head written in place: one disk sector, which a power cut writes whole or not at all. */
    static final int SECTOR = 512;

    private final Path file;
    private final String ledger;
    private final Optional<HeadKey> key;

    HeadWitness(Path file, String ledger, Optional<HeadKey> key) {
        this.file = file.toAbsolutePath().normalize();
        this.ledger = ledger;
        this.key = key;
    }

    /** The head file. */
    public Path file() {
        return file;
    }

    /** The lock file serialising appends and head updates of this ledger on this machine. */
    Path lockFile() {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    Optional<HeadKey> key() {
        return key;
    }

    /** What the head file says: nothing (no file), a head, or that it cannot be read. */
    sealed interface State {
    }

    /** No head file: nothing outside the store vouches for its tail. */
    record Absent() implements State {
    }

    /** A head as recorded, with its signature (null when unsigned). */
    record Recorded(LedgerHead head, Instant time, String signature) implements State {
    }

    /** A head file that exists and is not a head (edited by hand, or not ours). */
    record Unreadable(String why) implements State {
    }

    State read() {
        State s = readOnce();
        // A head is overwritten in place, and a reader in another process can catch the sector
        // mid-copy; a writer holds it for microseconds, so a short wait tells a race from damage.
        for (int retry = 0; retry < 3 && s instanceof Unreadable; retry++) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
            s = readOnce();
        }
        return s;
    }

    private State readOnce() {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Absent();
        } catch (IOException e) {
            return new Unreadable("cannot read it: " + Errors.describe(e));
        }
        try {
            JsonNode n = Json.parse(new String(data, StandardCharsets.UTF_8));
            if (!FORMAT.equals(n.path("format").asText())) {
                return new Unreadable("it is not a " + FORMAT + " file");
            }
            if (!n.path("seq").canConvertToLong() || !n.path("seq").isIntegralNumber()) {
                return new Unreadable("it has no sequence number");
            }
            LedgerHead h = new LedgerHead(n.path("seq").asLong(), n.path("hash").asText());
            if (!h.hash().matches("[0-9a-f]{64}")) {
                return new Unreadable("its hash is not a SHA-256");
            }
            Instant t = n.hasNonNull("time") ? Instant.parse(n.path("time").asText()) : null;
            return new Recorded(h, t, n.hasNonNull("signature") ? n.path("signature").asText() : null);
        } catch (RuntimeException e) {
            return new Unreadable("it is not a head file (" + Errors.describe(e) + ")");
        }
    }

    /** The bytes a head signature covers; shared with bundles so both sign the same statement. */
    static byte[] signedText(LedgerHead head, Instant time) {
        return (FORMAT + "\n" + head.seq() + "\n" + head.hash() + "\n" + (time == null ? "" : time.toString()) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks a recorded head against the store: present, the same hash at its sequence number, and
     * (with a key) signed by it. Empty when it agrees.
     *
     * @param source  who records the head, for the message ("head file", "--expect-head")
     * @param entries how many entries the intact chain has
     * @param hashAt  the stored hash of an entry the chain contains
     */
    static Optional<VerifyResult.Broken> compare(LedgerHead recorded, String source, long entries, LongFunction<String> hashAt) {
        if (recorded.seq() > entries) {
            return Optional.of(new VerifyResult.Broken(entries, entries + 1, "entries after seq " + entries
                    + " are missing (" + source + " records seq " + recorded.seq() + ")"));
        }
        if (recorded.seq() == 0) {
            return Optional.empty();
        }
        String stored = hashAt.apply(recorded.seq());
        if (!recorded.hash().equals(stored)) {
            String who = source.startsWith("--") ? source : "the " + source;
            return Optional.of(new VerifyResult.Broken(entries, recorded.seq(), "entry #" + recorded.seq()
                    + " differs from the one " + who + " records (hash " + shortHash(stored) + " here, "
                    + shortHash(recorded.hash()) + " there): the ledger was rewritten or replaced"));
        }
        return Optional.empty();
    }

    /** Empty when the signature is fine or no key is configured; else why it is not. */
    Optional<String> signatureProblem(Recorded r) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        if (r.signature() == null) {
            return Optional.of("the head file " + file + " is not signed though a ledger key is configured ("
                    + key.get().source() + ")");
        }
        if (!key.get().verify(signedText(r.head(), r.time()), r.signature())) {
            return Optional.of("the head file " + file + " has a signature that does not verify with "
                    + key.get().source() + " (the head file was edited, or signed with another key)");
        }
        return Optional.empty();
    }

    static String shortHash(String h) {
        return h == null ? "(none)" : h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }

    /**
     * Readies the next head write before the append commits, so that a head file or directory we
     * cannot write fails the append before anything is stored: the head file itself opened for
     * writing when it already has the sector-sized form, else a temp file to rename over it.
     */
    Update prepare() throws IOException {
        Files.createDirectories(file.getParent());
        try {
            // In place only into our own regular file: a head replaced by a symlink (to a system
            // file, say) must not have its target overwritten; the rename below replaces the link.
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() && a.size() == SECTOR) {
                return new Update(FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), null);
            }
        } catch (NoSuchFileException e) {
            // the first head: created by a rename, so no reader ever sees an empty file
        }
        return new Update(null, Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".partial"));
    }

    /**
     * A head write in preparation: in place (an open channel on the head file) or by rename (a temp
     * file). Closing it releases the channel or removes an unused temp file.
     */
    static final class Update implements AutoCloseable {
        private final FileChannel inPlace;
        private final Path tmp;

        private Update(FileChannel inPlace, Path tmp) {
            this.inPlace = inPlace;
            this.tmp = tmp;
        }

        @Override
        public void close() throws IOException {
            if (inPlace != null) {
                inPlace.close();
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Whether a head may replace the current file: a signed head is never replaced by an unsigned
     * one (a process without the private key lets the head lag instead of weakening it).
     */
    boolean mayReplace(State current) {
        if (key.isPresent() && key.get().canSign()) {
            return true;
        }
        return !(current instanceof Recorded r && r.signature() != null);
    }

    /**
     * Records {@code head}. The file is one disk sector (512 bytes, JSON padded with spaces): once it
     * has that form, later heads overwrite it in place with one write, which neither a crash of this
     * process (the page cache keeps it) nor a power cut (a sector is written whole, the assumption
     * SQLite makes too) can tear, and no metadata changes. The temp file, fsync and rename it
     * replaced cost more than the store's commit (README, Benchmarks). A head too long for a sector
     * (a very long ledger path) falls back to temp file, fsync, rename.
     */
    Recorded commit(Update update, LedgerHead head, Instant time) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("ledger", ledger);
        m.put("seq", head.seq());
        m.put("hash", head.hash());
        m.put("time", time == null ? null : time.toString());
        String signature = key.isPresent() && key.get().canSign() ? key.get().sign(signedText(head, time)) : null;
        if (signature != null) {
            m.put("signature", signature);
        }
        byte[] json = Json.canonical(m).getBytes(StandardCharsets.UTF_8);
        Recorded recorded = new Recorded(head, time, signature);
        if (json.length < SECTOR) {
            byte[] sector = new byte[SECTOR];
            Arrays.fill(sector, (byte) ' ');
            System.arraycopy(json, 0, sector, 0, json.length);
            sector[SECTOR - 1] = '\n';
            if (update.inPlace != null) {
                // No sync: the store's own commit is already durable; a power cut that loses this
                // write leaves the previous head, still a true lower bound, never a torn one.
                writeFully(update.inPlace, sector, 0);
                return recorded;
            }
            json = sector;
        }
        Path tmp = update.tmp != null ? update.tmp
                : Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".partial");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, json, 0);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        // No fsync of the directory: if a power cut loses the rename, the old head is read, which is
        // still a true lower bound of the store; the fsync above guarantees it is never half-written.
        return recorded;
    }

    private static void writeFully(FileChannel ch, byte[] bytes, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b, at + b.position());
        }
    }
}
