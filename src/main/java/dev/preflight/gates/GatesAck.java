package dev.preflight.gates;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;

/** {@code gates ack}: records that the primary or secondary on-call acknowledged the window (ledger kind {@code oncall-ack}). */
public final class GatesAck {
    private final GatesContext ctx;

    public GatesAck(GatesContext ctx) {
        this.ctx = ctx;
    }

    /** The recorded acknowledgement: who, in which role, of which window, and its ledger entry. */
    @JsonPropertyOrder({"verdict"})
    public record Acked(String role, String user, ChangeWindow window, String summary, long seq) {
        /** Always passed: a failure throws before anything is recorded as done. */
        @JsonProperty
        public Verdict verdict() {
            return Verdict.PASSED;
        }
    }

    public Acked run(String role, String user) {
        if (!OncallGate.ROLES.containsKey(role)) {
            throw PreflightException.usage("--role must be primary or secondary, not '" + role + "'", null);
        }
        if (user == null || user.isBlank()) {
            throw PreflightException.usage("--user NAME is required", "the PagerDuty user id (or the name or e-mail) of the person");
        }
        ChangeWindow w = ctx.window();
        LedgerEntry e = ctx.ledger().append(NewEntry.of(GatesEvidence.ACK, ctx.subject(w), Outcome.PASSED, role + " "
                + user.strip() + " acknowledged the window " + w.start() + " - " + w.end(),
                new GatesEvidence.AckPayload(role, user.strip(), OncallGate.ROLES.get(role), GatesEvidence.Window.of(w))));
        return new Acked(role, user.strip(), w, e.summary(), e.seq());
    }
}
