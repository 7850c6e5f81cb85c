package dev.preflight.ledger;

import java.time.Instant;

/**
 * Filters for reading the ledger; {@code null} means "any". Results come newest last unless
 * {@code newestFirst}. {@code limit} 0 means no limit.
 */
public record LedgerQuery(String kind, String subject, Instant since, int limit, boolean newestFirst) {
    public static LedgerQuery all() {
        return new LedgerQuery(null, null, null, 0, false);
    }

    public static LedgerQuery kind(String kind) {
        return new LedgerQuery(kind, null, null, 0, false);
    }

    /** The newest entry of a kind (and subject, when given). */
    public static LedgerQuery latest(String kind, String subject) {
        return new LedgerQuery(kind, subject, null, 1, true);
    }
}
