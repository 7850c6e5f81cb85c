package dev.preflight.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.ArtifactStore.PendingCopy;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.Producer.Production;
import dev.preflight.core.Errors;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.LockProvider;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Takes, verifies and prunes backups (runbook §2 steps 1-3 and 5). A backup is recorded as passed
 * only when its producer says the stream is complete and every copy was read back from where it is
 * stored with the same SHA-256; otherwise no copy keeps a final name and the ledger says failed.
 */
public final class BackupService {
    public static final String KIND = "backup";
    public static final String VERIFY_KIND = "backup-verify";
    public static final String PRUNE_KIND = "backup-prune";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmm").withZone(ZoneOffset.UTC);

    private final BackupPlan plan;
    private final Ledger ledger;
    private final Clock clock;
    private final Stores stores;
    private final Function<Source, Producer> producers;
    private final PrintWriter progress;
    private final Secrets secrets;
    private final Progress.Options ticks;
    private final LockProvider locks;
    // One store (and so one S3 client and its connection pool) per destination for this service's life.
    private final Map<String, ArtifactStore> openStores = new ConcurrentHashMap<>();

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
        this.locks = locks;
        this.ticks = ticks;
        this.plan = plan;
        this.ledger = ledger;
        this.clock = clock;
        this.stores = stores;
        this.producers = producers;
        this.progress = progress;
        this.secrets = secrets;
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
        try (ExclusiveLock lock = BackupLock.acquire(locks, plan.lockDir(), source.name(), clock.instant())) {
            Phases.mark("locked");
            return runLocked(source);
        }
    }

    private RunResult runLocked(Source source) {
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Producer producer;
        List<ArtifactStore> targets;
        try {
            producer = producers.apply(source);
            targets = plan.destinationsOf(source).stream().map(this::store).toList();
        } catch (PreflightException e) {
            throw e;
        } catch (RuntimeException e) {
            // A client that cannot even be built (bad endpoint URI, no credentials): a failed backup, recorded.
            return record(source, start, name(source, start), List.of(), null, 0, Map.of(),
                    "cannot set up the backup: " + Errors.describe(e));
        }
        List<Destination> dests = plan.destinationsOf(source);
        for (int j = 1; j < dests.size(); j++) {
            for (int i = 0; i < j; i++) {
                // Validated with the plan, checked again: a directory can become a symlink since.
                String same = BackupPlan.overlap(dests.get(i), dests.get(j));
                if (same != null) {
                    return record(source, start, name(source, start), List.of(), null, 0, Map.of(),
                            "destinations '" + dests.get(i).name() + "' and '" + dests.get(j).name() + "' " + same
                                    + ": one place holds one copy, not two; nothing was written");
                }
            }
        }
        String file = name(source, start) + "." + producer.extension() + (source.gzip() ? ".gz" : "");
        step(source.name() + ": writing " + file + " to " + String.join(", ",
                targets.stream().map(ArtifactStore::name).toList()));
        List<PendingCopy> pending = new ArrayList<>();
        List<Copy> copies = new ArrayList<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        String failure = null;
        String sha = null;
        long size = 0;
        boolean committed = false;
        // Stopped by a signal mid-stream: no temporary copy (a local .partial file, an S3 upload)
        // is left behind. Removed again below once the copies are committed or aborted.
        Thread abortOnExit = new Thread(() -> {
            synchronized (pending) {
                pending.forEach(PendingCopy::abort);
            }
        }, "preflight-backup-abort");
        Runtime.getRuntime().addShutdownHook(abortOnExit);
        try {
            for (ArtifactStore s : targets) {
                PendingCopy c;
                try {
                    c = s.create(file);
                } catch (IOException e) {
                    throw DestinationException.of(s, e);
                }
                synchronized (pending) {
                    pending.add(c);
                }
            }
            producer.previous(() -> latestArtifact(source.name()));
            List<OutputStream> outs = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                outs.add(new DestinationStream(pending.get(i).out(), targets.get(i)));
            }
            FanOut fan = new FanOut(outs);
            Counter raw = new Counter();
            // Producer thread: reads the source. Writer thread: gzip, SHA-256, every destination.
            // Checker thread (when the producer validates content): walks the uncompressed stream.
            GZIPOutputStream gz = source.gzip() ? new GZIPOutputStream(fan, 1 << 16) : null;
            ContentCheck checker = producer.checksContent() ? new ContentCheck(producer) : null;
            Production produced;
            try (Progress ticker = Progress.bytes(ticks, "backup " + source.name(), raw::count, producer::expectedBytes)) {
                AsyncOutputStream writer = new AsyncOutputStream(gz != null ? gz : fan, "preflight-writer");
                OutputStream top = checker == null ? writer : new Tee(writer, checker.sink());
                // Small writes (a JSON manifest) are batched before they cross to the writer thread.
                BufferedOutputStream buffered = new BufferedOutputStream(raw.wrap(top), 1 << 16);
                try {
                    produced = producer.produce(buffered);
                    buffered.flush();
                } finally {
                    writer.close();
                }
                Phases.mark("stream-written");
                if (gz != null) {
                    gz.finish();
                }
                fan.flush();
            } catch (IOException e) {
                produced = Production.failed("the backup stream failed: " + Errors.describe(e), Map.of());
            } finally {
                if (gz != null) {
                    gz.close(); // releases the deflater; FanOut ignores close
                }
            }
            facts.putAll(produced.facts());
            if (checker != null) {
                Production checked = checker.finish(produced.ok());
                facts.putAll(checked.facts());
                if (produced.ok() && !checked.ok()) {
                    produced = checked;
                }
            }
            Phases.mark("content-checked");
            sha = fan.sha256();
            size = fan.size();
            for (int i = 0; i < pending.size(); i++) {
                try {
                    pending.get(i).seal();
                } catch (IOException e) {
                    throw DestinationException.of(targets.get(i), e);
                }
            }
            Phases.mark("sealed");
            failure = produced.failure();
            if (failure == null) {
                step(source.name() + ": " + BackupLog.human(size) + " sha256 " + sha + "; reading every copy back");
                failure = readBack(targets, pending, sha, size);
                Phases.mark("read-back");
            }
            if (failure == null) {
                for (int i = 0; i < pending.size(); i++) {
                    String location;
                    try {
                        location = pending.get(i).commit();
                    } catch (IOException e) {
                        throw DestinationException.of(targets.get(i), e);
                    }
                    copies.add(new Copy(targets.get(i).name(), location, size, sha));
                }
                failure = sameFiles(copies);
                committed = failure == null;
                Phases.mark("committed");
            }
        } catch (IOException e) {
            failure = "cannot write the backup: " + Errors.describe(e);
            if (pending.size() < targets.size()) {
                // A destination failed before the source was read: say what else is in the way now, not next run.
                failure += untried(source);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (RuntimeException e) {
            // Still recorded as a failed backup below: nothing unverified is ever reported good.
            failure = "unexpected error: " + Errors.describe(e);
        } finally {
            if (!committed) {
                pending.forEach(PendingCopy::abort);
                // A partly committed set is not a backup either: no final name may survive a failure.
                for (int i = 0; i < copies.size(); i++) {
                    try {
                        targets.get(i).delete(copies.get(i).location());
                    } catch (IOException ignored) {
                        // Reported through the failed ledger entry; the copy is not recorded as good.
                    }
                }
                copies.clear();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(abortOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway; aborting a committed or aborted copy does nothing.
            }
        }
        return record(source, start, file, copies, sha, size, facts, failure);
    }

    /** Appends the ledger entry and the log row of one backup attempt. */
    private RunResult record(Source source, Instant start, String file, List<Copy> copies, String sha, long size,
                             Map<String, Object> facts, String failure) {
        Instant end = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant until = start.plus(source.retention()).truncatedTo(ChronoUnit.SECONDS);
        Outcome outcome = failure == null ? Outcome.PASSED : Outcome.FAILED;
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("source", source.name());
        payload.put("type", source.kind().id());
        payload.put("started", start.toString());
        payload.put("finished", end.toString());
        payload.put("file", file);
        payload.put("compression", source.compression());
        if (failure == null) {
            payload.put("size", size);
            payload.put("sha256", sha);
            payload.put("retention_until", until.toString());
            List<Map<String, Object>> cs = new ArrayList<>();
            for (Copy c : copies) {
                cs.add(Map.of("destination", c.destination(), "location", c.location(), "size", c.size(),
                        "sha256", c.sha256(), "retention_until", until.toString(), "verified_at", end.toString()));
            }
            payload.put("copies", cs);
        } else {
            payload.put("failure", failure);
        }
        payload.put("facts", facts);
        String summary = failure == null
                ? file + " (" + BackupLog.human(size) + ") stored and verified in " + copies.size() + " location(s)"
                : "backup of " + source.name() + " FAILED: " + brief(failure);
        LedgerEntry entry = ledger.append(NewEntry.of(KIND, source.name(), outcome, secrets.redact(summary), payload)
                .withArtifacts(copies.stream().map(c -> new Artifact(c.location(), c.size(), c.sha256())).toList()));
        Phases.mark("ledger-appended");
        log(List.of(fmt(start), source.name(), outcome.label(), failure == null ? file : file + " (not kept)",
                failure == null ? BackupLog.human(size) : "", failure == null ? sha : "",
                failure == null ? String.join("\n", copies.stream().map(c -> c.destination() + ": " + c.location())
                        .toList()) : secrets.redact(brief(failure)), failure == null ? DATE.format(until) : "",
                entry.id().substring(0, 8)));
        Phases.mark("backup-log");
        step(source.name() + ": " + outcome.label() + (failure == null ? "" : ": " + secrets.redact(brief(failure))));
        return new RunResult(source.name(), outcome, entry.id(), file, size, failure == null ? sha : null, until,
                copies, failure == null ? null : secrets.redact(brief(failure)), facts);
    }

    /**
     * Every copy re-read from where it is stored and hashed, the copies in parallel. Equal SHA-256
     * means the stored bytes are the streamed bytes, so the content check of the stream holds for them.
     */
    private String readBack(List<ArtifactStore> targets, List<PendingCopy> pending, String sha, long size)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(pending.size());
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                PendingCopy p = pending.get(i);
                String name = targets.get(i).name();
                ArtifactStore store = targets.get(i);
                results.add(pool.submit(() -> {
                    ArtifactStore.ReadBack got;
                    try {
                        got = p.readBackDigest();
                    } catch (IOException e) {
                        throw DestinationException.of(store, e);
                    }
                    return got.sha256().equals(sha) && got.size() == size ? null : "the copy in " + name
                            + " reads back as " + got.size() + " bytes sha256 " + got.sha256() + ", written " + size
                            + " bytes sha256 " + sha;
                }));
            }
            for (Future<String> f : results) {
                String bad;
                try {
                    bad = f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException io ? io : new IOException(Errors.describe(c), c);
                }
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A failure at one destination, naming it: "destination 'onprem' (/backups): No space left on
     * device", not just the operating system's words.
     */
    static final class DestinationException extends IOException {
        DestinationException(String message, IOException cause) {
            super(message, cause);
        }

        static DestinationException of(ArtifactStore s, IOException e) {
            return e instanceof DestinationException d ? d : new DestinationException("destination '" + s.name() + "' ("
                    + s.where() + "): " + Errors.describe(e), e);
        }
    }

    /** One destination's stream: its write failures name the destination. */
    private static final class DestinationStream extends OutputStream {
        private final OutputStream out;
        private final ArtifactStore store;

        DestinationStream(OutputStream out, ArtifactStore store) {
            this.out = out;
            this.store = store;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw DestinationException.of(store, e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw DestinationException.of(store, e);
            }
        }
    }

    /** Writes to two streams (the writer and the content checker). */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    /** Runs the producer's content check on its own thread over the uncompressed stream. */
    private static final class ContentCheck {
        private final ChunkPipe pipe = new ChunkPipe(64);
        private final OutputStream sink = pipe.sink();
        private final Thread thread;
        private volatile Production result;

        ContentCheck(Producer producer) {
            thread = new Thread(() -> {
                try (InputStream in = pipe.source()) {
                    result = producer.check(in);
                } catch (IOException | RuntimeException e) {
                    result = Production.failed("checking the content failed: " + Errors.describe(e), Map.of());
                } finally {
                    // A check that stopped early must not block the stream it reads.
                    pipe.abandon();
                }
            }, "preflight-check");
            thread.setDaemon(true);
            thread.start();
        }

        OutputStream sink() {
            return sink;
        }

        /** Ends the stream (or abandons it when the production failed) and returns the check's result. */
        Production finish(boolean complete) throws IOException, InterruptedException {
            if (complete) {
                sink.close();
            } else {
                pipe.abandon();
            }
            thread.join();
            return result == null ? Production.failed("the content check did not finish", Map.of()) : result;
        }
    }

    /** Counts the uncompressed bytes produced, for the progress display (read from its thread). */
    private static final class Counter {
        private volatile long count;

        long count() {
            return count;
        }

        OutputStream wrap(OutputStream out) {
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    count += len;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    count++;
                }

                @Override
                public void close() {
                    // The stream below is finished and sealed by the service.
                }
            };
        }
    }

    /** Counts and hashes what is read through it. */
    private static final class CountingDigest extends DigestInputStream {
        long count;

        CountingDigest(InputStream in, MessageDigest md) {
            super(in, md);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** The artifact name from the source's pattern (UTC date and time of the start). */
    static String name(Source s, Instant t) {
        return s.namePattern().replace("{date}", DATE.format(t)).replace("{time}", TIME.format(t))
                .replace("{source}", s.name());
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
        found.addAll(Leftovers.sweepPartials(Leftovers.localDirs(plan)));
        Leftovers.record(found, ledger, command, this::step);
        Phases.mark("leftovers-swept");
        return found;
    }

    // ---------------------------------------------------------------- catalog

    /** Every backup that passed and still has copies, oldest first, from the ledger. */
    public List<BackupRecord> catalog() {
        List<LedgerEntry> backups = ledger.query(LedgerQuery.kind(KIND));
        Set<String> pruned = new HashSet<>();
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(PRUNE_KIND))) {
            for (JsonNode d : Json.parse(e.payload()).path("deleted")) {
                pruned.add(d.path("backup_id").asText() + "\n" + d.path("location").asText());
            }
        }
        Map<String, LedgerEntry> lastVerify = new HashMap<>();
        for (LedgerEntry e : ledger.query(LedgerQuery.kind(VERIFY_KIND))) {
            lastVerify.put(Json.parse(e.payload()).path("backup_id").asText(), e);
        }
        List<BackupRecord> out = new ArrayList<>();
        for (LedgerEntry e : backups) {
            if (e.outcome() != Outcome.PASSED) {
                continue;
            }
            JsonNode p = Json.parse(e.payload());
            List<Copy> copies = new ArrayList<>();
            for (JsonNode c : p.path("copies")) {
                if (!pruned.contains(e.id() + "\n" + c.path("location").asText())) {
                    copies.add(new Copy(c.path("destination").asText(), c.path("location").asText(),
                            c.path("size").asLong(), c.path("sha256").asText()));
                }
            }
            if (copies.isEmpty()) {
                continue;
            }
            LedgerEntry v = lastVerify.get(e.id());
            out.add(new BackupRecord(e.id(), e.seq(), Instant.parse(p.path("started").asText()), e.subject(),
                    p.path("type").asText(), p.path("file").asText(), p.path("size").asLong(),
                    p.path("sha256").asText(), Instant.parse(p.path("retention_until").asText()), copies,
                    v == null ? null : v.time(), v == null || v.outcome() == Outcome.PASSED,
                    p.path("facts").hasNonNull("target") && "s3".equals(p.path("type").asText())
                            ? p.path("facts").path("target").asText() : null));
        }
        return out;
    }

    /** The newest current backup's artifact of a source, from the first copy that can be opened. */
    private Optional<InputStream> latestArtifact(String source) {
        List<BackupRecord> mine = catalog().stream().filter(b -> b.source().equals(source) && b.lastVerifyOk()).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        BackupRecord b = mine.get(mine.size() - 1);
        for (Copy c : b.copies()) {
            try {
                InputStream in = storeFor(c).open(c.location());
                return Optional.of(b.file().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
            } catch (IOException | RuntimeException e) {
                step(source + ": previous backup copy " + c.location() + " unreadable (" + Errors.describe(e) + ")");
            }
        }
        return Optional.empty();
    }

    /** The backup whose id is or starts with {@code id}; exit 2 when none or several match. */
    public BackupRecord find(String id) {
        List<BackupRecord> m = catalog().stream().filter(b -> b.id().startsWith(id)).toList();
        if (m.size() != 1) {
            throw PreflightException.usage(m.isEmpty() ? "no current backup with id " + id
                    : "id " + id + " matches " + m.size() + " backups", "see 'preflight backup list'");
        }
        return m.get(0);
    }

    // ---------------------------------------------------------------- verify

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
        List<BackupRecord> catalog = catalog();
        List<CopyCheck> all = new ArrayList<>();
        for (BackupRecord b : backups) {
            List<CopyCheck> checks = new ArrayList<>();
            for (Copy c : b.copies()) {
                checks.add(check(b, c));
            }
            markSameFiles(checks);
            // A later backup into the same target bucket supersedes this one's view of the objects.
            boolean superseded = b.bucketCopy() != null && catalog.stream().anyMatch(o -> o.seq() > b.seq()
                    && o.source().equals(b.source()) && b.bucketCopy().equals(o.bucketCopy()));
            if (b.bucketCopy() != null && !superseded) {
                checks.addAll(checkBucketCopy(b, checks));
            }
            all.addAll(checks);
            boolean ok = checks.stream().allMatch(c -> c.status() == Status.OK);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CopyCheck c : checks) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("destination", c.copy().destination());
                row.put("location", c.copy().location());
                row.put("status", c.status().label());
                row.put("expected_sha256", c.copy().sha256());
                row.put("actual_sha256", c.actual());
                row.put("detail", c.detail());
                rows.add(row);
            }
            String bad = String.join(", ", checks.stream().filter(c -> c.status() != Status.OK)
                    .map(c -> c.copy().location() + " " + c.status().label()
                            + (c.status() == Status.SAME_FILE ? " (" + c.detail() + ")" : "")).toList());
            ledger.append(NewEntry.of(VERIFY_KIND, b.source(), ok ? Outcome.PASSED : Outcome.FAILED,
                    ok ? b.file() + ": " + checks.size() + " copies match the ledger" : b.file() + ": " + bad,
                    Map.of("backup_id", b.id(), "copies", rows)));
            step("verify " + b.shortId() + " " + b.file() + ": " + (ok ? "ok" : bad));
        }
        return all;
    }

    /**
     * For a bucket backup, the objects themselves: every object the manifest lists is re-read from
     * the target bucket and hashed. One row per bad object, one row for all good ones.
     */
    private List<CopyCheck> checkBucketCopy(BackupRecord b, List<CopyCheck> manifestChecks) {
        Source src = plan.source(b.source()).orElse(null);
        CopyCheck readable = manifestChecks.stream().filter(c -> c.status() == Status.OK).findFirst().orElse(null);
        if (readable == null) {
            return List.of();
        }
        List<CopyCheck> out = new ArrayList<>();
        JsonNode manifest;
        try (InputStream in = storeFor(readable.copy()).open(readable.copy().location())) {
            manifest = Json.mapper().readTree(b.file().endsWith(".gz") ? new GZIPInputStream(in) : in);
        } catch (IOException | RuntimeException e) {
            return List.of(new CopyCheck(b, readable.copy(), Status.UNREADABLE, null, "manifest unreadable: "
                    + secrets.redact(Errors.describe(e))));
        }
        String target = manifest.path("target").asText();
        String bucket = S3Clients.parse(target)[0];
        if (src == null || src.s3() == null) {
            return List.of(new CopyCheck(b, new Copy("bucket", target, 0, ""), Status.UNREADABLE, null,
                    "source " + b.source() + " is no longer in the plan: its bucket copy cannot be reached"));
        }
        BackupPlan.S3Endpoint endpoint = src.s3().target() != null ? src.s3().target() : src.s3().endpoint();
        long good = 0;
        long bytes = 0;
        try (S3Client s3 = S3Clients.create(endpoint)) {
            S3Store store = new S3Store("bucket", s3, bucket, "");
            for (JsonNode o : manifest.path("objects")) {
                Copy c = new Copy("bucket", "s3://" + bucket + "/" + o.path("target_key").asText(),
                        o.path("size").asLong(), o.path("sha256").asText());
                CopyCheck r = check(b, c, store);
                if (r.status() == Status.OK) {
                    good++;
                    bytes += c.size();
                } else {
                    out.add(r);
                }
            }
        }
        out.add(0, new CopyCheck(b, new Copy("bucket", target + " (" + good + " objects)", bytes, ""), Status.OK,
                null, null));
        return out;
    }

    /**
     * Two copies that are one physical file (a symlink or hard link to the other, the same device
     * and inode; or the same object of one bucket) are not two copies: both fail, each naming the other.
     */
    private void markSameFiles(List<CopyCheck> checks) {
        for (int j = 1; j < checks.size(); j++) {
            for (int i = 0; i < j; i++) {
                CopyCheck a = checks.get(i);
                CopyCheck b = checks.get(j);
                if (a.status() == Status.MISSING || b.status() == Status.MISSING || !sameFile(a.copy(), b.copy())) {
                    continue;
                }
                checks.set(i, sameFileCheck(a, b.copy()));
                checks.set(j, sameFileCheck(b, a.copy()));
            }
        }
    }

    private static CopyCheck sameFileCheck(CopyCheck c, Copy other) {
        String detail = "the same file as the copy in " + other.destination() + " (" + other.location()
                + "): one physical file is not two copies";
        if (c.status() == Status.SAME_FILE) {
            detail = c.detail() + "; also " + detail;
        }
        return new CopyCheck(c.backup(), c.copy(), Status.SAME_FILE, c.actual(), detail);
    }

    /** Null when every copy is its own file, else which two are one. */
    private String sameFiles(List<Copy> copies) {
        for (int j = 1; j < copies.size(); j++) {
            for (int i = 0; i < j; i++) {
                if (sameFile(copies.get(i), copies.get(j))) {
                    return "the copies in " + copies.get(i).destination() + " (" + copies.get(i).location() + ") and "
                            + copies.get(j).destination() + " (" + copies.get(j).location()
                            + ") are the same file: one physical file is not two copies";
                }
            }
        }
        return null;
    }

    private boolean sameFile(Copy a, Copy b) {
        if (a.location().startsWith("/") && b.location().startsWith("/")) {
            try {
                return Files.isSameFile(Path.of(a.location()),
                        Path.of(b.location()));
            } catch (IOException e) {
                return false; // a missing or unreadable copy is reported as such by its own check
            }
        }
        if (a.location().equals(b.location()) && a.location().startsWith("s3://")) {
            Destination da = plan.destination(a.destination()).orElse(null);
            Destination db = plan.destination(b.destination()).orElse(null);
            return da == null || db == null || BackupPlan.overlap(da, db) != null;
        }
        return false;
    }

    private CopyCheck check(BackupRecord b, Copy c) {
        ArtifactStore store;
        try {
            store = storeFor(c);
        } catch (RuntimeException e) {
            return new CopyCheck(b, c, Status.UNREADABLE, null, secrets.redact(Errors.describe(e)));
        }
        return check(b, c, store);
    }

    private CopyCheck check(BackupRecord b, Copy c, ArtifactStore store) {
        try {
            if (!store.exists(c.location())) {
                return new CopyCheck(b, c, Status.MISSING, null, "the copy is not there");
            }
            MessageDigest md = Hashing.sha256();
            long n;
            try (InputStream raw = store.open(c.location())) {
                CountingDigest in = new CountingDigest(raw, md);
                Reads.toEnd(in);
                n = in.count;
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(c.sha256()) || n != c.size()) {
                return new CopyCheck(b, c, Status.MISMATCH, got, n + " bytes, recorded " + c.size());
            }
            return new CopyCheck(b, c, Status.OK, got, null);
        } catch (NoSuchFileException e) {
            return new CopyCheck(b, c, Status.MISSING, null, "the copy is not there");
        } catch (IOException | RuntimeException e) {
            return new CopyCheck(b, c, Status.UNREADABLE, null, secrets.redact(Errors.describe(e)));
        }
    }

    private ArtifactStore store(Destination d) {
        return openStores.computeIfAbsent(d.name(), n -> stores.open(d));
    }

    private ArtifactStore storeFor(Copy c) {
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

    // ---------------------------------------------------------------- prune

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
        Instant now = clock.instant();
        List<BackupRecord> all = catalog();
        Map<String, BackupRecord> newestVerified = new HashMap<>();
        for (BackupRecord b : all) {
            if (b.lastVerifyOk()) {
                newestVerified.merge(b.source(), b, (x, y) -> y.seq() > x.seq() ? y : x);
            }
        }
        List<PruneItem> items = new ArrayList<>();
        Map<String, List<Map<String, Object>>> deletedBySource = new LinkedHashMap<>();
        Map<String, List<String>> errorsBySource = new LinkedHashMap<>();
        List<BackupRecord> ordered = all.stream().sorted(Comparator.comparing(BackupRecord::source)
                .thenComparing(BackupRecord::seq)).toList();
        Set<String> keptBucketCopies = new HashSet<>();
        Map<BackupRecord, Action> actions = new LinkedHashMap<>();
        for (BackupRecord b : ordered) {
            boolean expired = !b.retentionUntil().isAfter(now);
            Action a = !expired ? Action.KEEP : newestVerified.get(b.source()) == b ? Action.KEEP_NEWEST_VERIFIED
                    : Action.DELETE;
            actions.put(b, a);
            if (a != Action.DELETE && b.bucketCopy() != null) {
                keptBucketCopies.add(b.bucketCopy());
            }
        }
        for (BackupRecord b : ordered) {
            Action a = actions.get(b);
            if (a == Action.KEEP) {
                items.add(new PruneItem(b, a, "retained until " + b.retentionUntil(), List.of()));
                continue;
            }
            if (a == Action.KEEP_NEWEST_VERIFIED) {
                items.add(new PruneItem(b, a, "expired " + b.retentionUntil()
                        + " but the newest verified backup of " + b.source() + " is always kept", List.of()));
                continue;
            }
            List<String> errors = new ArrayList<>();
            String reason = "retention ended " + b.retentionUntil();
            boolean dropObjects = b.bucketCopy() != null && !keptBucketCopies.contains(b.bucketCopy());
            if (dropObjects) {
                reason += "; its bucket copy " + b.bucketCopy() + " goes too";
            }
            if (apply) {
                if (dropObjects) {
                    try {
                        long n = deleteBucketCopy(b);
                        deletedBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(Map.of(
                                "backup_id", b.id(), "destination", "bucket", "location", b.bucketCopy(),
                                "objects", n, "retention_until", b.retentionUntil().toString()));
                    } catch (IOException | RuntimeException e) {
                        // Keep the manifest: without it nobody knows which objects belong to this copy.
                        String err = b.bucketCopy() + ": " + secrets.redact(Errors.describe(e));
                        errors.add(err);
                        errorsBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(err);
                        items.add(new PruneItem(b, Action.DELETE, reason, errors));
                        continue;
                    }
                }
                for (Copy c : b.copies()) {
                    try {
                        storeFor(c).delete(c.location());
                        deletedBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(Map.of(
                                "backup_id", b.id(), "destination", c.destination(), "location", c.location(),
                                "sha256", c.sha256(), "retention_until", b.retentionUntil().toString()));
                    } catch (IOException | RuntimeException e) {
                        String err = c.location() + ": " + secrets.redact(Errors.describe(e));
                        errors.add(err);
                        errorsBySource.computeIfAbsent(b.source(), k -> new ArrayList<>()).add(err);
                    }
                }
            }
            items.add(new PruneItem(b, Action.DELETE, reason, errors));
        }
        if (apply) {
            Set<String> sources = new LinkedHashSet<>(deletedBySource.keySet());
            sources.addAll(errorsBySource.keySet());
            for (String s : sources) {
                List<Map<String, Object>> deleted = deletedBySource.getOrDefault(s, List.of());
                List<String> errors = errorsBySource.getOrDefault(s, List.of());
                ledger.append(NewEntry.of(PRUNE_KIND, s, errors.isEmpty() ? Outcome.PASSED : Outcome.FAILED,
                        "deleted " + deleted.size() + " expired cop" + (deleted.size() == 1 ? "y" : "ies")
                                + (errors.isEmpty() ? "" : ", " + errors.size() + " deletion(s) failed"),
                        Map.of("deleted", deleted, "errors", errors, "now", now.toString())));
            }
            for (PruneItem i : items) {
                if (i.action() == Action.DELETE) {
                    log(List.of(fmt(now), i.backup().source(), i.errors().isEmpty() ? "pruned" : "prune failed",
                            i.backup().file(), BackupLog.human(i.backup().size()), i.backup().sha256(),
                            String.join("\n", i.backup().copies().stream().map(Copy::location).toList()),
                            DATE.format(i.backup().retentionUntil()), i.backup().shortId()));
                }
            }
        }
        return items;
    }

    /** Deletes exactly the objects a bucket backup's manifest lists (never "everything under a prefix"). */
    private long deleteBucketCopy(BackupRecord b) throws IOException {
        Source src = plan.source(b.source()).orElseThrow(() -> new IOException("source " + b.source()
                + " is no longer in the plan"));
        JsonNode manifest = null;
        IOException last = null;
        for (Copy c : b.copies()) {
            try (InputStream in = storeFor(c).open(c.location())) {
                manifest = Json.mapper().readTree(b.file().endsWith(".gz") ? new GZIPInputStream(in) : in);
                break;
            } catch (IOException e) {
                last = e;
            }
        }
        if (manifest == null) {
            throw new IOException("no readable manifest", last);
        }
        String bucket = S3Clients.parse(manifest.path("target").asText())[0];
        BackupPlan.S3Endpoint endpoint = src.s3().target() != null ? src.s3().target() : src.s3().endpoint();
        long n = 0;
        try (S3Client s3 = S3Clients.create(endpoint)) {
            for (JsonNode o : manifest.path("objects")) {
                String key = o.path("target_key").asText();
                s3.deleteObject(r -> r.bucket(bucket).key(key));
                n++;
            }
        }
        return n;
    }

    private void log(List<String> cells) {
        try {
            new BackupLog(plan.log()).append(cells.stream().map(secrets::redact).toList());
        } catch (IOException e) {
            step("warning: cannot append to the backup log " + plan.log() + ": " + Errors.describe(e));
        }
    }

    private static String fmt(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t);
    }

    private void step(String line) {
        if (progress != null) {
            progress.println(secrets.redact(line));
            progress.flush();
        }
    }

    /**
     * What a failure at a destination leaves unsaid about the source, which was never contacted: that
     * it was not, and whether its host name resolves (a name typed wrong is the next failure otherwise).
     */
    static String untried(Source source) {
        String host = source.mysql() != null ? source.mysql().host() : source.redis() != null ? source.redis().host()
                : null;
        if (host == null || host.isBlank()) {
            return "; the source was not read";
        }
        try {
            InetAddress.getByName(host);
            return "; the source (" + host + ") was not contacted";
        } catch (UnknownHostException e) {
            return "; the source was not contacted, and its host " + host + " does not resolve either (check the name)";
        }
    }

    /**
     * A failure as people read it: at most 400 characters, cut at a word (the ledger payload keeps
     * it whole).
     */
    static String brief(String failure) {
        if (failure.length() <= 400) {
            return failure;
        }
        int cut = failure.lastIndexOf(' ', 396);
        return failure.substring(0, cut > 300 ? cut : 396) + " ...";
    }

    /** Used by reports: the time elapsed since a backup, in whole units. */
    public static String age(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.toDays() > 0) {
            return d.toDays() + "d";
        } else if (d.toHours() > 0) {
            return d.toHours() + "h";
        }
        return Math.max(0, d.toMinutes()) + "m";
    }
}
