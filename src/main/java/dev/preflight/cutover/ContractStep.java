package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.preflight.core.Json;
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
        a.add(cp.backedUp().isEmpty() ? "refuse: " + NO_SOURCE
                : "refuse unless a passed backup of " + database(cp) + " younger than " + compact(cp.backupMaxAge())
                + " is in the ledger");
        a.add(cp.contract() == null ? "nothing configured (cutover.contract.command)"
                : "run " + String.join(" ", cp.contract().command())
                        + (cp.contract().dir() == null ? "" : " in " + cp.contract().dir()));
        return a;
    }

    /**
     * What a backup entry says it backed up (its {@code origin}, recorded by backups since they are
     * bound to their source); read through the ledger, as capabilities read each other's evidence.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record BackedUp(String origin) {
    }

    /**
     * Why contract never runs for a plan whose backups section dumps no database: on a ledger several
     * projects share, a backup that names a database of that name (or any) cannot be shown to be of
     * the database contract changes, and only that one brings back what contract drops.
     */
    static final String NO_SOURCE = "the plan's backups section dumps no MySQL/MariaDB database, so no backup on "
            + "the ledger can be shown to be of the database contract changes (add it to backups.sources and run "
            + "preflight backup run)";

    /** The database contract changes, as its step and refusals name it (the plan's backups section dumps it). */
    private static String database(CutoverPlan cp) {
        String of = cp.replica() == null ? null : "the database " + cp.replica().database();
        return (of == null ? "" : of + ", ") + (cp.backedUp().size() == 1 ? "the plan's backup source "
                : "one of the plan's backup sources ") + String.join(", ", cp.backedUp());
    }

    /**
     * The backup entry is of the database contract changes: a MySQL/MariaDB dump of one of the
     * databases the plan's backups section dumps (a shared ledger holds other projects' backups),
     * and of the replica's database when the plan names a replica. A backup of another source (the
     * Redis cache, the S3 assets) or one that does not say what it backed up restores nothing
     * contract drops.
     */
    static boolean ofDatabase(LedgerEntry e, String database, List<String> backedUp) {
        String origin = Json.readLenient(Json.parse(e.payload()), BackedUp.class).map(BackedUp::origin).orElse(null);
        return origin != null && origin.startsWith("mysql://") && (database == null || origin.endsWith("/" + database))
                && backedUp.contains(origin);
    }

    /** Why contract may not run for lack of a backup, or null when a fresh passed backup is on record. */
    String backupProblem() {
        CutoverPlan cp = ctx.plan();
        Instant now = ctx.clock().instant();
        if (cp.backedUp().isEmpty()) {
            return NO_SOURCE;
        }
        String database = cp.replica() == null ? null : cp.replica().database();
        LedgerEntry any = null;
        LedgerEntry newest = null;
        for (LedgerEntry e : ctx.ledger().query(new LedgerQuery(CutoverEvidence.BACKUP, null, null, 0, true))) {
            if (e.outcome() != Outcome.PASSED) {
                continue;
            }
            any = any == null ? e : any;
            if (ofDatabase(e, database, cp.backedUp())) {
                newest = e;
                break;
            }
        }
        if (any == null) {
            return "no backup is on record: the ledger has no 'backup' entry with outcome passed (contract needs one younger than "
                    + compact(cp.backupMaxAge()) + ")";
        }
        if (newest == null) {
            // Contract drops what expand kept: only a backup of that database can bring it back.
            return "no passed backup of " + database(cp) + " is on record: the newest passed backup, #" + any.seq()
                    + " of " + any.subject() + ", is of another source or does not say what it backed up (contract needs"
                    + " a backup of the database younger than " + compact(cp.backupMaxAge()) + ")";
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
