package dev.preflight.restore;

import dev.preflight.backup.Leftovers;
import dev.preflight.backup.Owner;
import dev.preflight.core.Phases;
import dev.preflight.core.Errors;
import dev.preflight.core.Secrets;
import dev.preflight.exec.MysqlSyntax;
import dev.preflight.exec.ProcessResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sweep every restore test starts with: removes what restore tests and backups of processes that
 * are gone left behind, and records what it removed.
 */
public final class RestoreLeftovers {
    /** A scratch database name: {@code <db>_restore_<stamp>_<owner>} ({@link Owner#dbToken()}). */
    private static final Pattern SCRATCH = Pattern.compile(".+_restore_\\d{14}_([0-9a-z]+_[0-9a-z]+_[0-9a-f]{6})");
    /** Made by a version that did not name the owner: whose it is cannot be told. */
    private static final Pattern LEGACY_SCRATCH = Pattern.compile(".+_restore_\\d{14}");

    private final RestoreContext ctx;
    private final RestorePlan plan;
    private final Secrets secrets;

    public RestoreLeftovers(RestoreContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan();
        this.secrets = ctx.secrets();
    }

    /**
     * Removes what restore tests and backups of processes that are gone left behind: private
     * temporary directories (an option file holds the staging password), scratch redis directories
     * and the orphaned redis-server in one, partial copies, and scratch databases on the staging
     * server named after a dead process of this host. Says each on the progress stream and records
     * a {@link Leftovers#KIND} entry when anything was removed; work of live processes, and what
     * {@code --keep} left, is never touched.
     */
    public List<Leftovers.Found> run(String command) {
        return start(command).finish();
    }

    /**
     * {@link #run} begun: the staging server's part (a client process, the listing of scratch
     * databases, a DROP of each a dead process left) starts on its own thread, so that its round trips
     * overlap what the caller does next (reading the catalogue). That part reaches only the staging
     * server; the local sweeps and the ledger entry are {@link Sweep#finish()}'s, on the caller's thread.
     */
    public Sweep start(String command) {
        FutureTask<List<Leftovers.Found>> server = new FutureTask<>(this::scratchDatabases);
        Thread t = new Thread(server, "preflight-restore-sweep");
        t.setDaemon(true);
        t.start();
        return new Sweep(command, server);
    }

    /** A sweep begun by {@link #start}; {@link #finish()} completes it once. */
    public final class Sweep {
        private final String command;
        private final FutureTask<List<Leftovers.Found>> server;
        private List<Leftovers.Found> done;

        private Sweep(String command, FutureTask<List<Leftovers.Found>> server) {
            this.command = command;
            this.server = server;
        }

        /**
         * Sweeps the private temporary directories and partial copies, waits for the staging server's
         * part, says and records what was removed; the same list on every later call.
         */
        public synchronized List<Leftovers.Found> finish() {
            if (done != null) {
                return done;
            }
            List<Leftovers.Found> found = new ArrayList<>(Leftovers.sweepTemp(Leftovers.tmp()));
            Phases.mark("tmp-swept");
            found.addAll(Leftovers.sweepPartials(Leftovers.localDirs(ctx.backups())));
            Phases.mark("partials-swept");
            try {
                found.addAll(server.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // scratchDatabases says its own IO failures; anything else is a bug, as before.
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
            Phases.mark("sweep-joined");
            Leftovers.record(found, ctx.ledger(), command, ctx::step);
            Phases.mark("leftovers-swept");
            done = List.copyOf(found);
            return done;
        }
    }

    /** Scratch databases on the staging server whose owner (in the name) is a dead process of this host. */
    private List<Leftovers.Found> scratchDatabases() {
        List<Leftovers.Found> out = new ArrayList<>();
        if (plan.target() == null) {
            return out;
        }
        String what = "scratch database";
        String server = plan.target().endpoint().toString();
        try (SqlClient client = ctx.stagingSql(true)) {
            ProcessResult r = client.query(null, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
                    + "WHERE SCHEMA_NAME LIKE '%restore%' ORDER BY SCHEMA_NAME");
            if (!r.ok()) {
                ctx.step("cleanup: cannot list the scratch databases on " + server + ": "
                        + secrets.redact(MysqlClient.why(r)));
                return out;
            }
            for (String name : r.stdout().lines().map(String::strip).toList()) {
                Matcher m = SCRATCH.matcher(name);
                if (!m.matches()) {
                    if (LEGACY_SCRATCH.matcher(name).matches()) {
                        out.add(new Leftovers.Found(what, server + "/" + name, "", Leftovers.Action.UNKNOWN_OWNER, null));
                    }
                    continue;
                }
                Owner owner = Owner.parseDbToken(m.group(1)).orElse(null);
                if (owner == null || owner.state() != Owner.State.GONE) {
                    continue;
                }
                ProcessResult d = client.query(null, "DROP DATABASE IF EXISTS " + MysqlSyntax.ident(name));
                out.add(d.ok() ? new Leftovers.Found(what, server + "/" + name, owner.describe(),
                        Leftovers.Action.REMOVED, "dropped")
                        : new Leftovers.Found(what, server + "/" + name, owner.describe(), Leftovers.Action.FAILED,
                        secrets.redact(MysqlClient.why(d))));
            }
        } catch (IOException e) {
            ctx.step("cleanup: cannot look for scratch databases on " + server + ": " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
