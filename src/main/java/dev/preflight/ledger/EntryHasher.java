package dev.preflight.ledger;

import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical encoding an entry's hash is computed over; a compatibility contract for every
 * stored ledger and exported bundle. It is the canonical JSON (keys sorted, compact) of
 * {@code {seq, id, time, actor, kind, subject, outcome, summary, payload, artifacts, prev_hash}},
 * where {@code time} is ISO-8601 UTC truncated to milliseconds, {@code outcome} its lower-case
 * label, {@code payload} the parsed canonical payload and {@code artifacts} a list of
 * {@code {location, size, sha256}}. The hash is lowercase hex SHA-256 of its UTF-8 bytes.
 */
public final class EntryHasher {
    /** The previous hash of entry 1. */
    public static final String GENESIS = "0".repeat(64);

    private EntryHasher() {
    }

    public static Instant normalize(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    public static String hash(long seq, String id, Instant time, String actor, String kind, String subject,
                              Outcome outcome, String summary, String payload, List<Artifact> artifacts,
                              String prevHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("id", id);
        m.put("time", normalize(time).toString());
        m.put("actor", actor);
        m.put("kind", kind);
        m.put("subject", subject);
        m.put("outcome", outcome.label());
        m.put("summary", summary);
        m.put("payload", Json.parse(payload));
        List<Map<String, Object>> arts = new ArrayList<>();
        for (Artifact a : artifacts) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("location", a.location());
            am.put("size", a.size());
            am.put("sha256", a.sha256());
            arts.add(am);
        }
        m.put("artifacts", arts);
        m.put("prev_hash", prevHash);
        return Hashing.sha256Hex(Json.canonical(m));
    }

    public static String hash(LedgerEntry e) {
        return hash(e.seq(), e.id(), e.time(), e.actor(), e.kind(), e.subject(), e.outcome(), e.summary(),
                e.payload(), e.artifacts(), e.prevHash());
    }

    /**
     * Checks a sequence of entries read in storage order; returns the first break. Shared by the
     * live stores and offline bundle verification so both apply the same rules.
     */
    public static final class ChainCheck {
        private long expectedSeq = 1;
        private String prev = GENESIS;
        private long count;
        private VerifyResult.Broken broken;
        private final Map<Long, String> watched = new HashMap<>();

        /** Asks to remember the hash of entry {@code seq} when it passes (for comparing witnessed heads). */
        public void watch(long seq) {
            watched.put(seq, seq == 0 ? GENESIS : null);
        }

        /** The hash of a watched entry that passed, or null. */
        public String hashAt(long seq) {
            return watched.get(seq);
        }

        /** Feeds the next entry; returns false once the chain is broken (later entries are ignored). */
        public boolean accept(LedgerEntry e) {
            if (broken != null) {
                return false;
            }
            count++;
            if (e.seq() != expectedSeq) {
                broken = new VerifyResult.Broken(count, Math.min(e.seq(), expectedSeq),
                        "expected entry #" + expectedSeq + " but found #" + e.seq()
                                + " (an entry was deleted, inserted or reordered)");
            } else if (!e.prevHash().equals(prev)) {
                broken = new VerifyResult.Broken(count, e.seq(),
                        "previous-hash link does not match entry #" + (e.seq() - 1)
                                + " (an entry was deleted, inserted or reordered)");
            } else if (!hash(e).equals(e.hash())) {
                broken = new VerifyResult.Broken(count, e.seq(),
                        "content does not match its hash (the entry was edited)");
            }
            expectedSeq = e.seq() + 1;
            prev = e.hash();
            if (broken == null && watched.containsKey(e.seq())) {
                watched.put(e.seq(), e.hash());
            }
            return broken == null;
        }

        public VerifyResult result() {
            return broken != null ? broken : new VerifyResult.Intact(count, count == 0 ? GENESIS : prev);
        }
    }
}
