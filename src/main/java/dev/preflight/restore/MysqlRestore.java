package dev.preflight.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.Owner;
import dev.preflight.core.Phases;
import dev.preflight.core.Errors;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.core.Sizes;
import dev.preflight.exec.HttpCheck;
import dev.preflight.exec.MysqlSyntax;
import dev.preflight.exec.ProcessResult;
import dev.preflight.report.Durations;
import dev.preflight.restore.RestoreArtifact.Reader;
import dev.preflight.restore.RestoreArtifact.Verified;
import dev.preflight.restore.RestoreResult.MysqlRestored;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Restores a verified MySQL/MariaDB dump into a scratch database (or, with {@code --replace}, the
 * plan's target database) through the server's client tool, serially or over several connections,
 * times the load, runs {@link MysqlChecks} and removes the scratch database unless {@code --keep}.
 */
final class MysqlRestore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern ERROR = Pattern.compile("(?i)^error\\b|\\berror \\d+");

    private final RestoreContext ctx;
    private final RestorePlan plan;
    private final Secrets secrets;

    MysqlRestore(RestoreContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan();
        this.secrets = ctx.secrets();
    }

    /** Restores and checks backup {@code b} of {@code source} from the verified copy; {@code checks} so far. */
    RestoreResult run(String source, BackupRecord b, JsonNode facts, Verified v, List<Check> checks,
                      RestoreTest.Options o) throws InterruptedException {
        if (plan.target() == null || !source.equals(plan.source())) {
            return new RestoreResult(source, "mysql", b.id(), b.seq(), b.file(), v.copy().location(), null, null,
                    b.size(), 0, checks, "the plan has no MySQL/MariaDB target for " + source, false, null, List.of(),
                    null);
        }
        Instant backupTime = b.time();
        String db = o.replace() ? plan.target().endpoint().database() : scratchName(facts.path("database").asText(source), o.keep());
        String where = plan.target().endpoint() + "/" + db;
        Map<String, Long> estimates = new TreeMap<>();
        facts.path("table_rows_estimate").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                estimates.put(e.getKey(), e.getValue().asLong());
            }
        });
        Cleanup cleanup = new Cleanup(ctx::signalled);
        Duration took = null;
        long dataBytes = 0;
        String failure = null;
        MysqlRestored restored = null;
        List<String> cleaned = new ArrayList<>();
        SqlClient client = null;
        try {
            client = ctx.stagingSql(false);
            SqlClient cl = client;
            // Registered first, so it runs last: the DROP below needs the option file, also when the
            // cleanup runs from its shutdown hook on SIGINT/SIGTERM; then the password goes too.
            cleanup.add(() -> {
                cl.close();
                return "";
            });
            Phases.mark("client-ready");
            String create = o.replace() ? "DROP DATABASE IF EXISTS " + MysqlSyntax.ident(db) + "; CREATE DATABASE "
                    + MysqlSyntax.ident(db) : "CREATE DATABASE " + MysqlSyntax.ident(db);
            ProcessResult c = client.query(null, create);
            if (!c.ok()) {
                failure = "cannot create " + where + ": " + secrets.redact(MysqlClient.why(c));
                checks.add(Check.fail("restore", db, failure));
            } else {
                if (!o.replace()) {
                    cleanup.add(() -> {
                        ProcessResult d = cl.query(null, "DROP DATABASE IF EXISTS " + MysqlSyntax.ident(db));
                        if (!d.ok()) {
                            throw new IOException("cannot drop " + where + ": " + MysqlClient.why(d));
                        }
                        return "scratch database " + where + " dropped";
                    });
                }
                Phases.mark("scratch-created");
                ctx.step(source + ": restoring into " + where + " with " + client.program());
                int connections = o.parallel() != null ? o.parallel() : plan.parallel();
                long t0 = System.nanoTime();
                Loaded l = load(client, db, connections, v, b, source);
                String conflict = null;
                if (connections > 1 && lockConflict(l.result())) {
                    // Concurrent INSERTs can meet in InnoDB's locks (ERROR 1213 deadlock, 1205 lock wait
                    // timeout: "try restarting transaction"): bench/restore met a deadlock loading 1.1 GB.
                    // That says nothing about the dump: start again, empty, over one connection.
                    conflict = secrets.redact(firstLine(MysqlClient.why(l.result())));
                    ProcessResult again = client.query(null, "DROP DATABASE IF EXISTS " + MysqlSyntax.ident(db)
                            + "; CREATE DATABASE " + MysqlSyntax.ident(db));
                    if (again.ok()) {
                        ctx.step(source + ": the load over " + connections + " connections stopped at a lock conflict ("
                                + conflict + "); loading again over one connection");
                        connections = 1;
                        l = load(client, db, 1, v, b, source);
                    } else {
                        conflict = null;
                    }
                }
                ProcessResult r = l.result();
                Reader reader = l.reader();
                DumpScanner scanner = l.scanner();
                IOException feedError = l.feedError();
                took = Duration.ofNanos(System.nanoTime() - t0);
                Phases.mark("loaded");
                reader.settle(v, checks);
                DumpScanner.Found found = null;
                try {
                    found = scanner.finish();
                } catch (DumpScanner.ForeignDatabaseException e) {
                    feedError = feedError == null ? e : feedError;
                }
                dataBytes = found == null ? 0 : found.bytes();
                String bad = restoreFailure(r, feedError, reader.mismatch(v, b), client.program());
                if (bad == null && found != null && found.unterminated()) {
                    bad = "the dump ends inside an INSERT statement (truncated)";
                }
                if (bad != null) {
                    failure = "restore into " + where + " failed: " + secrets.redact(bad);
                    checks.add(Check.fail("restore", db, failure));
                } else {
                    checks.add(Check.pass("restore", db, "restored " + Sizes.binary(dataBytes) + " of SQL into " + where
                            + " in " + Durations.seconds(took) + (connections > 1 ? " over " + connections
                            + " connections" : "") + (conflict == null ? "" : " over one connection, after the parallel"
                            + " load stopped at a lock conflict (" + conflict + ") and the database was emptied")));
                    ctx.step(source + ": restored in " + Durations.seconds(took) + "; running the smoke checks");
                    restored = new MysqlRestored(db, found, estimates, backupTime);
                    checks.addAll(new MysqlChecks(ctx).run(restored, client));
                    Phases.mark("checked");
                    if (found.tables().isEmpty()) {
                        checks.add(plan.allowEmpty()
                                ? Check.pass("empty", db, "the dump has no tables; passed because restore_test.allow_empty"
                                        + " is true")
                                : Check.warn("empty", db, "the dump has no tables: restoring it proves nothing about "
                                        + "the data (if the database is meant to be empty, set restore_test.allow_empty: true)"));
                    }
                    for (HttpCheck h : plan.httpChecks()) {
                        checks.add(ctx.http().run(h));
                    }
                }
            }
        } catch (IOException e) {
            failure = "restore into " + where + " failed: " + secrets.redact(Errors.describe(e));
            checks.add(Check.fail("restore", db, failure));
        } finally {
            if (o.keep()) {
                cleanup.forget();
                if (restored != null || failure != null) {
                    cleaned.add("kept " + where + " (--keep)");
                }
            } else {
                cleaned.addAll(cleanup.runAll().stream().filter(x -> !x.isEmpty()).toList());
            }
            cleanup.close();
            Phases.mark("cleaned-up");
            if (client != null) {
                // Only now: the cleanup above still needed the credentials file.
                client.close();
            }
        }
        for (String s : cleaned) {
            if (s.startsWith("FAILED")) {
                checks.add(Check.fail("cleanup", db, s));
            }
        }
        return new RestoreResult(source, "mysql", b.id(), b.seq(), b.file(), v.copy().location(), where, took, b.size(),
                dataBytes, checks, failure, o.keep(), restored, cleaned, null);
    }

    /** Where the dump's bytes go after they were counted and scanned. */
    @FunctionalInterface
    private interface Chunks {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** Streams the verified copy (decompressed) through the scanner into {@code sink}. */
    private static void pump(Reader reader, Verified v, BackupRecord b, DumpScanner scanner, IOException[] feedError,
                             Chunks sink) throws IOException {
        try (InputStream in = reader.open(v, b.file().endsWith(".gz"))) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                scanner.scan(buf, 0, n);
                sink.write(buf, 0, n);
            }
            reader.drain();
        } catch (IOException e) {
            feedError[0] = e;
            throw e;
        }
    }

    /** One pass of the dump into the database: the client's result and what the pass read. */
    private record Loaded(ProcessResult result, Reader reader, DumpScanner scanner, IOException feedError) {
    }

    /** Streams the verified copy into {@code db} over {@code connections} clients (1: one fed whole). */
    private Loaded load(SqlClient client, String db, int connections, Verified v, BackupRecord b, String source)
            throws IOException, InterruptedException {
        Reader reader = new Reader();
        DumpScanner scanner = new DumpScanner();
        IOException[] feedError = new IOException[1];
        ProcessResult r;
        try (Progress ticker = Progress.bytes(ctx.ticks(), "restore " + source, reader::read, b::size)) {
            r = connections <= 1
                    ? client.feed(db, stdin -> pump(reader, v, b, scanner, feedError, stdin::write), plan.timeout())
                    : parallelLoad(client, db, connections, reader, v, b, scanner, feedError);
        }
        return new Loaded(r, reader, scanner, feedError[0]);
    }

    /** A client stopped by the server's lock conflict (a deadlock or a lock wait timeout), not by the dump. */
    private static boolean lockConflict(ProcessResult r) {
        return r.exitCode() != 0 && !r.timedOut() && r.startFailure() == null
                && (r.stderr().contains("ERROR 1213 ") || r.stderr().contains("ERROR 1205 "));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /**
     * Loads the dump over {@code connections} clients at once ({@link ParallelLoad}). A client that
     * fails stops the feeding; the result is that client's.
     */
    private ProcessResult parallelLoad(SqlClient client, String db, int connections, Reader reader, Verified v,
                                       BackupRecord b, DumpScanner scanner, IOException[] feedError)
            throws InterruptedException {
        ParallelLoad load = new ParallelLoad(connections, (stdin, stdout) -> client.session(db, stdin, stdout,
                plan.timeout()));
        DumpSplitter split = new DumpSplitter(load);
        boolean complete = false;
        try {
            pump(reader, v, b, scanner, feedError, split::write);
            split.finish();
            complete = true;
        } catch (ParallelLoad.ConnectionEnded e) {
            // The failed client's own result says why; it is not an artifact problem.
            feedError[0] = null;
        } catch (IOException e) {
            // Kept in feedError by pump (reading the artifact), or a scan refusal.
            if (feedError[0] == null) {
                feedError[0] = e;
            }
        }
        return load.finish(complete);
    }

    private static String restoreFailure(ProcessResult r, IOException feed, String mismatch, String program) {
        if (feed instanceof DumpScanner.ForeignDatabaseException) {
            return feed.getMessage();
        }
        if (r.startFailure() != null) {
            return r.startFailure();
        }
        if (r.timedOut()) {
            return program + " timed out and was killed";
        }
        if (r.exitCode() != 0) {
            return program + " exited " + r.exitCode() + ": " + MysqlClient.why(r);
        }
        for (String line : r.stderr().split("\n")) {
            if (ERROR.matcher(line.strip()).find()) {
                return program + " exited 0 but reported: " + line.strip();
            }
        }
        if (feed != null) {
            return "reading the artifact failed: " + feed.getMessage();
        }
        return mismatch;
    }

    /**
     * {@code <database>_restore_<UTC timestamp>_<owner>}, at most 64 characters of [A-Za-z0-9_]; the
     * owner ({@link Owner#dbToken()}) lets a later run drop it once this process is gone.
     */
    private String scratchName(String database, boolean keep) {
        String base = database.replaceAll("[^A-Za-z0-9_]", "_");
        // A kept database (--keep) is meant to outlive this process: it names no owner to sweep it.
        String suffix = "_restore_" + STAMP.format(ctx.clock().instant()) + "_" + (keep ? "kept" : Owner.me().dbToken());
        return base.substring(0, Math.min(base.length(), 64 - suffix.length())) + suffix;
    }
}
