package dev.preflight.gates;

import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code gates publish}: attaches the current evidence to the CAB ticket and records each SHA-256
 * attached with the ledger entry it comes from (ledger kind {@code gates-publish}). Evidence that
 * does not exist yet is listed as missing, not invented; a failure to attach is recorded as failed
 * and rethrown.
 */
public final class GatesPublish {
    private final GatesContext ctx;

    public GatesPublish(GatesContext ctx) {
        this.ctx = ctx;
    }

    /**
     * What {@code gates publish} did.
     *
     * @param items    the evidence as attached (content included)
     * @param headSeq  the ledger head the evidence was published at (its items name it), 0 for none
     * @param headHash that head's hash, or null
     * @param seq      the {@code gates-publish} entry recording it
     */
    public record Attached(String ticket, List<ChangeTicket.Published> attached, List<String> missing,
                           List<CabEvidence.Item> items, long headSeq, String headHash, long seq) {
        public Attached {
            attached = List.copyOf(attached);
            missing = List.copyOf(missing);
            items = List.copyOf(items);
        }

        /** Failed when some evidence is missing (exit 1); the ledger records that as a warning, as it always has. */
        public Verdict verdict() {
            return missing.isEmpty() ? Verdict.PASSED : Verdict.FAILED;
        }
    }

    public Attached run() {
        ChangeWindow w = ctx.window();
        GatesPlan.Cab cab = Optional.ofNullable(ctx.gates().cab()).orElseThrow(() -> PreflightException.usage(
                "the plan configures no cab gate", "add gates.cab: {provider: jira|servicenow|file, ...}"));
        ChangeTicket t = CabGate.ticket(ctx, cab, w);
        LedgerEntry head = ctx.ledger().head().orElse(null);
        CabEvidence.Current current = CabEvidence.current(ctx.plan(), w, ctx.ledger());
        GatesEvidence.PublishPayload.Head headJson = new GatesEvidence.PublishPayload.Head(head == null ? 0 : head.seq(),
                head == null ? null : head.hash());
        List<ChangeTicket.Published> done;
        try {
            done = current.items().isEmpty() ? List.of() : t.publish(current.items());
        } catch (RuntimeException e) {
            ctx.ledger().append(NewEntry.of(GatesEvidence.PUBLISH, ctx.subject(w), Outcome.FAILED, "publishing to "
                    + t.describe() + " failed: " + Errors.describe(e), new GatesEvidence.PublishPayload(t.describe(),
                    headJson, cab.provider(), current.missing(), null, Errors.describe(e))));
            throw e;
        }
        List<GatesEvidence.PublishPayload.Attached> att = new ArrayList<>();
        for (ChangeTicket.Published p : done) {
            // Which ledger entry this file vouches for: what the cab gate traces an attachment back to.
            CabEvidence.Item i = current.items().stream()
                    .filter(x -> x.fileName().equals(p.name()) && x.sha256().equals(p.sha256())).findFirst().orElse(null);
            boolean entry = i != null && i.seq() > 0;
            att.add(new GatesEvidence.PublishPayload.Attached(p.slot(), p.name(), p.reference(), p.sha256(),
                    i == null ? null : i.link(), entry ? i.seq() : null, entry ? i.kind() : null,
                    entry ? i.subject() : null));
        }
        // Missing evidence is a warning in the ledger (what was there is attached) and exit 1 for the command.
        Outcome o = current.missing().isEmpty() ? Outcome.PASSED : Outcome.WARNING;
        LedgerEntry e = ctx.ledger().append(NewEntry.of(GatesEvidence.PUBLISH, ctx.subject(w), o, done.size()
                + " item(s) attached to " + t.describe() + (current.missing().isEmpty() ? "" : ", "
                + current.missing().size() + " missing"), new GatesEvidence.PublishPayload(t.describe(), headJson,
                cab.provider(), current.missing(), att, null)));
        return new Attached(t.describe(), done, current.missing(), current.items(), headJson.seq(), headJson.hash(),
                e.seq());
    }
}
