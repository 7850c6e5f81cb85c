package dev.preflight.ledger;

/**
 * What a command needs from the ledger it opens, which decides whether a missing ledger may be
 * created. Read commands must never create one: a typo in {@code --ledger} or a deleted file would
 * otherwise read as an empty, intact ledger.
 */
public enum LedgerAccess {
    /** Read only (verify, log, export): opened read-only; a missing ledger is exit 3. */
    READ,
    /** Reads and appends to an existing ledger (readiness, risks); a missing ledger is exit 3. */
    APPEND,
    /**
     * Appends, and creates the ledger when none exists and no head file says one existed (every
     * command that records what it did); says so on stderr.
     */
    CREATE
}
