package dev.preflight.ledger;

import java.time.Instant;
import java.util.List;

/**
 * One row of the evidence ledger as stored. {@code hash} is SHA-256 over the canonical encoding of
 * every other field including {@code prevHash}, so editing, deleting, inserting or reordering rows
 * breaks the chain at a sequence number that {@code verify} names.
 *
 * @param payload canonical JSON text
 */
public record LedgerEntry(long seq, String id, Instant time, String actor, String kind, String subject,
                          Outcome outcome, String summary, String payload, List<Artifact> artifacts,
                          String prevHash, String hash) {
    public LedgerEntry {
        artifacts = List.copyOf(artifacts);
    }
}
