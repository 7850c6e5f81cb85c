package dev.preflight.ledger;

import dev.preflight.core.PreflightException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The head of a ledger: the newest sequence number and its entry hash. Printed as {@code SEQ:HASH}
 * in reports, bundles and sign-offs so that a copy kept outside the store (a ticket, a CI artifact)
 * can later prove that nothing was cut off: {@code preflight ledger verify --expect-head SEQ:HASH}.
 * The empty ledger's head is {@code 0:} followed by the genesis hash.
 */
public record LedgerHead(long seq, String hash) {
    private static final Pattern TOKEN = Pattern.compile("(\\d{1,18}):([0-9a-fA-F]{64})");

    /** The head of a ledger with no entries. */
    public static final LedgerHead EMPTY = new LedgerHead(0, EntryHasher.GENESIS);

    public LedgerHead {
        Objects.requireNonNull(hash, "hash");
        if (seq < 0) {
            throw new IllegalArgumentException("seq < 0");
        }
        hash = hash.toLowerCase(Locale.ROOT);
    }

    /** The head an entry makes when it is the newest. */
    public static LedgerHead of(LedgerEntry e) {
        return new LedgerHead(e.seq(), e.hash());
    }

    /** Parses {@code SEQ:HASH}; a malformed value is a usage error (exit 2) naming {@code what}. */
    public static LedgerHead parse(String token, String what) {
        Matcher m = TOKEN.matcher(token == null ? "" : token.strip());
        if (!m.matches()) {
            throw PreflightException.usage(what + " '" + token + "' is not SEQ:HASH",
                    "give the head printed by 'preflight ledger verify' or a report, e.g. 42:" + "3f9a".repeat(16));
        }
        return new LedgerHead(Long.parseLong(m.group(1)), m.group(2));
    }

    /** {@code SEQ:HASH}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return seq + ":" + hash;
    }
}
