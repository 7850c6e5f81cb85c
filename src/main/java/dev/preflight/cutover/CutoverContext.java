package dev.preflight.cutover;

import dev.preflight.core.LockHolder;
import dev.preflight.core.LockProvider;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.ledger.Ledger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Everything a cutover command works with, built once by the command: the plan's section, the
 * ledger, the clock, the load balancer driver, the HTTP probe, the process runner, the lock, the
 * progress sink and whether this is a dry run. {@link #planOnly} is the context of {@code cutover plan},
 * which runs nothing.
 *
 * @param progress receives each progress line as it happens (a monitor can run for a day)
 */
public record CutoverContext(CutoverPlan plan, Ledger ledger, Clock clock, LoadBalancer loadBalancer, HttpProbe http,
                             ProcessRunner runner, Locking locking, boolean dryRun, Sleeper sleeper,
                             Consumer<String> progress) {
    /** Waits between monitor rounds (tests pass one that does not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        /** Really sleeps. */
        static Sleeper real() {
            return d -> Thread.sleep(d.toMillis());
        }
    }

    /**
     * Where the environment's lock is held and by whom.
     *
     * @param locks files, or the PostgreSQL ledger database
     * @param dir   the directory of lock files (file locks only)
     */
    public record Locking(LockProvider locks, Path dir, LockHolder holder) {
    }

    /** The context of {@code cutover plan}: the plan and the driver, to list actions; nothing can run. */
    public static CutoverContext planOnly(CutoverPlan plan, Clock clock, LoadBalancer loadBalancer) {
        return new CutoverContext(plan, null, clock, loadBalancer, null, null, null, true, null, line -> {
        });
    }

    /** The environment this cutover is of. */
    public String environment() {
        return plan.environment();
    }
}
