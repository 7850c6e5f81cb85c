package dev.preflight.cli;

import dev.preflight.audit.AuditEvidence;
import dev.preflight.backup.BackupEvidence;
import dev.preflight.cutover.CutoverHistory;
import dev.preflight.deps.DepsEvidence;
import dev.preflight.flags.FlagsEvidence;
import dev.preflight.gates.ChangeWindow;
import dev.preflight.gates.GatesPlan;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.plan.Plan;
import dev.preflight.readiness.HtmlReport;
import dev.preflight.readiness.Readiness;
import dev.preflight.report.EvidenceDigest;
import dev.preflight.restore.RestoreEvidence;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers what the readiness page shows beyond the ledger's entries: the plan's change window,
 * ticket, notice lead and gates, each environment's cutover as the cutover capability derives it,
 * the chart series and the attachments the page details, each read by its owner's reader. It lives
 * here because report may not read the capabilities (docs/architecture.md).
 */
final class PageEvidence {
    private PageEvidence() {
    }

    static HtmlReport.Evidence read(Ledger ledger, Plan plan) {
        EvidenceDigest.Series series = new EvidenceDigest.Series(
                EvidenceDigest.series(ledger, BackupEvidence.KIND, BackupEvidence::size),
                EvidenceDigest.series(ledger, RestoreEvidence.KIND, RestoreEvidence::restoreMs));
        return new HtmlReport.Evidence(EvidenceDigest.read(ledger, facts(plan), cutovers(ledger, plan.project().name()), series),
                EvidenceDigest.newestPerSubject(ledger, AuditEvidence.KIND, AuditEvidence::report),
                EvidenceDigest.newestPerSubject(ledger, DepsEvidence.KIND, DepsEvidence::review),
                EvidenceDigest.newest(ledger, FlagsEvidence.VALIDATE, FlagsEvidence::validation));
    }

    /**
     * As {@link #read}, or, when the verdict could not judge the evidence (a stored row that is not an
     * entry), the page without the ledger's history: reading it would fail on the same row, and the
     * page must still say NO-GO and why.
     */
    static HtmlReport.Evidence readOrNone(Ledger ledger, Plan plan, Readiness r) {
        if (r.verdict().judged()) {
            return read(ledger, plan);
        }
        return new HtmlReport.Evidence(new EvidenceDigest(Map.of(), r.hash(), ledger.describe(), r.seq(), facts(plan),
                List.of(), null, null), Map.of(), Map.of(), null);
    }

    static EvidenceDigest.PlanFacts facts(Plan plan) {
        ChangeWindow w = plan.section("change_window", ChangeWindow.class).orElse(null);
        GatesPlan g = plan.section("gates", GatesPlan.class).orElse(null);
        List<String> configured = new ArrayList<>();
        if (g != null) {
            if (g.cab() != null) {
                configured.add("cab");
            }
            if (g.oncall() != null) {
                configured.add("oncall");
            }
            if (g.notice() != null) {
                configured.add("notice");
            }
            g.custom().forEach(c -> configured.add(c.name()));
        }
        return new EvidenceDigest.PlanFacts(plan.project().owner(), plan.project().runbook(),
                w == null ? null : new EvidenceDigest.Window(w.start(), w.end(), w.environment(), w.ticket()),
                g == null || g.notice() == null ? null : g.notice().leadTime(), configured);
    }

    /** The project's current cutover of every environment the ledger has cutover steps for. */
    static List<EvidenceDigest.Cutover> cutovers(Ledger ledger, String project) {
        Set<String> environments = new LinkedHashSet<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(CutoverHistory.KIND, null, null, 500, true))) {
            environments.add(e.subject());
        }
        List<EvidenceDigest.Cutover> out = new ArrayList<>();
        for (String env : environments) {
            CutoverHistory h = CutoverHistory.read(ledger, env, project);
            if (h.cutoverId() == null) {
                continue;
            }
            List<EvidenceDigest.Attempt> attempts = h.attempts().stream().map(a -> new EvidenceDigest.Attempt(
                    a.step().label(), a.number(), a.started(), a.ended(), a.outcome(), a.elapsedMs(), a.summary())).toList();
            int breaches = (int) h.rounds().stream().filter(CutoverHistory.Round::breach).count();
            out.add(new EvidenceDigest.Cutover(env, h.cutoverId(), h.begun(), h.state().label(), attempts, h.rounds().size(),
                    breaches));
        }
        return out;
    }
}
