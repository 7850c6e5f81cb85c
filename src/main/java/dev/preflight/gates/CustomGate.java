package dev.preflight.gates;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.run.Expected;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A custom gate: its CEL expression ({@link CelGates}) evaluated over the ledger's evidence, the
 * window and the clock. A false gate names the term that is false and the evidence it saw.
 */
final class CustomGate {
    private CustomGate() {
    }

    static GateResult check(GatesContext ctx, GatesPlan.Custom c, ChangeWindow w) {
        CelGates.EvidenceSource evidence = (source, name) -> latest(ctx, source, name);
        CelGates.Evaluation ev = CelGates.evaluate(c.compiled(), evidence, w, ctx.clock().instant());
        if (ev.error() != null) {
            return GateResult.fail(c.name(), "expression could not be evaluated: " + ev.error(), List.of(c.expr()));
        }
        return ev.value() ? GateResult.pass(c.name(), "expression holds", List.of(c.expr()))
                : falseGate(ctx, evidence, c, w);
    }

    /** A false custom gate names the term that is false and the evidence it saw, then the expression. */
    private static GateResult falseGate(GatesContext ctx, CelGates.EvidenceSource evidence, GatesPlan.Custom c,
                                        ChangeWindow w) {
        List<String> terms = CelGates.falseTerms(c.compiled(), evidence, w, ctx.clock().instant());
        List<String> details = new ArrayList<>(terms);
        details.add("expression: " + c.expr());
        String reason = terms.isEmpty() ? "expression is false" : "expression is false: " + terms.get(0)
                .replaceFirst("^false: ", "").replaceFirst(";.*$", "") + " is false";
        return GateResult.fail(c.name(), reason, details);
    }

    /**
     * {@code audit.latest(env)} or {@code backups.latest(source)}: the newest such entry, whatever its
     * outcome; one that passed but that its owner judges outdated or not covering the plan is not passed.
     */
    private static CelGates.Latest latest(GatesContext ctx, String source, String name) {
        Optional<LedgerEntry> e = source.equals("audit") ? GatesEvidence.latestAudit(ctx.plan(), ctx.ledger(), name)
                : GatesEvidence.latestBackupAbout(ctx.plan(), ctx.ledger(), name);
        return e.map(x -> {
            // An entry that passed vouches only for what it checked: its owner says whether that is the plan now.
            Expected.Found f = x.outcome().isGood() && ctx.judge() != null ? ctx.judge().judge(x).orElse(null) : null;
            if (f != null && f.status() != Expected.Status.PASSED) {
                return new CelGates.Latest(false, x.time(), x.seq(), f.detail() != null ? f.detail()
                        : "it does not cover the plan as it is now");
            }
            return new CelGates.Latest(x.outcome().isGood(), x.time(), x.seq());
        }).orElse(null);
    }
}
