package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.core.Hashing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What a restore reads: only steps proven against the ledger's checkpoints, never a byte past a bad one. */
class ProvenStreamTest {
    private static final int EVERY = 100;

    private final byte[] data = new byte[EVERY * 4 + 37];

    ProvenStreamTest() {
        new Random(3).nextBytes(data);
    }

    private List<String> marks(byte[] d) {
        List<String> m = new ArrayList<>();
        for (int at = EVERY; at < d.length; at += EVERY) {
            m.add(Hashing.sha256Hex(Arrays.copyOf(d, at)));
        }
        return m;
    }

    private ProvenStream proven(byte[] stored) {
        return new ProvenStream(new ByteArrayInputStream(stored), data.length, Hashing.sha256Hex(data), EVERY, marks(data));
    }

    /** Reads until the end or a failure; what was handed on, and the failure. */
    private static byte[] readAll(InputStream in, IOException[] failed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[7];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            failed[0] = e;
        }
        return out.toByteArray();
    }

    @Test
    void theRecordedBytesAreHandedOnWhole() throws Exception {
        try (ProvenStream p = proven(data)) {
            IOException[] failed = new IOException[1];
            assertThat(readAll(p, failed)).isEqualTo(data);
            assertThat(failed[0]).isNull();
            assertThat(p.complete()).isTrue();
            assertThat(p.problem()).isNull();
            assertThat(p.delivered()).isEqualTo(data.length);
            assertThat(p.steps()).isEqualTo(5);
        }
    }

    @Test
    void aChangedByteStopsTheStreamAtTheStepBeforeItSoNothingUnprovenIsHandedOn() throws Exception {
        for (int flip : List.of(0, 99, 100, 250, 399, 400, data.length - 1)) {
            byte[] stored = data.clone();
            stored[flip] ^= 0x20;
            try (ProvenStream p = proven(stored)) {
                IOException[] failed = new IOException[1];
                byte[] got = readAll(p, failed);
                int provenSteps = flip / EVERY;
                assertThat(got).as("flip at %d", flip).isEqualTo(Arrays.copyOf(data, provenSteps * EVERY));
                assertThat(failed[0]).isInstanceOf(ProvenStream.NotAsRecorded.class);
                assertThat(p.problem()).contains("bytes " + provenSteps * EVERY + "-");
                assertThat(p.complete()).isFalse();
                // Every later read fails the same way: a caller cannot read past it by retrying.
                assertThatThrownBy(p::read).isInstanceOf(ProvenStream.NotAsRecorded.class);
            }
        }
    }

    @Test
    void aShorterOrLongerCopyIsRefusedAtItsLastStep() throws Exception {
        try (ProvenStream p = proven(Arrays.copyOf(data, data.length - 1))) {
            IOException[] failed = new IOException[1];
            assertThat(readAll(p, failed)).isEqualTo(Arrays.copyOf(data, 4 * EVERY));
            assertThat(p.problem()).contains("ends after " + (data.length - 1) + " bytes");
        }
        try (ProvenStream p = proven(Arrays.copyOf(data, data.length + 1))) {
            IOException[] failed = new IOException[1];
            assertThat(readAll(p, failed)).isEqualTo(Arrays.copyOf(data, 4 * EVERY));
            assertThat(p.problem()).contains("longer than");
        }
    }

    @Test
    void theFirstStepIsProvenBeforeAnyoneReads() throws Exception {
        byte[] stored = data.clone();
        stored[5] ^= 1;
        try (ProvenStream p = proven(stored)) {
            p.awaitFirst();
            assertThat(p.problem()).contains("bytes 0-100 differ");
        }
        try (ProvenStream p = proven(data)) {
            p.awaitFirst();
            assertThat(p.problem()).isNull();
            assertThat(p.read()).isEqualTo(data[0] & 0xff);
        }
    }

    @Test
    void aReadErrorIsAProblemAndClosingMidwayStopsTheReadAhead() throws Exception {
        InputStream failing = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                // InputStream's own read(byte[]) would swallow the error after a first byte.
                if (n + len > 150) {
                    throw new IOException("disk gone");
                }
                System.arraycopy(data, n, b, off, len);
                n += len;
                return len;
            }
        };
        try (ProvenStream p = new ProvenStream(failing, data.length, Hashing.sha256Hex(data), EVERY, marks(data))) {
            IOException[] failed = new IOException[1];
            assertThat(readAll(p, failed)).isEqualTo(Arrays.copyOf(data, EVERY));
            assertThat(failed[0]).hasMessageContaining("disk gone");
            assertThat(p.problem()).startsWith("unreadable: ");
        }
        AtomicBoolean closed = new AtomicBoolean();
        ProvenStream p = new ProvenStream(new ByteArrayInputStream(data) {
            @Override
            public void close() {
                closed.set(true);
            }
        }, data.length, Hashing.sha256Hex(data), EVERY, marks(data));
        assertThat(p.read()).isEqualTo(data[0] & 0xff);
        p.close();
        assertThat(closed).isTrue();
    }
}
