package dev.preflight.restore;

import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.Stores;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.report.Visible;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What every restore verb works with, built once per command: the plan's {@code restore_test} and
 * {@code backups} sections, the ledger, the clock, the artifact stores, the process runner, the
 * progress stream (stderr in the CLI, or null) with its ticker options, and the plan's secrets.
 */
public final class RestoreContext {
    private final RestorePlan plan;
    private final BackupPlan backups;
    private final Ledger ledger;
    private final Clock clock;
    private final Stores stores;
    private final ProcessRunner runner;
    private final PrintWriter progress;
    private final Progress.Options ticks;
    private final Secrets secrets;
    private final RestoreDrivers drivers;
    // Made on the first HTTP check: building an HttpClient initialises TLS (measured 0.5-0.9 s of a
    // restore-test without HTTP checks) and leaves a selector thread that holds up the JVM's exit
    // by 0.3 s, which no plan without HTTP checks should pay.
    private HttpChecker http;

    /** @param progress one line per step (stderr in the CLI), or null */
    public RestoreContext(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                          ProcessRunner runner, PrintWriter progress, Secrets secrets) {
        this(plan, backups, ledger, clock, stores, runner, progress, secrets,
                new Progress.Options(progress, false, Progress.LINE_EVERY, clock));
    }

    /** @param ticks how a running restore shows its progress (bytes of the artifact read, rate, ETA) */
    public RestoreContext(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                          ProcessRunner runner, PrintWriter progress, Secrets secrets, Progress.Options ticks) {
        this(plan, backups, ledger, clock, stores, runner, progress, secrets, ticks, RestoreDrivers.REAL);
    }

    private RestoreContext(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                           ProcessRunner runner, PrintWriter progress, Secrets secrets, Progress.Options ticks,
                           RestoreDrivers drivers) {
        this.plan = plan;
        this.drivers = drivers;
        this.backups = backups;
        this.ledger = ledger;
        this.clock = clock;
        this.stores = stores;
        this.runner = runner;
        this.progress = progress;
        this.secrets = secrets;
        this.ticks = ticks;
    }

    /** The same context over other drivers (a test's staging server that misbehaves). */
    RestoreContext withDrivers(RestoreDrivers other) {
        return new RestoreContext(plan, backups, ledger, clock, stores, runner, progress, secrets, ticks, other);
    }

    public RestorePlan plan() {
        return plan;
    }

    public BackupPlan backups() {
        return backups;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Clock clock() {
        return clock;
    }

    Stores stores() {
        return stores;
    }

    ProcessRunner runner() {
        return runner;
    }

    Progress.Options ticks() {
        return ticks;
    }

    Secrets secrets() {
        return secrets;
    }

    /** The HTTP client, built only for plans with HTTP checks (its TLS set-up costs half a second). */
    synchronized HttpChecker http() {
        if (http == null) {
            http = new HttpChecker();
        }
        return http;
    }

    /**
     * A client of the staging SQL server ({@code restore_test.target}).
     *
     * @param removeOnSignal remove its option file from a shutdown hook too; false when the caller's
     *                       own hook still needs it (to drop the scratch database) and closes it afterwards
     */
    SqlClient stagingSql(boolean removeOnSignal) throws IOException, InterruptedException {
        return drivers.stagingSql().open(plan, runner, removeOnSignal);
    }

    /** A scratch Redis started on {@code dir/dump.rdb}; returns once launched (not yet loaded). */
    ScratchRedis scratchRedis(Path dir) throws IOException {
        return drivers.scratchRedis().start(plan, runner, dir);
    }

    /** One line on the progress stream, redacted and kept on its line (it may quote a tool's stderr). */
    void step(String line) {
        if (progress != null) {
            progress.println(Visible.line(secrets.redact(line)));
            progress.flush();
        }
    }

    /**
     * What a restore test undid when a signal stopped it: its report will never be printed, so the
     * last lines on stderr say what happened to the scratch target.
     */
    void signalled(String undone) {
        step("stopped by a signal: " + undone);
    }
}
