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

    /** Recomputes the whole chain. */
    VerifyResult verify();

    /** Opens an attachment stored by {@link NewEntry.Attachment} ({@code ledger:<name>}). */
    Optional<InputStream> openAttachment(String name) throws IOException;

    /** Where the ledger lives, secrets redacted (for reports). */
    String describe();

    @Override
    void close();
}
