package dev.preflight.backup;

import dev.preflight.core.Hashing;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The one pass of a backup: every byte is hashed (SHA-256, with {@link Checkpoints} along the way),
 * counted and written to every destination's pending copy as it arrives. A write failure on any copy fails the whole stream.
 */
final class FanOut extends OutputStream {
    private final List<OutputStream> targets;
    private final MessageDigest digest = Hashing.sha256();
    // The same digest, copied at every step: a restore proves each step before loading it.
    private final Checkpoints.Recorder checkpoints = new Checkpoints.Recorder(digest);
    // Written by the one producing thread, read by the progress display.
    private volatile long size;

    FanOut(List<OutputStream> targets) {
        this.targets = List.copyOf(targets);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkpoints.update(b, off, len);
        size += len;
        for (OutputStream t : targets) {
            t.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        for (OutputStream t : targets) {
            t.flush();
        }
    }

    @Override
    public void close() {
        // Each pending copy is sealed (fsync) by its owner, not closed here.
    }

    long size() {
        return size;
    }

    /** The SHA-256 checkpoints of what was written ({@link Checkpoints.Recorder#result}), or null. */
    Checkpoints checkpoints() {
        return checkpoints.result();
    }

    String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
