package dev.preflight.readiness;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.run.Expected;

/**
 * What a sign-off entry records: who signed, in what role, the verdict they vouched for and the
 * ledger head (sequence and hash) it was given on. Written by {@code readiness sign}, read by
 * {@link GoNoGo}; the one place its fields are named.
 */
public record SignOffPayload(String by, String role, String verdict,
                             @JsonProperty("ledger_seq") long ledgerSeq,
                             @JsonProperty("ledger_head") String ledgerHead) {

    /** A sign-off entry's payload; fields an old or damaged entry lacks read as empty (seq 0, head null). */
    public static SignOffPayload of(LedgerEntry e) {
        JsonNode p = Expected.payload(e);
        return new SignOffPayload(p.path("by").asText(), p.path("role").asText(), p.path("verdict").asText(),
                p.path("ledger_seq").asLong(0), p.path("ledger_head").asText(null));
    }
}
