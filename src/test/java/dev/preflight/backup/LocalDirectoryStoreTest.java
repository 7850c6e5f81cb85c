package dev.preflight.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.backup.ArtifactStore.PendingCopy;
import dev.preflight.backup.ArtifactStore.ReadBack;
import dev.preflight.core.Hashing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local destination's write, read-back (behind the writer) and commit, on the real file system. */
class LocalDirectoryStoreTest {
    @TempDir
    Path dir;

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(Hashing.sha256().digest(b));
    }

    private Path partial() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".partial")).findFirst().orElseThrow();
        }
    }

    @Test
    void theReadBackOfAWriteLargerThanTheSyncStepIsTheStoredFilesDigest() throws Exception {
        LocalDirectoryStore store = new LocalDirectoryStore("local", dir);
        PendingCopy p = store.create("big.sql");
        byte[] chunk = new byte[(1 << 20) + 7];
        new Random(7).nextBytes(chunk);
        var md = Hashing.sha256();
        OutputStream out = p.out();
        for (int i = 0; i < 70; i++) {
            out.write(chunk);
            md.update(chunk);
        }
        p.seal();

        ReadBack got = p.readBackDigest();

        assertThat(got.size()).isEqualTo(70L * chunk.length);
        assertThat(got.sha256()).isEqualTo(HexFormat.of().formatHex(md.digest()))
                .isEqualTo(sha256(Files.readAllBytes(partial())));
        String location = p.commit();
        assertThat(Path.of(location)).hasFileName("big.sql");
        assertThat(Files.size(Path.of(location))).isEqualTo(70L * chunk.length);
    }

    @Test
    void bytesThatReachTheFileBehindTheWritersBackAreInTheReadBack() throws Exception {
        LocalDirectoryStore store = new LocalDirectoryStore("local", dir);
        PendingCopy p = store.create("a.sql");
        byte[] written = "-- a dump\n".repeat(1000).getBytes();
        p.out().write(written);
        p.out().flush();
        // Something else appends to the temporary file: the read-back must see the stored end, not
        // the count of what the writer wrote.
        Files.write(partial(), "EXTRA".getBytes(), StandardOpenOption.APPEND);
        p.seal();

        ReadBack got = p.readBackDigest();

        assertThat(got.size()).isEqualTo(written.length + 5L);
        assertThat(got.sha256()).isNotEqualTo(sha256(written));
    }

    @Test
    void anAbortedCopyLeavesNothingAndHasNoReadBack() throws Exception {
        LocalDirectoryStore store = new LocalDirectoryStore("local", dir);
        PendingCopy p = store.create("b.sql");
        p.out().write(new byte[100_000]);
        p.abort();

        assertThatThrownBy(p::readBackDigest).isInstanceOf(IOException.class).hasMessageContaining("abandoned");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }
}
