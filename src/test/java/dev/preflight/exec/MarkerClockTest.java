package dev.preflight.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Marker lines are timed when they arrive, however the stream is cut into chunks. */
class MarkerClockTest {
    private static final String M = "preflight-00000000000000ab";

    @Test
    void aMarkerSplitAcrossChunksIsTimedOnceWhenItsLastByteArrives() {
        AtomicLong now = new AtomicLong();
        MarkerClock c = new MarkerClock(M, now::get);
        byte[] all = ("v1\n\n" + M + " 0\nout\n" + M + " 7 in text\n" + "\n" + M + " 127\n").getBytes(StandardCharsets.US_ASCII);
        // One byte at a time, the clock ticking one per byte: each arrival is the index of the byte
        // that completed the line.
        for (int i = 0; i < all.length; i++) {
            now.set(i);
            c.scan(all, i, 1);
        }
        String text = new String(all, StandardCharsets.US_ASCII);
        // Arrival: the newline that ends the marker line (marker, blank, exit status).
        int first = text.indexOf("\n" + M + " 0\n") + M.length() + 3;
        int second = text.indexOf("\n" + M + " 127\n") + M.length() + 5;
        // "<marker> 7 in text" is program output, not a status line: ProbeBatch#split skips it too.
        assertThat(c.arrivals()).containsExactly((long) first, (long) second);
    }

    @Test
    void newlinesInsideAPartialMatchRestartTheMatch() {
        MarkerClock c = new MarkerClock(M, () -> 42L);
        byte[] b = ("\npreflight-\n" + M + " 0\n").getBytes(StandardCharsets.US_ASCII);
        c.scan(b, 0, b.length);
        assertThat(c.arrivals()).containsExactly(42L);
    }
}
