package dev.preflight.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.ArtifactStore;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.BackupService;
import dev.preflight.backup.Leftovers;
import dev.preflight.backup.LocalDirectoryStore;
import dev.preflight.backup.Owner;
import dev.preflight.backup.Phases;
import dev.preflight.backup.PrivateTemp;
import dev.preflight.backup.Reads;
import dev.preflight.backup.Stores;
import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.restore.RestorePlan.HttpCheck;
import dev.preflight.restore.RestorePlan.SqlCheck;
import dev.preflight.restore.RestoreResult.MysqlRestored;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;

/**
 * Restore tests (runbook §2 step 4): takes a backup the ledger recorded, re-verifies its artifact's
 * SHA-256 before anything touches a server, loads it into a scratch database (MySQL/MariaDB, through
 * the server's client tool) or a scratch {@code redis-server}, measures how long the load took (the
 * RTO figure), runs the smoke checks, cleans up (also on failure and Ctrl-C) and records one
 * {@code restore-test} ledger entry linked to the backup entry.
 */
public final class RestoreService {
    public static final String KIND = "restore-test";
    /** Prefix of scratch redis-server directories in the temporary directory. */
    public static final String SCRATCH_REDIS_PREFIX = "preflight-redis-restore-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern ERROR = Pattern.compile("(?i)^error\\b|\\berror \\d+");
    /** A scratch database name: {@code <db>_restore_<stamp>_<owner>} ({@link Owner#dbToken()}). */
    private static final Pattern SCRATCH = Pattern.compile(".+_restore_\\d{14}_([0-9a-z]+_[0-9a-z]+_[0-9a-f]{6})");
    /** Made by a version that did not name the owner: whose it is cannot be told. */
    private static final Pattern LEGACY_SCRATCH = Pattern.compile(".+_restore_\\d{14}");

    private final RestorePlan plan;
    private final BackupPlan backups;
    private final Ledger ledger;
    private final Clock clock;
    private final Stores stores;
    private final ProcessRunner runner;
    private final PrintWriter progress;
    private final Progress.Options ticks;
    private final Secrets secrets;
    // Made on the first HTTP check: building an HttpClient initialises TLS (measured 0.5-0.9 s of a
    // restore-test without HTTP checks) and leaves a selector thread that holds up the JVM's exit
    // by 0.3 s, which no plan without HTTP checks should pay.
    private HttpChecker http;

    /** @param progress one line per step (stderr in the CLI), or null */
    public RestoreService(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                          ProcessRunner runner, PrintWriter progress, Secrets secrets) {
        this(plan, backups, ledger, clock, stores, runner, progress, secrets,
                new Progress.Options(progress, false, Progress.LINE_EVERY, clock));
    }

    /** @param ticks how a running restore shows its progress (bytes of the artifact read, rate, ETA) */
    public RestoreService(RestorePlan plan, BackupPlan backups, Ledger ledger, Clock clock, Stores stores,
                          ProcessRunner runner, PrintWriter progress, Secrets secrets, Progress.Options ticks) {
        this.ticks = ticks;
        this.plan = plan;
        this.backups = backups;
        this.ledger = ledger;
        this.clock = clock;
        this.stores = stores;
        this.runner = runner;
        this.progress = progress;
        this.secrets = secrets;
    }

    /**
     * What to restore and how.
     *
     * @param backup  a backup id (or its first characters), {@code latest} or null (the newest of each source)
     * @param keep    leave the scratch database or server in place
     * @param replace restore into the database the plan names ({@code target.database}), replacing it
     * @param parallel client connections the dump is loaded over, or null for the plan's {@code parallel}
     */
    public record Options(String backup, boolean keep, boolean replace, Integer parallel) {
        public Options(String backup, boolean keep, boolean replace) {
            this(backup, keep, replace, null);
        }
    }

    /**
     * Removes what restore tests and backups of processes that are gone left behind: private
     * temporary directories (an option file holds the staging password), scratch redis directories
     * and the orphaned redis-server in one, partial copies, and scratch databases on the staging
     * server named after a dead process of this host. Says each on the progress stream and records
     * a {@link Leftovers#KIND} entry when anything was removed; work of live processes, and what
     * {@code --keep} left, is never touched.
     */
    public List<Leftovers.Found> cleanLeftovers(String command) {
        List<Leftovers.Found> found = new ArrayList<>(Leftovers.sweepTemp(Leftovers.tmp()));
        Phases.mark("tmp-swept");
        found.addAll(Leftovers.sweepPartials(Leftovers.localDirs(backups)));
        Phases.mark("partials-swept");
        found.addAll(scratchDatabases());
        Leftovers.record(found, ledger, command, this::step);
        Phases.mark("leftovers-swept");
        return found;
    }

