package dev.preflight.ledger;

/**
 * The outcome of recomputing the hash chain: intact with its head, or broken at the first bad
 * sequence number with the reason.
 */
public sealed interface VerifyResult {
    long entries();

    /** Every entry's hash matches and links to its predecessor. */
    record Intact(long entries, String headHash) implements VerifyResult {
    }

    /** The first sequence number at which the chain does not hold, and why. */
    record Broken(long entries, long firstBadSeq, String reason) implements VerifyResult {
    }

    default boolean intact() {
        return this instanceof Intact;
    }
}
