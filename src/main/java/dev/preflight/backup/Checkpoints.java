package dev.preflight.backup;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.preflight.core.Hashing;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 checkpoints of a stored artifact, recorded by the backup's one pass: {@code sha256.get(i)}
 * is the plain SHA-256 of the artifact's first {@code (i + 1) * every} bytes (what {@code head -c N
 * file | sha256sum} prints), for every such prefix shorter than the artifact; the whole artifact's
 * SHA-256 is the backup's own. They let a restore prove each step of the bytes against the ledger
 * before that step reaches a server, in the pass that feeds it, instead of hashing the whole file
 * first and then trusting a second read of it.
 *
 * @param every  bytes between checkpoints, a multiple of {@link #STEP}
 * @param sha256 lowercase hex SHA-256 of each prefix, shortest first
 */
@JsonPropertyOrder({"every", "sha256"})
public record Checkpoints(long every, List<String> sha256) {
    /** The finest spacing the pass records: the first step a restore must hash before it can load. */
    public static final long STEP = 8L << 20;
    /** Past this many, the spacing doubles (a 1.1 GB dump keeps 69, its ledger entry ~5 KB of them). */
    static final int MOST = 128;
    /** The spacing never grows past this: a restore holds one step in memory while it hashes it. */
    public static final long WIDEST = 64L << 20;

    public Checkpoints {
        sha256 = List.copyOf(sha256);
    }

    /** True when these checkpoints can describe an artifact of {@code size} bytes (one per step inside it). */
    public boolean fits(long size) {
        if (every <= 0 || every % STEP != 0 || every > WIDEST || size < 0) {
            return false;
        }
        long inside = size == 0 ? 0 : (size - 1) / every;
        return inside == sha256.size() && sha256.stream().allMatch(Checkpoints::isHex);
    }

    private static boolean isHex(String s) {
        return s != null && s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /**
     * Where a copy read through {@code digest} (fed by {@link Follower#update}) first departs from
     * these checkpoints: for saying which bytes of a bad copy differ, not for proving a good one.
     */
    Follower follow(MessageDigest digest) {
        return new Follower(digest);
    }

    /** Feeds a digest and compares each prefix that ends at a checkpoint with it, until one differs. */
    final class Follower {
        private final MessageDigest digest;
        private long count;
        // Bytes proven equal to the recorded prefix so far; -1 once a checkpoint differed.
        private long matched;
        private long differsFrom = -1;

        private Follower(MessageDigest digest) {
            this.digest = digest;
        }

        void update(byte[] b, int off, int len) {
            while (len > 0) {
                int k = (int) (count / every);
                int n = (int) (k < sha256.size() && differsFrom < 0 ? Math.min(len, every - count % every) : len);
                digest.update(b, off, n);
                count += n;
                off += n;
                len -= n;
                if (differsFrom < 0 && k < sha256.size() && count == (k + 1L) * every) {
                    if (HexFormat.of().formatHex(Hashing.soFar(digest)).equals(sha256.get(k))) {
                        matched = count;
                    } else {
                        differsFrom = count - every;
                    }
                }
            }
        }

        /**
         * What the checkpoints say of a copy whose whole hash or size was not as recorded: the range
         * of the first step that differs, or that the first {@code matched} bytes are as recorded.
         */
        String where() {
            if (differsFrom >= 0) {
                return (differsFrom == 0 ? "" : "its first " + differsFrom + " bytes are as recorded; ")
                        + "bytes " + differsFrom + "-" + (differsFrom + every) + " differ";
            }
            return matched == 0 ? "" : "its first " + matched + " bytes are as recorded (the ledger's checkpoints);"
                    + " the difference is after them";
        }
    }

    /**
     * Collects checkpoints while a digest is fed: {@link #update} splits writes at each step so the
     * digest can be copied there, and the copy finished, without disturbing the running hash. Not
     * thread-safe: the one writing thread owns it.
     */
    static final class Recorder {
        private final MessageDigest digest;
        private final long step;
        private final int most;
        private final long widest;
        // The prefix digest at every step reached, step bytes apart; one at the very end is dropped.
        private final List<byte[]> marks = new ArrayList<>();
        private long count;

        Recorder(MessageDigest digest) {
            this(digest, STEP, MOST, WIDEST);
        }

        /** With other spacings than the recorded ones: for tests of the thinning on small inputs. */
        Recorder(MessageDigest digest, long step, int most, long widest) {
            this.digest = digest;
            this.step = step;
            this.most = most;
            this.widest = widest;
        }

        void update(byte[] b, int off, int len) {
            while (len > 0) {
                int n = (int) Math.min(len, step - count % step);
                digest.update(b, off, n);
                count += n;
                off += n;
                len -= n;
                if (count % step == 0) {
                    marks.add(Hashing.soFar(digest));
                }
            }
        }

        long count() {
            return count;
        }

        /**
         * The checkpoints inside the {@link #count()} bytes seen (none at the end itself), spaced
         * {@link #STEP} apart and doubled until at most {@link #MOST} remain or the spacing is
         * {@link #WIDEST}; null when the artifact is no longer than one step.
         */
        Checkpoints result() {
            int inside = marks.size() - (count > 0 && count % step == 0 ? 1 : 0);
            if (inside <= 0) {
                return null;
            }
            long every = step;
            int stride = 1;
            while (inside / stride > most && every * 2 <= widest) {
                every *= 2;
                stride *= 2;
            }
            List<String> out = new ArrayList<>();
            // marks.get(i) is the prefix of (i + 1) * step bytes: keep those at multiples of every.
            for (int i = stride - 1; i < inside; i += stride) {
                out.add(HexFormat.of().formatHex(marks.get(i)));
            }
            if (out.isEmpty()) {
                return null;
            }
            return new Checkpoints(every, out);
        }
    }

}
