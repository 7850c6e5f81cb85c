package dev.preflight.risk;

import dev.preflight.backup.BackupPlan;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.report.Durations;
import dev.preflight.risk.RiskResult.ControlResult;
import dev.preflight.risk.RiskResult.Status;
import dev.preflight.run.EvidenceJudge;
import dev.preflight.run.Expected;
import dev.preflight.run.Freshness;
import dev.preflight.run.RunContext;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code risks}: derives every risk's status from the ledger, each control for every subject it covers (a control
 * without a subject covers every subject the plan configures for its evidence, and one subject's
 * pass never stands in for another's failure): a control is fresh when its newest evidence passed
 * within the control's max age, stale when it passed longer ago, failing when the newest evidence
 * failed (an older pass does not count: the latest word is what we know now), missing when there
 * is none. A passed entry vouches only for the plan and files as they were: its owner's expectation
 * judges it against them as they are now ({@link EvidenceJudge}, the readiness verdict's own
 * judgement), and it is stale when what it checked changed since, failing when it does not cover
 * what the plan expects. A risk is Open if any control is failing or missing (or it has no control
 * at all), At risk if any is stale, Mitigated otherwise.
 */
public final class RiskAssess {
    private final Ledger ledger;
    private final Clock clock;
    private final RiskContext ctx;
    private final EvidenceJudge owners;

    public RiskAssess(RiskContext ctx) {
        this.ctx = ctx;
        this.ledger = ctx.ledger();
        this.clock = ctx.clock();
        this.owners = new EvidenceJudge(new RunContext(ctx.plan(), ledger, clock,
                new PrintWriter(Writer.nullWriter())), ctx.owners());
    }

    /** Assesses every risk of the plan's register and records the assessment about the project. */
    public RiskAssessment run() {
        RiskAssessment a = assess(context().register());
        RiskEvidence.record(ledger, context().project(), a);
        return a;
    }

    /** Assesses every risk of the plan's register, recording nothing. */
    public RiskAssessment assess() {
        return assess(context().register());
    }

    /** Assesses every risk of {@code register}, recording nothing. */
    public RiskAssessment assess(RiskPlan register) {
        // One clock reading and one look for a later-dated entry for the whole register, not one per risk.
        Instant now = clock.instant();
        LedgerEntry later = Freshness.entryAfter(ledger, now).orElse(null);
        List<RiskResult> out = new ArrayList<>();
        for (RiskPlan.Risk r : register.risks()) {
            out.add(assess(r, now, later));
        }
        return new RiskAssessment(out);
    }

    private RiskContext context() {
        return ctx;
    }

    /** Assesses one risk: each control for every subject it covers. */
    public RiskResult assess(RiskPlan.Risk risk) {
        Instant now = clock.instant();
        return assess(risk, now, Freshness.entryAfter(ledger, now).orElse(null));
    }

    /** As {@link #assess(RiskPlan.Risk)} at {@code now}, with the entry that shows the clock behind the ledger, or null. */
    private RiskResult assess(RiskPlan.Risk risk, Instant now, LedgerEntry later) {
        if (risk.controls().isEmpty()) {
            return new RiskResult(risk, Status.OPEN, List.of(new ControlResult.Missing(
                    new RiskPlan.Control("(none)", null, Duration.ZERO, Map.of()),
                    "no control is defined, so nothing shows the risk is mitigated")));
        }
        List<ControlResult> results = new ArrayList<>();
        for (RiskPlan.Control c : risk.controls()) {
            if (c.subjects().isEmpty()) {
                results.add(new ControlResult.Missing(c, c.describe() + ": the plan configures no subject for '"
                        + c.evidence() + "' evidence, so nothing can show it"));
            }
            for (String s : c.subjects()) {
                results.add(control(c.about(s), now, later));
            }
        }
        Status s = results.stream().anyMatch(x -> x instanceof ControlResult.Failing || x instanceof ControlResult.Missing)
                ? Status.OPEN
                : results.stream().anyMatch(x -> x instanceof ControlResult.Stale) ? Status.AT_RISK : Status.MITIGATED;
        return new RiskResult(risk, s, results);
    }

    private ControlResult control(RiskPlan.Control c, Instant now, LedgerEntry later) {
        Optional<LedgerEntry> found = RiskEvidence.latest(ledger, c, ctx.project(), ctx.plan()
                .section("backups", BackupPlan.class).flatMap(b -> b.source(c.subject())).map(BackupPlan.Source::origin)
                .orElse(null));
        if (found.isEmpty()) {
            return new ControlResult.Missing(c, c.describe() + ": no evidence recorded (run "
                    + RiskEvidence.NAMES.get(c.evidence()).recordedBy() + ")");
        }
        LedgerEntry e = found.get();
        Duration age = Duration.between(e.time(), now);
        String when = "#" + e.seq() + " at " + e.time() + " (" + Durations.plan(age.isNegative() ? Duration.ZERO
                : age.withNanos(0)) + " ago)";
        List<String> unrecorded = RiskEvidence.unrecorded(e, c.where());
        if (!unrecorded.isEmpty()) {
            // Fail closed: it may be the newest word about what the control names, so no older pass speaks over it.
            return new ControlResult.Failing(c, e.seq(), e.time(), c.describe() + ": latest evidence "
                    + e.outcome().label() + " " + when + " does not record " + String.join(", ", unrecorded)
                    + ", so it cannot be shown not to be about " + new TreeMap<>(c.where())
                    + "; an older entry does not speak over it (run "
                    + RiskEvidence.NAMES.get(c.evidence()).recordedBy() + ")");
        }
        if (!RiskEvidence.NAMES.get(c.evidence()).passed(e, ctx.project())) {
            return new ControlResult.Failing(c, e.seq(), e.time(), c.describe() + ": latest evidence "
                    + e.outcome().label() + " " + when + ": " + e.summary());
        }
        Expected.Found judged = owners.judge(e).orElse(null);
        if (judged != null && judged.status() == Expected.Status.FAILED) {
            LedgerEntry x = judged.entry();
            return new ControlResult.Failing(c, x.seq(), x.time(), c.describe() + ": latest evidence " + when
                    + " does not cover it: " + (judged.detail() != null ? judged.detail() : x.summary()));
        }
        if (judged != null && judged.status() == Expected.Status.OUTDATED) {
            return new ControlResult.Stale(c, e.seq(), e.time(), c.describe() + ": stale, passed " + when + ", but "
                    + (judged.detail() != null ? judged.detail() : "what it checked changed since"));
        }
        if (judged != null && judged.expired(now) != null) {
            return new ControlResult.Stale(c, e.seq(), e.time(), c.describe() + ": stale, passed " + when + ", but "
                    + judged.expired(now));
        }
        String future = Freshness.future(e.time(), now);
        if (future != null) {
            return new ControlResult.Stale(c, e.seq(), e.time(), c.describe() + ": passed " + when + ", but " + future);
        }
        if (age.compareTo(c.maxAge()) > 0) {
            return new ControlResult.Stale(c, e.seq(), e.time(), c.describe() + ": stale, last passed " + when);
        }
        if (later != null) {
            // Its age looks fine only by a clock that the ledger itself shows to be behind.
            return new ControlResult.Stale(c, e.seq(), e.time(), c.describe() + ": passed " + when + ", but "
                    + Freshness.behind(later, now));
        }
        return new ControlResult.Fresh(c, e.seq(), e.time(), c.describe() + ": passed " + when);
    }
}
