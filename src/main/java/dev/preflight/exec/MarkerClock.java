package dev.preflight.exec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Notes when each end-of-command marker line of a {@link ProbeBatch} arrives in the output stream, so
 * that a batch of probes run one after another in one remote shell still gets a time per probe: the
 * time from the previous marker (or the start) to its own. Measured at the client, so the first probe
 * also carries the channel's set-up and the network adds its latency once per probe.
 */
final class MarkerClock {
    private final byte[] pattern;
    /** Bytes of the pattern matched so far, then one more per digit of the exit status. */
    private final LongSupplier nanos;
    private final List<Long> arrivals = new ArrayList<>();
    private int matched;

    MarkerClock(String marker, LongSupplier nanos) {
        // A marker line is always preceded by the newline the batch prints before it (ProbeBatch).
        this.pattern = ("\n" + marker + " ").getBytes(StandardCharsets.US_ASCII);
        this.nanos = nanos;
    }

    /** Scans a chunk as it arrives; a marker line split across chunks is still found once. */
    synchronized void scan(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte x = b[i];
            if (matched < pattern.length) {
                if (x == pattern[matched]) {
                    matched++;
                } else {
                    // The pattern's only newline is its first byte, so a mismatch restarts there or at zero.
                    matched = x == '\n' ? 1 : 0;
                }
            } else if (x >= '0' && x <= '9') {
                matched++;
            } else if (x == '\n' && matched > pattern.length) {
                // "\n<marker> <status>\n": the same line ProbeBatch#split cuts at, and nothing else.
                arrivals.add(nanos.getAsLong());
                matched = 0;
            } else {
                matched = x == '\n' ? 1 : 0;
            }
        }
    }

    /** {@link System#nanoTime()} values at which markers arrived, in order. */
    synchronized List<Long> arrivals() {
        return List.copyOf(arrivals);
    }
}
