package dev.preflight.backup;

import java.io.IOException;
import java.io.OutputStream;

/** One destination's stream: its write failures name the destination. */
final class DestinationStream extends OutputStream {
    private final OutputStream out;
    private final ArtifactStore store;

    DestinationStream(OutputStream out, ArtifactStore store) {
        this.out = out;
        this.store = store;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw DestinationException.of(store, e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw DestinationException.of(store, e);
        }
    }
}
