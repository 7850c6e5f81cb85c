package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;

import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Outcome;
import dev.preflight.run.Freshness;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import dev.preflight.cutover.CutoverEvidence.Contracted;
import java.util.ArrayList;
import java.util.List;

/**
 * switched or stable → contracted: the contract migrations, the point of no return. The guards
 * (stable window, backup) are checked by {@link CutoverContract} before this runs.
 */
final class ContractStep implements CutoverStep {
    private final CutoverContext ctx;

    ContractStep(CutoverContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Step step() {
        return Step.CONTRACT;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>();
        a.add("WARNING: the point of no return (failback impossible afterwards); needs --yes");
        a.add("refuse unless the stable window (" + compact(cp.stable().window()) + ") passed with no breach and no failback");
        a.add("refuse unless a passed backup younger than " + compact(cp.backupMaxAge()) + " is in the ledger");
        a.add(cp.contract() == null ? "nothing configured (cutover.contract.command)"
                : "run " + String.join(" ", cp.contract().command())
                        + (cp.contract().dir() == null ? "" : " in " + cp.contract().dir()));
        return a;
    }

    /** Why contract may not run for lack of a backup, or null when a fresh passed backup is on record. */
    String backupProblem() {
        CutoverPlan cp = ctx.plan();
        Instant now = ctx.clock().instant();
        LedgerEntry newest = null;
        for (LedgerEntry e : ctx.ledger().query(new LedgerQuery(CutoverEvidence.BACKUP, null, null, 0, true))) {
            if (e.outcome() == Outcome.PASSED) {
                newest = e;
                break;
            }
        }
        if (newest == null) {
            return "no backup is on record: the ledger has no 'backup' entry with outcome passed (contract needs one younger than "
                    + compact(cp.backupMaxAge()) + ")";
        }
        String future = Freshness.future(newest.time(), now);
        if (future != null) {
            return "the newest passed backup (#" + newest.seq() + ", " + newest.subject() + ", " + newest.time()
                    + ") cannot count as younger than backup_max_age " + compact(cp.backupMaxAge()) + ": " + future;
        }
        Duration age = Duration.between(newest.time(), now);
        if (age.compareTo(cp.backupMaxAge()) > 0) {
            return "the newest passed backup (#" + newest.seq() + ", " + newest.subject() + ", " + newest.time() + ") is "
                    + compact(age) + " old, older than backup_max_age " + compact(cp.backupMaxAge());
        }
        return null;
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws Exception {
        CutoverPlan cp = ctx.plan();
        CutoverPlan.Contract c = cp.contract();
        List<Migrations.Row> before = null;
        if (cp.replica() != null && cp.expand() != null) {
            try (Connection con = Migrations.connect(cp.replica())) {
                before = Migrations.snapshot(con, cp.expand().table());
            }
        }
        ProcessSpec spec = ProcessSpec.of(c.command()).withTimeout(Duration.ofMinutes(30));
        if (c.dir() != null) {
            spec = spec.withWorkDir(c.dir().toString());
        }
        ProcessResult pr = ctx.runner().run(spec);
        String added = "";
        List<Migrations.Row> nw = null;
        if (before != null) {
            try (Connection con = Migrations.connect(cp.replica())) {
                nw = Migrations.added(before, Migrations.snapshot(con, cp.expand().table()));
                added = "; " + nw.size() + " new migration(s)" + (nw.isEmpty() ? "" : ": "
                        + String.join(", ", nw.stream().map(Migrations.Row::migration).toList()));
            }
        }
        Contracted d = new Contracted(pr.exitCode(), nw);
        if (!pr.ok()) {
            return StepResult.failed(String.join(" ", c.command()) + " failed (exit " + pr.exitCode() + ")" + added, d);
        }
        return StepResult.passed(String.join(" ", c.command()) + " ran" + added, d);
    }
}
