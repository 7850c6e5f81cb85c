package dev.preflight.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.run.Expected;

/**
 * What a sign-off entry records: who signed, in what role, the verdict they vouched for, the
 * ledger head (sequence and hash) it was given on and the plan it was given on (the SHA-256 of its
 * text). Written by {@code readiness sign}, read by {@link GoNoGo}; the one place its fields are named.
 */
public record SignOffPayload(String by, String role, String verdict,
                             @JsonProperty("ledger_seq") long ledgerSeq,
                             @JsonProperty("ledger_head") String ledgerHead,
                             @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("plan_sha256") String planSha256) {

    /** A sign-off entry's payload; fields an old or damaged entry lacks read as empty (seq 0, head and plan null). */
    public static SignOffPayload of(LedgerEntry e) {
        JsonNode p = Expected.payload(e);
        JsonNode plan = p.path("plan_sha256");
        return new SignOffPayload(p.path("by").asText(), p.path("role").asText(), p.path("verdict").asText(),
                p.path("ledger_seq").asLong(0), p.path("ledger_head").asText(null),
                plan.isTextual() ? plan.asText() : null);
    }
}
