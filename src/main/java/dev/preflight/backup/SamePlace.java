package dev.preflight.backup;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Whether two destinations the plan spells as two places are one place under two names (a DNS alias,
 * an address for a host name): a marker written through the first that the second finds. Asked by
 * {@code backup run} before anything is written, and by {@code backup verify} of copies written
 * before the run asked.
 */
final class SamePlace {
    private SamePlace() {
    }

    /**
     * True when a marker written through {@code first} is found through {@code second}; false when it
     * is not, or when {@code first} cannot write one ({@link ArtifactStore#mark}: a store that cannot
     * say more than its plan entry). The marker is deleted again; a store that cannot be asked throws.
     */
    static boolean probe(ArtifactStore first, ArtifactStore second) throws IOException {
        Optional<String> mark = first.mark(".preflight-place-" + UUID.randomUUID());
        if (mark.isEmpty()) {
            return false;
        }
        try {
            return second.exists(mark.get());
        } finally {
            try {
                first.delete(mark.get());
            } catch (IOException ignored) {
                // A zero-byte marker left behind harms nothing; the answer stands.
            }
        }
    }
}