    /** Scratch databases on the staging server whose owner (in the name) is a dead process of this host. */
    private List<Leftovers.Found> scratchDatabases() {
        List<Leftovers.Found> out = new ArrayList<>();
        if (plan.target() == null) {
            return out;
        }
        String what = "scratch database";
        String server = plan.target().host() + ":" + plan.target().port();
        try (MysqlClient client = new MysqlClient(plan.target(), runner)) {
            Phases.mark("sweep-client");
            ProcessResult r = client.query(null, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
                    + "WHERE SCHEMA_NAME LIKE '%restore%' ORDER BY SCHEMA_NAME");
            Phases.mark("sweep-listed");
            if (!r.ok()) {
                step("cleanup: cannot list the scratch databases on " + server + ": " + secrets.redact(MysqlClient.why(r)));
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
                ProcessResult d = client.query(null, "DROP DATABASE IF EXISTS " + MysqlClient.ident(name));
                out.add(d.ok() ? new Leftovers.Found(what, server + "/" + name, owner.describe(),
                        Leftovers.Action.REMOVED, "dropped")
                        : new Leftovers.Found(what, server + "/" + name, owner.describe(), Leftovers.Action.FAILED,
                        secrets.redact(MysqlClient.why(d))));
            }
        } catch (IOException e) {
            step("cleanup: cannot look for scratch databases on " + server + ": " + Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Restore-tests the plan's sources (or one), each from its newest backup or the one given. */
    public List<RestoreResult> run(String source, Options o) {
        List<String> sources = plan.sources();
        if (source != null && !sources.contains(source)) {
            throw PreflightException.usage("the restore_test section does not restore a source named '" + source + "'",
                    "restored sources: " + String.join(", ", sources));
        }
        if (o.replace() && (plan.target() == null || plan.target().database() == null)) {
            throw PreflightException.usage("--replace needs the database to replace named in the plan",
                    "add restore_test.target.database (only used with --replace)");
        }
        BackupService catalogue = new BackupService(backups, ledger, clock, stores, s -> {
            throw new IllegalStateException("restore tests take no backups");
        }, null, secrets);
        List<BackupRecord> all = catalogue.catalog();
        Phases.mark("catalog");
        List<RestoreResult> out = new ArrayList<>();
        if (o.backup() != null && !o.backup().equals("latest")) {
            BackupRecord b = catalogue.find(o.backup());
            if (!sources.contains(b.source()) || (source != null && !source.equals(b.source()))) {
                throw PreflightException.usage("backup " + b.shortId() + " is of source '" + b.source()
                        + "', which the restore_test section does not restore" + (source == null ? "" : " as " + source),
                        "restored sources: " + String.join(", ", sources));
            }
            out.add(test(b.source(), b, o));
            return out;
        }
        for (String s : source == null ? sources : List.of(source)) {
            BackupRecord newest = all.stream().filter(b -> b.source().equals(s))
                    .max(Comparator.comparingLong(BackupRecord::seq)).orElse(null);
            out.add(test(s, newest, o));
        }
        return out;
    }

    private RestoreResult test(String source, BackupRecord b, Options o) {
        if (b == null) {
            return record(new RestoreResult(source, kindOf(source), null, 0, null, null, null, null, 0, 0, List.of(),
                    "no current backup of " + source + " in the ledger: nothing to restore (run 'preflight backup run')",
                    false, null, List.of(), null), null);
        }
        step(source + ": restore-testing backup " + b.shortId() + " (" + b.file() + ")");
        JsonNode facts = facts(b.id());
        List<Check> checks = new ArrayList<>();
        Verified v = verify(b, checks);
        Phases.mark("artifact-verified");
        if (v == null) {
            return record(new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), null, null, null, b.size(), 0,
                    checks, "no copy of " + b.file() + " matches its recorded SHA-256: it was not restored",
                    false, null, List.of(), null), b);
        }
        try {
            return switch (b.kind()) {
                case "mysql" -> record(mysql(source, b, facts, v, checks, o), b);
                case "redis" -> record(redis(source, b, facts, v, checks, o), b);
                default -> record(new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), v.copy.location(),
                        null, null, b.size(), 0, checks, "backups of type " + b.kind() + " are not restore-tested",
                        false, null, List.of(), null), b);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return record(new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), v.copy.location(), null,
                    null, b.size(), 0, checks, "interrupted", false, null, List.of(), null), b);
        }
    }

    private String kindOf(String source) {
        return plan.redis() != null && plan.redis().source().equals(source) ? "redis" : "mysql";
    }

    // ---------------------------------------------------------------- artifact

    /** A copy whose SHA-256 matched the ledger, and its CRC-32C from the same read. */
    private record Verified(Copy copy, ArtifactStore store, long crc32c) {
    }

    /** The first copy whose bytes hash to the recorded SHA-256 and size; the others are reported. */
    private Verified verify(BackupRecord b, List<Check> checks) {
        List<String> bad = new ArrayList<>();
        for (Copy c : b.copies()) {
            try {
                ArtifactStore store = storeFor(c);
                MessageDigest md = Hashing.sha256();
                CRC32C crc = new CRC32C();
                long n;
                try (InputStream in = new CheckedInputStream(new DigestInputStream(store.open(c.location()), md), crc)) {
                    n = Reads.toEnd(in);
                }
                String got = HexFormat.of().formatHex(md.digest());
                if (got.equals(b.sha256()) && n == b.size()) {
                    checks.add(Check.pass("artifact", c.destination(), c.location() + ": " + n + " bytes, sha256 "
                            + got + " as recorded" + (bad.isEmpty() ? "" : " (" + String.join("; ", bad) + ")")));
                    step(b.source() + ": " + c.location() + " sha256 matches the ledger");
                    return new Verified(c, store, crc.getValue());
                }
                bad.add(c.location() + ": " + n + " bytes, sha256 " + got + ", recorded " + b.size() + " bytes "
                        + b.sha256());
            } catch (NoSuchFileException e) {
                bad.add(c.location() + ": missing");
            } catch (IOException | RuntimeException e) {
                bad.add(c.location() + ": unreadable: " + secrets.redact(Errors.describe(e)));
            }
        }
        checks.add(Check.fail("artifact", b.file(), String.join("; ", bad)));
        step(b.source() + ": REFUSED: " + String.join("; ", bad));
        return null;
    }

    private ArtifactStore storeFor(Copy c) {
        Destination d = backups.destination(c.destination()).orElse(null);
        if (d != null) {
            return stores.open(d);
        }
        if (c.location().startsWith("/")) {
            return new LocalDirectoryStore(c.destination(), Path.of(c.location()).getParent());
        }
        throw new IllegalStateException("destination '" + c.destination() + "' is no longer in the plan");
    }

    private JsonNode facts(String backupId) {
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(BackupService.KIND))) {
            if (e.id().equals(backupId)) {
                return Json.parse(e.payload()).path("facts");
            }
        }
        return Json.parse("{}");
    }

    /**
     * Streams a verified copy and proves it is still the bytes that were verified: the same size and
     * CRC-32C as the verifying read (whose SHA-256 matched the ledger). A second SHA-256 would cost a
     * second of CPU per GB on the restore's critical path; CRC-32C runs at memory speed and catches
     * any change between the two reads.
     */
    private static final class Reader {
        private final CRC32C crc = new CRC32C();
        // Volatile: the progress thread reads it while the load runs.
        private volatile long raw;
        private InputStream rawIn;

        InputStream open(Verified v, boolean gzip) throws IOException {
            InputStream in = new CheckedInputStream(v.store().open(v.copy().location()), crc) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        raw++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        raw += n;
                    }
                    return n;
                }
            };
            rawIn = in;
            return gzip ? new GZIPInputStream(in, 1 << 16) : in;
        }

        /** Bytes of the stored artifact read so far. */
        long read() {
            return raw;
        }

        /** Reads what the decompressor left (its trailer, anything after it) so every byte is checked. */
        void drain() throws IOException {
            Reads.toEnd(rawIn);
        }

        /** Null when the bytes streamed were the verified ones. */
        String mismatch(Verified v, BackupRecord b) {
            return crc.getValue() == v.crc32c() && raw == b.size() ? null
                    : "the artifact changed after it was verified: " + raw + " bytes streamed (recorded " + b.size()
                    + "), CRC-32C " + Long.toHexString(crc.getValue()) + " (verified " + Long.toHexString(v.crc32c())
                    + ")";
        }
    }

    // ---------------------------------------------------------------- MySQL / MariaDB

    private RestoreResult mysql(String source, BackupRecord b, JsonNode facts, Verified v, List<Check> checks,
                                Options o) throws InterruptedException {
        if (plan.target() == null || !source.equals(plan.source())) {
            return new RestoreResult(source, "mysql", b.id(), b.seq(), b.file(), v.copy.location(), null, null,
                    b.size(), 0, checks, "the plan has no MySQL/MariaDB target for " + source, false, null, List.of(),
                    null);
        }
        Instant backupTime = b.time();
        String db = o.replace() ? plan.target().database() : scratchName(facts.path("database").asText(source), o.keep());
        String where = plan.target().host() + ":" + plan.target().port() + "/" + db;
        Map<String, Long> estimates = new TreeMap<>();
        facts.path("table_rows_estimate").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                estimates.put(e.getKey(), e.getValue().asLong());
            }
        });
        Cleanup cleanup = new Cleanup(this::signalled);
        Duration took = null;
        long dataBytes = 0;
        String failure = null;
        MysqlRestored restored = null;
        List<String> cleaned = new ArrayList<>();
        MysqlClient client = null;
        try {
            client = new MysqlClient(plan.target(), runner, false);
            MysqlClient cl = client;
            // Registered first, so it runs last: the DROP below needs the option file, also when the
            // cleanup runs from its shutdown hook on SIGINT/SIGTERM; then the password goes too.
            cleanup.add(() -> {
                cl.close();
                return "";
            });
            Phases.mark("client-ready");
            String create = o.replace() ? "DROP DATABASE IF EXISTS " + MysqlClient.ident(db) + "; CREATE DATABASE "
                    + MysqlClient.ident(db) : "CREATE DATABASE " + MysqlClient.ident(db);
            ProcessResult c = client.query(null, create);
            if (!c.ok()) {
                failure = "cannot create " + where + ": " + secrets.redact(MysqlClient.why(c));
                checks.add(Check.fail("restore", db, failure));
            } else {
                if (!o.replace()) {
                    cleanup.add(() -> {
                        ProcessResult d = cl.query(null, "DROP DATABASE IF EXISTS " + MysqlClient.ident(db));
                        if (!d.ok()) {
                            throw new IOException("cannot drop " + where + ": " + MysqlClient.why(d));
                        }
                        return "scratch database " + where + " dropped";
                    });
                }
                Phases.mark("scratch-created");
                step(source + ": restoring into " + where + " with " + client.program());
                Reader reader = new Reader();
                DumpScanner scanner = new DumpScanner();
                IOException[] feedError = new IOException[1];
                int connections = o.parallel() != null ? o.parallel() : plan.parallel();
                long t0 = System.nanoTime();
                ProcessResult r;
                try (Progress ticker = Progress.bytes(ticks, "restore " + source, reader::read, b::size)) {
                    r = connections <= 1
                            ? client.feed(db, stdin -> pump(reader, v, b, scanner, feedError, stdin::write), plan.timeout())
                            : parallelLoad(client, db, connections, reader, v, b, scanner, feedError);
                }
                took = Duration.ofNanos(System.nanoTime() - t0);
                Phases.mark("loaded");
                DumpScanner.Found found = null;
                try {
                    found = scanner.finish();
                } catch (DumpScanner.ForeignDatabaseException e) {
                    feedError[0] = feedError[0] == null ? e : feedError[0];
                }
                dataBytes = found == null ? 0 : found.bytes();
                String bad = restoreFailure(r, feedError[0], reader.mismatch(v, b), client.program());
                if (bad == null && found != null && found.unterminated()) {
                    bad = "the dump ends inside an INSERT statement (truncated)";
                }
                if (bad != null) {
                    failure = "restore into " + where + " failed: " + secrets.redact(bad);
                    checks.add(Check.fail("restore", db, failure));
                } else {
                    checks.add(Check.pass("restore", db, "restored " + Progress.human(dataBytes) + " of SQL into " + where
                            + " in " + seconds(took) + (connections > 1 ? " over " + connections
                            + " connections" : "")));
                    step(source + ": restored in " + seconds(took) + "; running the smoke checks");
                    restored = new MysqlRestored(db, found, estimates, backupTime);
                    checks.addAll(checks(restored, client));
                    Phases.mark("checked");
                    if (found.tables().isEmpty()) {
                        checks.add(plan.allowEmpty()
                                ? Check.pass("empty", db, "the dump has no tables; passed because restore_test.allow_empty"
                                        + " is true")
                                : Check.warn("empty", db, "the dump has no tables: restoring it proves nothing about "
                                        + "the data (if the database is meant to be empty, set restore_test.allow_empty: true)"));
                    }
                    for (HttpCheck h : plan.httpChecks()) {
                        checks.add(http().run(h));
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
        return new RestoreResult(source, "mysql", b.id(), b.seq(), b.file(), v.copy.location(), where, took, b.size(),
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

    /**
     * Loads the dump over {@code connections} clients at once ({@link ParallelLoad}). A client that
     * fails stops the feeding; the result is that client's.
     */
    private ProcessResult parallelLoad(MysqlClient client, String db, int connections, Reader reader, Verified v,
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
        String suffix = "_restore_" + STAMP.format(clock.instant()) + "_" + (keep ? "kept" : Owner.me().dbToken());
        return base.substring(0, Math.min(base.length(), 64 - suffix.length())) + suffix;
    }

    /**
     * The database checks against a restored database: every object the dump creates exists, row
     * counts match the dump exactly and the counts recorded at backup time within the plan's
     * tolerance, and the plan's SQL assertions hold. Usable again on a kept database.
     */
    public List<Check> checks(MysqlRestored m) throws InterruptedException {
        try (MysqlClient client = new MysqlClient(plan.target(), runner)) {
            return checks(m, client);
        } catch (IOException e) {
            return List.of(Check.fail("structure", m.database(), "cannot query the restored database: "
                    + secrets.redact(Errors.describe(e))));
        }
    }

    /**
     * The checks over a client the caller holds. The object listing and the row counts are
     * independent reads, so they run at once on their own client processes: counting scans every
     * table (at 300 MB it was most of the time the checks took), and with several tables the counts
     * are split over up to {@value #COUNT_CONNECTIONS} connections. The plan's SQL checks run after
     * both, in order, as before.
     */
    private List<Check> checks(MysqlRestored m, MysqlClient client) throws InterruptedException {
        List<Check> out = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "preflight-restore-check");
            t.setDaemon(true);
            return t;
        });
        try {
            String s = MysqlClient.literal(m.database());
            Future<ProcessResult> listing = pool.submit(() -> client.query(null, "SELECT 'table', TABLE_NAME FROM "
                    + "information_schema.TABLES WHERE TABLE_SCHEMA = " + s + " AND TABLE_TYPE <> 'VIEW' UNION ALL "
                    + "SELECT 'view', TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + s
                    + " AND TABLE_TYPE = 'VIEW' UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM "
                    + "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + s + " UNION ALL SELECT 'trigger', "
                    + "TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + s + " UNION ALL "
                    + "SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + s));
            // Counted on the assumption that every table of the dump is there; if one is missing the
            // listing says so and the count is redone over the present ones (see rows).
            List<String> tables = m.found().rows().keySet().stream().sorted().toList();
            List<Future<ProcessResult>> counts = new ArrayList<>();
            for (List<String> group : groups(tables, COUNT_CONNECTIONS)) {
                counts.add(pool.submit(() -> client.query(null, countSql(m.database(), group))));
            }
            ProcessResult r = await(listing);
            if (!r.ok()) {
                out.add(Check.fail("structure", m.database(), "cannot list the restored objects: "
                        + secrets.redact(MysqlClient.why(r))));
                return out;
            }
            Map<String, Set<String>> present = new HashMap<>();
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    present.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
                }
            }
            DumpScanner.Found d = m.found();
            structure(out, "tables", d.tables(), present.get("table"));
            structure(out, "views", d.views(), present.get("view"));
            structure(out, "procedures", d.procedures(), present.get("procedure"));
            structure(out, "functions", d.functions(), present.get("function"));
            structure(out, "triggers", d.triggers(), present.get("trigger"));
            structure(out, "events", d.events(), present.get("event"));
            rows(out, client, m, present.getOrDefault("table", Set.of()), counts);
            for (SqlCheck c : plan.sqlChecks()) {
                ProcessResult q = client.query(m.database(), c.sql());
                if (!q.ok()) {
                    out.add(Check.fail("sql", c.name(), "query failed: " + secrets.redact(MysqlClient.why(q))));
                    continue;
                }
                String first = q.stdout().split("\n", 2)[0];
                String value = first.split("\t", 2)[0];
                String bad = q.stdout().isEmpty() ? "the query returned no row (expected " + c.expect().text() + ")"
                        : c.expect().mismatch(value, m.backupTime());
                out.add(bad == null ? Check.pass("sql", c.name(), value + " (expected " + c.expect().text() + ")")
                        : Check.fail("sql", c.name(), bad));
            }
        } catch (IOException e) {
            out.add(Check.fail("structure", m.database(), "cannot query the restored database: "
                    + secrets.redact(Errors.describe(e))));
        } finally {
            // A count still running after a failed listing is stopped (its client process killed).
            pool.shutdownNow();
        }
        return out;
    }

    /** At most this many client connections count rows at once. */
    private static final int COUNT_CONNECTIONS = 4;

    /** The tables dealt round-robin into at most {@code n} non-empty groups. */
    static List<List<String>> groups(List<String> tables, int n) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            if (i < n) {
                out.add(new ArrayList<>());
            }
            out.get(i % n).add(tables.get(i));
        }
        return out;
    }

    private static String countSql(String database, List<String> tables) {
        List<String> query = new ArrayList<>();
        for (String t : tables) {
            query.add("SELECT " + MysqlClient.literal(t) + ", COUNT(*) FROM " + MysqlClient.ident(database) + "."
                    + MysqlClient.ident(t));
        }
        return String.join(" UNION ALL ", query);
    }

    /** The result of a client run on the check pool; its failure to run is an IOException as if run here. */
    private static ProcessResult await(Future<ProcessResult> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        }
    }

    private static void structure(List<Check> out, String what, Set<String> expected, Set<String> present) {
        if (expected.isEmpty() && !what.equals("tables")) {
            return;
        }
        Set<String> have = present == null ? Set.of() : present;
        List<String> missing = expected.stream().filter(n -> !have.contains(n)).sorted().toList();
        out.add(missing.isEmpty()
                ? Check.pass("structure", what, expected.size() + " of " + expected.size() + " present")
                : Check.fail("structure", what, "missing after restore: " + String.join(", ", missing) + " ("
                + (expected.size() - missing.size()) + " of " + expected.size() + " present)"));
    }

    /**
     * Row counts against the dump and the backup's estimates. {@code counts} were started over every
     * table of the dump; when the listing shows one missing, those are dropped and the present tables
     * are counted again (a count naming a missing table fails as a whole).
     */
    private void rows(List<Check> out, MysqlClient client, MysqlRestored m, Set<String> present,
                      List<Future<ProcessResult>> counts) throws IOException, InterruptedException {
        List<String> tables = m.found().rows().keySet().stream().sorted().toList();
        Map<String, Long> counted = new HashMap<>();
        List<ProcessResult> results = new ArrayList<>();
        if (present.containsAll(tables)) {
            for (Future<ProcessResult> f : counts) {
                results.add(await(f));
            }
        } else {
            counts.forEach(f -> f.cancel(true));
            List<String> there = tables.stream().filter(present::contains).toList();
            if (!there.isEmpty()) {
                results.add(client.query(null, countSql(m.database(), there)));
            }
        }
        for (ProcessResult r : results) {
            if (!r.ok()) {
                out.add(Check.fail("rows", m.database(), "cannot count rows: " + secrets.redact(MysqlClient.why(r))));
                return;
            }
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    counted.put(f[0], Long.parseLong(f[1].strip()));
                }
            }
        }
        for (String t : tables) {
            long inDump = m.found().rows().get(t);
            Long have = counted.get(t);
            if (have == null) {
                out.add(Check.fail("rows", t, "table missing: " + inDump + " rows in the dump not restored"));
                continue;
            }
            Long recorded = m.estimates().get(t);
            String rec = recorded == null ? "no count recorded at backup"
                    : "~" + recorded + " recorded at backup (tolerance " + pct(plan.rowCountTolerance()) + ")";
            if (have != inDump) {
                out.add(Check.fail("rows", t, have + " rows restored, " + inDump + " in the dump; " + rec));
            } else if (recorded != null && Math.abs(have - recorded)
                    > Math.ceil(plan.rowCountTolerance() * Math.max(recorded, have))) {
                out.add(Check.fail("rows", t, have + " rows restored (as in the dump), " + rec + ": off by "
                        + Math.abs(have - recorded)));
            } else {
                out.add(Check.pass("rows", t, have + " rows (dump " + inDump + "; " + rec + ")"));
            }
        }
    }

    private static String pct(double d) {
        return BigDecimalHolder.pct(d);
    }

    /** Formats a fraction as a percentage without trailing zeros. */
    private static final class BigDecimalHolder {
        static String pct(double d) {
            return new BigDecimal(d * 100).round(new MathContext(4)).stripTrailingZeros()
                    .toPlainString() + "%";
        }
    }

    // ---------------------------------------------------------------- Redis

    private RestoreResult redis(String source, BackupRecord b, JsonNode facts, Verified v, List<Check> checks,
                                Options o) throws InterruptedException {
        Cleanup cleanup = new Cleanup(this::signalled);
        Duration took = null;
        long dataBytes = 0;
        String failure = null;
        String where = null;
        List<String> cleaned = new ArrayList<>();
        boolean loaded = false;
        try {
            // Named after this process; removed by the cleanup below (also on SIGINT/SIGTERM), or by
            // a later run's sweep after a SIGKILL.
            Path dir = PrivateTemp.create(SCRATCH_REDIS_PREFIX + (o.keep() ? "kept-" : ""), false)
                    .path();
            cleanup.add(() -> {
                if (!Files.exists(dir)) {
                    return "";
                }
                ScratchRedis.deleteTree(dir);
                return dir + " removed";
            });
            Reader reader = new Reader();
            long t0 = System.nanoTime();
            Path tmp = dir.resolve("dump.rdb.partial");
            try (InputStream in = reader.open(v, b.file().endsWith(".gz"))) {
                dataBytes = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                reader.drain();
            }
            String mismatch = reader.mismatch(v, b);
            if (mismatch != null) {
                failure = mismatch;
                checks.add(Check.fail("restore", b.file(), failure));
            } else {
                Files.move(tmp, dir.resolve("dump.rdb"), StandardCopyOption.ATOMIC_MOVE);
                ScratchRedis server = ScratchRedis.start(runner, plan.redis().serverCommand(), dir);
                where = "127.0.0.1:" + server.port() + " (" + dir + ")";
                // Registered after the directory's removal, so it runs first: stop, then remove.
                cleanup.add(server::stop);
                step(source + ": loading " + b.file() + " into a scratch redis-server on " + where);
                String notLoaded;
                try (Progress ticker = Progress.waiting(ticks, "restore " + source + ": redis-server loading the RDB")) {
                    notLoaded = server.awaitLoaded(plan.redis().startTimeout());
                }
                took = Duration.ofNanos(System.nanoTime() - t0);
                if (notLoaded != null) {
                    failure = secrets.redact(notLoaded);
                    checks.add(Check.fail("restore", b.file(), failure));
                } else {
                    loaded = true;
                    checks.add(Check.pass("restore", b.file(), Progress.human(dataBytes) + " of RDB loaded into " + where
                            + " in " + seconds(took)));
                    Map<Integer, Long> have = server.keysPerDb();
                    Map<Integer, Long> want = new TreeMap<>();
                    facts.path("keys_per_db").fields().forEachRemaining(e ->
                            want.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
                    if (!facts.has("keys_per_db")) {
                        checks.add(Check.fail("keys", "all", "the backup recorded no key counts to compare with"));
                    }
                    long wantAll = want.values().stream().mapToLong(Long::longValue).sum();
                    long haveAll = have.values().stream().mapToLong(Long::longValue).sum();
                    checks.add(wantAll == haveAll ? Check.pass("keys", "total", haveAll + " keys in "
                            + have.size() + " database(s), as recorded at backup")
                            : Check.fail("keys", "total", haveAll + " keys loaded, " + wantAll + " recorded at backup"));
                    if (wantAll == 0 && haveAll == 0) {
                        checks.add(plan.redis().allowEmpty()
                                ? Check.pass("empty", source, "the snapshot holds no keys; passed because allow_empty"
                                        + " is true")
                                : Check.warn("empty", source, "the snapshot holds no keys: restoring it proves nothing "
                                        + "(if the cache is meant to be empty, set restore_test.redis.allow_empty: true)"));
                    }
                    Set<Integer> dbs = new TreeSet<>(want.keySet());
                    dbs.addAll(have.keySet());
                    for (int db : dbs) {
                        long w = want.getOrDefault(db, 0L);
                        long h = have.getOrDefault(db, 0L);
                        checks.add(w == h ? Check.pass("keys", "db" + db, h + " keys, as recorded at backup")
                                : Check.fail("keys", "db" + db, h + " keys loaded, " + w + " recorded at backup"));
                    }
                    if (plan.source() == null) {
                        for (HttpCheck h : plan.httpChecks()) {
                            checks.add(http().run(h));
                        }
                    }
                }
            }
        } catch (IOException e) {
            failure = "loading " + b.file() + " failed: " + secrets.redact(Errors.describe(e));
            checks.add(Check.fail("restore", b.file(), failure));
        } finally {
            if (o.keep() && loaded) {
                cleanup.forget();
                cleaned.add("kept the scratch redis-server on " + where
                        + " (--keep; stop it with: redis-cli -p " + where.substring(10, where.indexOf(' '))
                        + " shutdown nosave)");
            } else {
                cleaned.addAll(cleanup.runAll().stream().filter(x -> !x.isEmpty()).toList());
            }
            cleanup.close();
        }
        for (String s : cleaned) {
            if (s.startsWith("FAILED")) {
                checks.add(Check.fail("cleanup", source, s));
            }
        }
        return new RestoreResult(source, "redis", b.id(), b.seq(), b.file(), v.copy.location(), where, took, b.size(),
                dataBytes, checks, failure, o.keep() && loaded, null, cleaned, null);
    }

    // ---------------------------------------------------------------- evidence

    private RestoreResult record(RestoreResult r, BackupRecord b) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", r.source());
        p.put("type", r.type());
        p.put("backup_id", r.backupId());
        p.put("backup_seq", b == null ? null : b.seq());
        p.put("backup_file", r.file());
        p.put("backup_sha256", b == null ? null : b.sha256());
        p.put("backup_time", b == null ? null : b.time().toString());
        p.put("location", r.location());
        p.put("restored_to", r.restoredTo());
        p.put("restore_ms", r.restoreTime() == null ? null : r.restoreTime().toMillis());
        p.put("artifact_bytes", r.bytes());
        p.put("data_bytes", r.dataBytes());
        p.put("kept", r.kept());
        p.put("failure", r.failure());
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Check c : r.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", c.kind());
            m.put("name", c.name());
            m.put("outcome", c.passed() ? "passed" : c.warning() ? "warning" : "failed");
            m.put("detail", secrets.redact(c.detail()));
            cs.add(m);
        }
        p.put("checks", cs);
        p.put("cleanup", r.cleanup());
        boolean ok = r.passed();
        // A warning is recorded as failed: the verdict must not count an empty restore as a pass.
        String summary = ok
                ? r.file() + " restored in " + seconds(r.restoreTime()) + ", " + r.checks().size() + " checks passed"
                : r.onlyWarnings() ? "WARNING: restore test of " + r.source() + " proves nothing: " + String.join("; ",
                r.failed().stream().map(Check::detail).toList())
                : "restore test of " + r.source() + " FAILED: " + (r.failure() != null ? r.failure()
                : String.join("; ", r.failed().stream().map(c -> c.kind() + " " + c.name()).toList()));
        LedgerEntry e = ledger.append(NewEntry.of(KIND, r.source(), ok ? Outcome.PASSED : Outcome.FAILED,
                secrets.redact(summary), p));
        Phases.mark("ledger-appended");
        step(r.source() + ": " + (ok ? "passed" : r.onlyWarnings() ? "WARNING (recorded as failed)" : "FAILED")
                + "; ledger entry " + e.id());
        return new RestoreResult(r.source(), r.type(), r.backupId(), r.backupSeq(), r.file(), r.location(),
                r.restoredTo(), r.restoreTime(), r.bytes(), r.dataBytes(), r.checks(), r.failure(), r.kept(),
                r.mysql(), r.cleanup(), e.id());
    }

    /** When each backup was last restore-tested, and how: backup id to the newest restore-test entry. */
    public static Map<String, LedgerEntry> lastTested(Ledger ledger) {
        Map<String, LedgerEntry> out = new HashMap<>();
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(KIND))) {
            String id = Json.parse(e.payload()).path("backup_id").asText(null);
            if (id != null) {
                out.put(id, e);
            }
        }
        return out;
    }

    static String seconds(Duration d) {
        if (d == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fs", d.toMillis() / 1000.0);
    }

    /**
     * What a restore test undid when a signal stopped it: its report will never be printed, so the
     * last lines on stderr say what happened to the scratch target.
     */
    private void signalled(String undone) {
        step("stopped by a signal: " + undone);
    }

    /** The HTTP client, built only for plans with HTTP checks (its TLS set-up costs half a second). */
    private HttpChecker http() {
        if (http == null) {
            http = new HttpChecker();
        }
        return http;
    }

    private void step(String line) {
        if (progress != null) {
            progress.println(secrets.redact(line));
            progress.flush();
        }
    }
}
