package dev.preflight.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The append-only, tamper-evident evidence store: everything Preflight does is recorded here, and
 * every "passed" a report shows is read from here. Appends from several processes never fork the
 * chain. Implementations are thread-safe.
 */
public interface Ledger extends AutoCloseable {

    /** Appends one entry atomically under the store's lock; returns it as stored. */
    LedgerEntry append(NewEntry entry);

    List<LedgerEntry> query(LedgerQuery query);

    /** The newest entry of {@code kind} (and {@code subject} if non-null). */
    default Optional<LedgerEntry> latest(String kind, String subject) {
        List<LedgerEntry> l = query(LedgerQuery.latest(kind, subject));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    Optional<LedgerEntry> head();

    /**
     * The current head as {@code SEQ:HASH} ({@link LedgerHead#EMPTY} for an empty ledger): what
     * reports, bundles, attachments and sign-offs print, so a copy kept elsewhere can later be
     * checked with {@code preflight ledger verify --expect-head}.
     */
    default LedgerHead currentHead() {
        return head().map(LedgerHead::of).orElse(LedgerHead.EMPTY);
    }

    /**
     * Recomputes the whole chain and compares it with the head file kept outside the store:
     * broken when the head file records more, or other, entries than the store holds.
     */
    VerifyResult verify();

    /**
     * {@link #verify()}, also against a head kept elsewhere ({@code expected}, may be null), with a
     * line per witness consulted.
     */
    Verification check(LedgerHead expected);

    /** Opens an attachment stored by {@link NewEntry.Attachment} ({@code ledger:<name>}). */
    Optional<InputStream> openAttachment(String name) throws IOException;

    /** Names of every stored attachment, sorted (for bundles). */
    List<String> attachmentNames();

    /** The key that signs or checks heads of this ledger, if one is configured. */
    default Optional<HeadKey> headKey() {
        return Optional.empty();
    }

    /** Where the ledger lives, secrets redacted (for reports). */
    String describe();

    @Override
    void close();
}
