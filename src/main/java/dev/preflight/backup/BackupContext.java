package dev.preflight.backup;

import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.core.Errors;
import dev.preflight.core.LockProvider;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.report.Visible;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Everything a backup verb works with, built once by the command: the plan's section, the ledger,
 * the clock, the store and producer factories, the progress stream, the secrets to redact, how the
 * byte counter is shown and where the per-source locks are held. It keeps one open store per destination.
 */
public final class BackupContext {
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final BackupPlan plan;
    private final Ledger ledger;
    private final Clock clock;
    private final Stores stores;
    private final Function<Source, Producer> producers;
    private final PrintWriter progress;
    private final Secrets secrets;
    private final Progress.Options ticks;
    private final LockProvider locks;
    // One store (and so one S3 client and its connection pool) per destination for this context's life.
    private final Map<String, ArtifactStore> openStores = new ConcurrentHashMap<>();

    /**
     * A context whose byte counter prints plain lines (no terminal) and whose per-source locks are files.
     *
     * @param producers makes the producer of a source (a dump, an RDB fetch, a bucket copy)
     * @param progress  one line per step (stderr in the CLI), or null
     */
    public BackupContext(BackupPlan plan, Ledger ledger, Clock clock, Stores stores,
                         Function<Source, Producer> producers, PrintWriter progress, Secrets secrets) {
        this(plan, ledger, clock, stores, producers, progress, secrets,
                new Progress.Options(progress, false, Progress.LINE_EVERY, clock), LockProvider.files());
    }

    /**
     * A context for reading what was backed up (the catalogue, the copies), as restore does: it takes
     * no backups, so asking it for a producer is a bug, and it prints no progress.
     */
    public static BackupContext reading(BackupPlan plan, Ledger ledger, Clock clock, Stores stores, Secrets secrets) {
        return new BackupContext(plan, ledger, clock, stores, s -> {
            throw new IllegalStateException("this context reads backups; it takes none");
        }, null, secrets);
    }

    /**
     * @param producers makes the producer of a source (a dump, an RDB fetch, a bucket copy)
     * @param progress  one line per step (stderr in the CLI), or null
     * @param ticks     how the byte counter of a running backup is shown
     * @param locks     where the per-source locks are held (files, or the PostgreSQL ledger database)
     */
    public BackupContext(BackupPlan plan, Ledger ledger, Clock clock, Stores stores,
                         Function<Source, Producer> producers, PrintWriter progress, Secrets secrets,
                         Progress.Options ticks, LockProvider locks) {
        this.plan = plan;
        this.ledger = ledger;
        this.clock = clock;
        this.stores = stores;
        this.producers = producers;
        this.progress = progress;
        this.secrets = secrets;
        this.ticks = ticks;
        this.locks = locks;
    }

    public BackupPlan plan() {
        return plan;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Clock clock() {
        return clock;
    }

    Function<Source, Producer> producers() {
        return producers;
    }

    Secrets secrets() {
        return secrets;
    }

    Progress.Options ticks() {
        return ticks;
    }

    LockProvider locks() {
        return locks;
    }

    /** The open store of a destination of the plan. */
    ArtifactStore store(Destination d) {
        return openStores.computeIfAbsent(d.name(), n -> stores.open(d));
    }

    /** The store holding a recorded copy; a local copy whose destination left the plan is read by its path. */
    ArtifactStore storeFor(Copy c) {
        Destination d = plan.destination(c.destination()).orElse(null);
        if (d != null) {
            return store(d);
        }
        if (c.location().startsWith("/")) {
            // The destination left the plan; a local copy is still readable by its absolute path.
            return new LocalDirectoryStore(c.destination(), Path.of(c.location()).getParent());
        }
        throw PreflightException.usage("destination '" + c.destination() + "' of " + c.location()
                + " is no longer in the plan", "add it back to read that copy");
    }

    /** Appends a row to the backup log; a log that cannot be written is a warning, not a failure. */
    void log(List<String> cells) {
        try {
            new BackupLog(plan.log()).append(cells.stream().map(secrets::redact).toList());
        } catch (IOException e) {
            step("warning: cannot append to the backup log " + plan.log() + ": " + Errors.describe(e));
        }
    }

    static String fmt(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t);
    }

    /** One progress line, redacted and kept on its line (it may quote a tool's stderr). */
    void step(String line) {
        if (progress != null) {
            progress.println(Visible.line(secrets.redact(line)));
            progress.flush();
        }
    }
}
