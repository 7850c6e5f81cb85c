package dev.preflight.gates;

import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.run.Freshness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code gates check}: evaluates every configured gate, in the order cab, oncall, notice, custom,
 * and records the results (ledger kind {@code gates}); a ledger that does not verify fails the
 * check with a {@code ledger} result, as every gate reads it. A service that cannot be reached fails its
 * gate with the reason; configuration errors (no window, empty token, bad template) throw
 * {@link PreflightException} (exit 2) before anything is contacted or recorded.
 */
public final class GatesCheck {
    private final GatesContext ctx;

    public GatesCheck(GatesContext ctx) {
        this.ctx = ctx;
    }

    public GatesChecked run() {
        GatesContext.requireConfig(ctx.plan(), true, true);
        ChangeWindow w = ctx.window();
        GatesPlan g = ctx.gates();
        List<GateResult> results = new ArrayList<>();
        if (g.cab() != null) {
            results.add(guard("cab", () -> CabGate.check(ctx, g.cab(), w)));
        }
        if (g.oncall() != null) {
            results.add(guard("oncall", () -> OncallGate.check(ctx, g.oncall(), w)));
        }
        if (g.notice() != null) {
            results.add(NoticeGate.check(ctx, g.notice(), w));
        }
        for (GatesPlan.Custom c : g.custom()) {
            results.add(CustomGate.check(ctx, c, w));
        }
        if (results.isEmpty()) {
            results.add(GateResult.fail("gates", "the plan's gates section configures no gate", List.of()));
        }
        // The gates judge entries of the ledger (notices, acknowledgements, backups): on a chain that
        // does not verify (an entry edited, deleted) what they read cannot be trusted, whatever it says.
        if (ctx.ledger().verify() instanceof VerifyResult.Broken b) {
            results.add(GateResult.fail("ledger", "the ledger does not verify (first bad entry #" + b.firstBadSeq()
                    + ": " + b.reason() + "): the evidence the gates read cannot be trusted",
                    List.of("see 'preflight ledger verify'")));
        }
        // The window, the notice's age and every custom gate's age are judged by this clock: a clock that
        // the ledger shows to be behind (entries dated after it) makes each of them unjudgeable.
        Instant now = ctx.clock().instant();
        Freshness.entryAfter(ctx.ledger(), now).ifPresent(later -> results.add(GateResult.fail("clock",
                Freshness.behind(later, now), List.of("see 'preflight ledger log --since " + later.time() + "'"))));
        GatesChecked checked = new GatesChecked(w, results, 0);
        var e = ctx.ledger().append(NewEntry.of(GatesEvidence.CHECK, ctx.subject(w), Outcome.of(checked.verdict()),
                checked.passed() + "/" + results.size() + " gate(s) passed",
                new GatesEvidence.CheckPayload(GatesEvidence.Window.of(w), results)));
        return new GatesChecked(w, results, e.seq());
    }

    private static GateResult guard(String name, Supplier<GateResult> gate) {
        try {
            return gate.get();
        } catch (GateException e) {
            List<String> d = new ArrayList<>();
            if (e.hint() != null) {
                d.add("hint: " + e.hint());
            }
            return GateResult.fail(name, "could not check: " + e.getMessage(), d);
        } catch (PreflightException e) {
            throw e;
        } catch (RuntimeException e) {
            // A response we could not read (not JSON, a bad timestamp) fails the gate; it is never a pass.
            return GateResult.fail(name, "could not check: unexpected response: " + Errors.describe(e), List.of());
        }
    }
}
