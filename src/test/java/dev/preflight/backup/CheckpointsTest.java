package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Hashing;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backup pass's SHA-256 checkpoints: each is the plain SHA-256 of a prefix, whatever the writes. */
class CheckpointsTest {
    private static String sha(byte[] data, int len) {
        return Hashing.sha256Hex(Arrays.copyOf(data, len));
    }

    /** Feeds {@code data} in random pieces; returns the recorder's result, and checks the running hash is untouched. */
    private static Checkpoints record(byte[] data, long step, int most, long widest, long seed) {
        MessageDigest md = Hashing.sha256();
        Checkpoints.Recorder r = new Checkpoints.Recorder(md, step, most, widest);
        Random rnd = new Random(seed);
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, 1 + rnd.nextInt(40));
            r.update(data, at, n);
            at += n;
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(sha(data, data.length));
        assertThat(r.count()).isEqualTo(data.length);
        return r.result();
    }

    @Test
    void eachCheckpointIsTheSha256OfThePrefixEndingThereAndNoneSitsAtTheEnd() {
        byte[] data = new byte[1000];
        new Random(7).nextBytes(data);
        for (int size : List.of(0, 1, 15, 16, 17, 64, 65, 999, 1000)) {
            byte[] d = Arrays.copyOf(data, size);
            Checkpoints c = record(d, 16, 1000, 16, size);
            int inside = size == 0 ? 0 : (size - 1) / 16;
            if (inside == 0) {
                assertThat(c).as("size %d", size).isNull();
                continue;
            }
            assertThat(c.every()).isEqualTo(16);
            assertThat(c.sha256()).as("size %d", size).hasSize(inside);
            for (int i = 0; i < inside; i++) {
                assertThat(c.sha256().get(i)).isEqualTo(sha(d, (i + 1) * 16));
            }
        }
    }

    @Test
    void pastTheMostTheSpacingDoublesUntilTheWidest() {
        byte[] data = new byte[16 * 40 + 3];
        new Random(9).nextBytes(data);
        // 40 prefixes inside at 16 bytes; at most 8: 32 bytes -> 20, 64 -> 10, 128 -> 5.
        Checkpoints c = record(data, 16, 8, 1024, 1);
        assertThat(c.every()).isEqualTo(128);
        assertThat(c.sha256()).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(c.sha256().get(i)).isEqualTo(sha(data, (i + 1) * 128));
        }
        // The widest spacing caps the doubling: then more than the most are kept.
        Checkpoints capped = record(data, 16, 8, 32, 2);
        assertThat(capped.every()).isEqualTo(32);
        assertThat(capped.sha256()).hasSize(20);
        assertThat(capped.sha256().get(19)).isEqualTo(sha(data, 640));
    }

    @Test
    void checkpointsFitOnlyTheSizeTheyDescribe() {
        String h = "0".repeat(64);
        Checkpoints two = new Checkpoints(Checkpoints.STEP, List.of(h, h));
        assertThat(two.fits(2 * Checkpoints.STEP + 1)).isTrue();
        assertThat(two.fits(3 * Checkpoints.STEP)).isTrue();
        assertThat(two.fits(2 * Checkpoints.STEP)).isFalse();
        assertThat(two.fits(3 * Checkpoints.STEP + 1)).isFalse();
        assertThat(new Checkpoints(Checkpoints.STEP + 1, List.of(h)).fits(Checkpoints.STEP + 2)).isFalse();
        assertThat(new Checkpoints(2 * Checkpoints.WIDEST, List.of(h)).fits(2 * Checkpoints.WIDEST + 1)).isFalse();
        assertThat(new Checkpoints(Checkpoints.STEP, List.of("0".repeat(63) + "G")).fits(Checkpoints.STEP + 1)).isFalse();
        assertThat(new Checkpoints(0, List.of()).fits(1)).isFalse();
    }
}
