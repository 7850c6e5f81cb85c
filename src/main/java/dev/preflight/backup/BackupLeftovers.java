package dev.preflight.backup;

import dev.preflight.core.Phases;
import java.util.ArrayList;
import java.util.List;

/**
 * The sweep {@code backup run|list|prune} start with: removes what backups of processes that are gone
 * left behind (private temporary directories, partial copies in the local destinations).
 */
public final class BackupLeftovers {
    private final BackupContext ctx;

    /** A sweep over the context's plan and ledger. */
    public BackupLeftovers(BackupContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Removes the leftovers, says each on the progress stream and records a {@link Leftovers#KIND}
     * entry when anything was removed. Work of live processes is never touched.
     *
     * @param command the command sweeping ({@code backup run}), the entry's subject
     */
    public List<Leftovers.Found> run(String command) {
        List<Leftovers.Found> found = new ArrayList<>(Leftovers.sweepTemp(Leftovers.tmp()));
        found.addAll(Leftovers.sweepPartials(Leftovers.localDirs(ctx.plan())));
        Leftovers.record(found, ctx.ledger(), command, ctx::step);
        Phases.mark("leftovers-swept");
        return found;
    }
}
