package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.core.LockProvider;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Outcome;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The backup capability's entry point (runbook §2 steps 1-3 and 5): builds one {@link BackupContext}
 * and hands each verb to its class ({@link BackupRun}, {@link BackupVerify}, {@link BackupPrune},
 * {@link BackupCatalog}). The verbs' result records stay nested here because the CLI, restore and the
 * pinned tests name them as {@code BackupService.RunResult} and so on.
 */
public final class BackupService {
    /** The ledger kinds, kept under their old names; {@link BackupEvidence} is where they live. */
    public static final String KIND = BackupEvidence.KIND;
    public static final String VERIFY_KIND = BackupEvidence.VERIFY_KIND;
    public static final String PRUNE_KIND = BackupEvidence.PRUNE_KIND;

    private final BackupContext ctx;

    /**
     * @param producers makes the producer of a source (a dump, an RDB fetch, a bucket copy)
     * @param progress  one line per step (stderr in the CLI)
     */
    public BackupService(BackupPlan plan, Ledger ledger, Clock clock, Stores stores,
                         Function<Source, Producer> producers, PrintWriter progress, Secrets secrets) {
        this(plan, ledger, clock, stores, producers, progress, secrets, false);
    }

    /** @param terminal progress goes to a terminal: show a live byte counter while streaming */
    public BackupService(BackupPlan plan, Ledger ledger, Clock clock, Stores stores,
                         Function<Source, Producer> producers, PrintWriter progress, Secrets secrets,
                         boolean terminal) {
        this(plan, ledger, clock, stores, producers, progress, secrets, terminal, LockProvider.files());
    }

    /** @param locks where the per-source locks are held (files, or the PostgreSQL ledger database) */
    public BackupService(BackupPlan plan, Ledger ledger, Clock clock, Stores stores,
                         Function<Source, Producer> producers, PrintWriter progress, Secrets secrets,
                         boolean terminal, LockProvider locks) {
        this(plan, ledger, clock, stores, producers, progress, secrets,
                new Progress.Options(progress, terminal, Progress.LINE_EVERY, clock), locks);
    }

    /** @param ticks how the byte counter of a running backup is shown: a live line, or plain lines every few seconds */
    public BackupService(BackupPlan plan, Ledger ledger, Clock clock, Stores stores,
                         Function<Source, Producer> producers, PrintWriter progress, Secrets secrets,
                         Progress.Options ticks, LockProvider locks) {
        this(new BackupContext(plan, ledger, clock, stores, producers, progress, secrets, ticks, locks));
    }

    /** A service over a context built by the caller. */
    public BackupService(BackupContext ctx) {
        this.ctx = ctx;
    }

    /** The context every verb of this service shares. */
    public BackupContext context() {
        return ctx;
    }

    /** What one backup run of one source did. */
    public record RunResult(String source, Outcome outcome, String entryId, String file, long size, String sha256,
                            Instant retentionUntil, List<Copy> copies, String failure, Map<String, Object> facts) {
        public RunResult {
            copies = List.copyOf(copies);
        }
    }

    /** Backs up one source under its lock; a second concurrent run of the same source fails with exit 3. */
    public RunResult run(Source source) {
        return new BackupRun(ctx).run(source);
    }

    // ---------------------------------------------------------------- leftovers

    /**
     * Removes what processes that are gone left behind (private temporary directories, partial
     * copies in the local destinations), says each on the progress stream and records a
     * {@link Leftovers#KIND} entry when anything was removed. Work of live processes is never touched.
     *
     * @param command the command sweeping ({@code backup run}), the entry's subject
     */
    public List<Leftovers.Found> cleanLeftovers(String command) {
        List<Leftovers.Found> found = new ArrayList<>(Leftovers.sweepTemp(Leftovers.tmp()));
        found.addAll(Leftovers.sweepPartials(Leftovers.localDirs(ctx.plan())));
        Leftovers.record(found, ctx.ledger(), command, ctx::step);
        Phases.mark("leftovers-swept");
        return found;
    }

    /** Every backup that passed and still has copies, oldest first, from the ledger. */
    public List<BackupRecord> catalog() {
        return new BackupCatalog(ctx).all();
    }

    /** The backup whose id is or starts with {@code id}; exit 2 when none or several match. */
    public BackupRecord find(String id) {
        return new BackupCatalog(ctx).find(id);
    }

    /** The result of re-reading one copy. */
    public record CopyCheck(BackupRecord backup, Copy copy, Status status, String actual, String detail) {
    }

    /** How a copy compares to what the ledger recorded. */
    public enum Status {
        OK, MISSING, MISMATCH, UNREADABLE,
        /** The copy is the same physical file as another copy of the backup. */
        SAME_FILE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Re-hashes every copy of the given backups against the ledger and records one entry per backup. */
    public List<CopyCheck> verify(List<BackupRecord> backups) {
        return new BackupVerify(ctx).verify(backups);
    }

    /** What prune does with one backup. */
    public record PruneItem(BackupRecord backup, Action action, String reason, List<String> errors) {
        public PruneItem {
            errors = List.copyOf(errors);
        }
    }

    /** Keep, or delete (done with {@code --apply}). */
    public enum Action {
        KEEP, KEEP_NEWEST_VERIFIED, DELETE
    }

    /**
     * Applies retention per source: a backup whose retention ended is deleted (with {@code apply}),
     * except the newest verified backup of its source, which is always kept. Deletions are recorded.
     */
    public List<PruneItem> prune(boolean apply) {
        return new BackupPrune(ctx).prune(apply);
    }

    /** Used by reports: the time elapsed since a backup, in whole units; see {@link BackupReport#age}. */
    public static String age(Instant then, Instant now) {
        return BackupReport.age(then, now);
    }
}
