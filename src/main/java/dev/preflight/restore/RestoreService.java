package dev.preflight.restore;

import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.Leftovers;
import dev.preflight.backup.Stores;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.restore.RestoreResult.MysqlRestored;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The former single entry point of restore tests, now a thin front over {@link RestoreContext},
 * {@link RestoreLeftovers}, {@link RestoreTest}, {@link MysqlChecks} and {@link RestoreEvidence},
 * kept so that its callers (tests, {@code backup list}) keep working; new code uses those directly.
 */
public final class RestoreService {
    /** {@link RestoreEvidence#KIND}. */
    public static final String KIND = RestoreEvidence.KIND;
    /** {@link RedisRestore#SCRATCH_REDIS_PREFIX}. */
    public static final String SCRATCH_REDIS_PREFIX = RedisRestore.SCRATCH_REDIS_PREFIX;

    private final RestoreContext ctx;

    /** @param progress one line per step (stderr in the CLI), or null */
    public RestoreService(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                          ProcessRunner runner, PrintWriter progress, Secrets secrets) {
        this.ctx = new RestoreContext(plan, backups, ledger, clock, stores, runner, progress, secrets);
    }

    /** @param ticks how a running restore shows its progress (bytes of the artifact read, rate, ETA) */
    public RestoreService(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                          ProcessRunner runner, PrintWriter progress, Secrets secrets, Progress.Options ticks) {
        this.ctx = new RestoreContext(plan, backups, ledger, clock, stores, runner, progress, secrets, ticks);
    }

    /** {@link RestoreTest.Options} under its former name. */
    public record Options(String backup, boolean keep, boolean replace, Integer parallel) {
        public Options(String backup, boolean keep, boolean replace) {
            this(backup, keep, replace, null);
        }
    }

    /** {@link RestoreLeftovers#run}. */
    public List<Leftovers.Found> cleanLeftovers(String command) {
        return new RestoreLeftovers(ctx).run(command);
    }

    /** {@link RestoreTest#run}, its results. */
    public List<RestoreResult> run(String source, Options o) {
        return new RestoreTest(ctx).run(source, new RestoreTest.Options(o.backup(), o.keep(), o.replace(),
                o.parallel())).results();
    }

    /** {@link MysqlChecks#run}: the checks again, on a kept database. */
    public List<Check> checks(MysqlRestored m) throws InterruptedException {
        return new MysqlChecks(ctx).run(m);
    }

    /** {@link RestoreEvidence#lastTested}. */
    public static Map<String, LedgerEntry> lastTested(Ledger ledger) {
        return RestoreEvidence.lastTested(ledger);
    }
}
