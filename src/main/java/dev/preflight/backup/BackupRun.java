package dev.preflight.backup;

import dev.preflight.backup.ArtifactStore.PendingCopy;
import dev.preflight.backup.BackupPlan.Destination;
import dev.preflight.backup.BackupEvidence.BackupPayload;
import dev.preflight.backup.BackupEvidence.CopyPayload;
import dev.preflight.backup.BackupPlan.Source;
import dev.preflight.backup.BackupRecord.Copy;
import dev.preflight.backup.Producer.Production;
import dev.preflight.core.Errors;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.Futures;
import dev.preflight.core.Phases;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Progress;
import dev.preflight.core.Sizes;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.zip.GZIPOutputStream;

/**
 * The verb {@code backup run} for one source (runbook §2 steps 1-2). A backup is recorded as passed
 * only when its producer says the stream is complete and every copy was read back from where it is
 * stored with the same SHA-256; otherwise no copy keeps a final name and the ledger says failed.
 * The streaming classes it wires together (FanOut, AsyncOutputStream, ContentCheck, Tee, ByteCounter,
 * DestinationStream) live beside it in this package.
 */
public final class BackupRun {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmm").withZone(ZoneOffset.UTC);

    private final BackupContext ctx;
    private final BackupCatalog catalog;

    /** A run in the given context; the catalogue gives the producer the previous backup. */
    public BackupRun(BackupContext ctx) {
        this.ctx = ctx;
        this.catalog = new BackupCatalog(ctx);
    }

    /** Backs up one source under its lock; a second concurrent run of the same source fails with exit 3. */
    public RunResult run(Source source) {
        try (ExclusiveLock lock = BackupLock.acquire(ctx.locks(), ctx.plan().lockDir(), source.name(),
                ctx.clock().instant())) {
            Phases.mark("locked");
            return runLocked(source);
        }
    }

    private RunResult runLocked(Source source) {
        Instant start = ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Producer producer;
        List<ArtifactStore> targets;
        try {
            producer = ctx.producers().apply(source);
            targets = ctx.plan().destinationsOf(source).stream().map(ctx::store).toList();
        } catch (PreflightException e) {
            throw e;
        } catch (RuntimeException e) {
            // A client that cannot even be built (bad endpoint URI, no credentials): a failed backup, recorded.
            return record(source, start, name(source, start), List.of(), null, null, 0, Map.of(),
                    "cannot set up the backup: " + Errors.describe(e));
        }
        List<Destination> dests = ctx.plan().destinationsOf(source);
        for (int j = 1; j < dests.size(); j++) {
            for (int i = 0; i < j; i++) {
                // Validated with the plan, checked again: a directory can become a symlink since.
                String same = BackupPlan.overlap(dests.get(i), dests.get(j));
                if (same != null) {
                    return record(source, start, name(source, start), List.of(), null, null, 0, Map.of(),
                            "destinations '" + dests.get(i).name() + "' and '" + dests.get(j).name() + "' " + same
                                    + ": one place holds one copy, not two; nothing was written");
                }
            }
        }
        String alias = samePlace(dests, targets);
        if (alias != null) {
            return record(source, start, name(source, start), List.of(), null, null, 0, Map.of(), alias);
        }
        String file = name(source, start) + "." + producer.extension() + (source.gzip() ? ".gz" : "");
        ctx.step(source.name() + ": writing " + file + " to " + String.join(", ",
                targets.stream().map(ArtifactStore::name).toList()));
        List<PendingCopy> pending = new ArrayList<>();
        List<Copy> copies = new ArrayList<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        String failure = null;
        String sha = null;
        Checkpoints checkpoints = null;
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
            producer.previous(() -> catalog.latestArtifact(source.name()));
            // A dump stored as is, with a copy in a file here, is written into that file by the dump
            // tool itself (no pipe); the one pass below (hash, content check, the other copies) then
            // reads it from the stored file as it grows, which is that copy's read-back: a second read
            // and hash of the same file cost 1 s of CPU per GB beside the dump on two cores.
            Optional<Path> inPlace = Optional.empty();
            int written = -1;
            for (int i = 0; i < pending.size() && written < 0 && !source.gzip() && producer.producesFile(); i++) {
                inPlace = pending.get(i).writeInPlace();
                written = inPlace.isPresent() ? i : -1;
            }
            List<OutputStream> outs = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                if (i != written) {
                    outs.add(new DestinationStream(pending.get(i).out(), targets.get(i)));
                }
            }
            FanOut fan = new FanOut(outs);
            ByteCounter raw = new ByteCounter();
            // Producer thread: reads the source. Writer thread: gzip, SHA-256, every destination.
            // Checker thread (when the producer validates content): walks the uncompressed stream.
            GZIPOutputStream gz = source.gzip() ? new GZIPOutputStream(fan, 1 << 16) : null;
            ContentCheck checker = producer.checksContent() ? new ContentCheck(producer) : null;
            Production produced;
            try (Progress ticker = Progress.bytes(ctx.ticks(), "backup " + source.name(), raw::count,
                    producer::expectedBytes)) {
                // The writer thread lets a source that must not wait (a socket, a pipe) go on while
                // SHA-256 and the copies are done. A dump written in place needs none: the tool writes
                // the file whatever this pass does, and the pass is a read of the file and its hash.
                // There the hand-over cost more than it overlapped (a 1 MiB array allocated, copied
                // and copied again per chunk, and a second thread's code cold): done on this thread.
                boolean direct = inPlace.isPresent() && outs.isEmpty() && gz == null && checker == null;
                OutputStream writer = direct ? fan : new AsyncOutputStream(gz != null ? gz : fan, "preflight-writer");
                OutputStream top = checker == null ? writer : new Tee(writer, checker.sink());
                // Small writes (a JSON manifest) are batched before they cross to the writer thread.
                BufferedOutputStream buffered = new BufferedOutputStream(raw.wrap(top), 1 << 16);
                try {
                    produced = inPlace.isPresent() ? produceInPlace(producer, inPlace.get(), buffered)
                            : producer.produce(buffered);
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
            checkpoints = fan.checkpoints();
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
                ctx.step(source.name() + ": " + Sizes.binary(size) + " sha256 " + sha + "; reading every copy back");
                failure = readBack(targets, pending, sha, size, written, inPlace);
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
                failure = BackupVerify.sameFiles(ctx.plan(), copies);
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
        return record(source, start, file, copies, sha, checkpoints, size, facts, failure);
    }

    /**
     * Why two destinations are one place under two names, or null. Two S3 endpoints the plan spells
     * differently (a DNS alias, an address for a name) whose bucket and prefixes would make their
     * copies the same objects are asked directly: a marker written through the first that the second
     * finds means one server, so the second copy would overwrite the first and "two copies" would be
     * one. The marker is deleted again.
     */
    private static String samePlace(List<Destination> dests, List<ArtifactStore> targets) {
        for (int j = 1; j < dests.size(); j++) {
            for (int i = 0; i < j; i++) {
                if (!BackupPlan.sameKeysElsewhere(dests.get(i), dests.get(j))) {
                    continue;
                }
                String a = "'" + dests.get(i).name() + "' (" + BackupPlan.endpointOf(dests.get(i)) + ")";
                String b = "'" + dests.get(j).name() + "' (" + BackupPlan.endpointOf(dests.get(j)) + ")";
                try {
                    if (SamePlace.probe(targets.get(i), targets.get(j))) {
                        return "destinations " + a + " and " + b + " are one place under two names: a marker"
                                + " written through the first is found through the second; one place holds one"
                                + " copy, not two; nothing was written";
                    }
                } catch (IOException e) {
                    return "cannot tell whether destinations " + a + " and " + b + " are one place: "
                            + Errors.describe(e) + "; nothing was written";
                }
            }
        }
        return null;
    }

    /**
     * Runs the producer into {@code file} on its own thread while this one copies the file into
     * {@code out} as it grows; returns the producer's verdict, reached on the bytes copied (their end
     * and count) once every byte it wrote was copied. A failure to copy (another destination) stops
     * the producer: its tool is killed.
     */
    private static Production produceInPlace(Producer producer, Path file, OutputStream out)
            throws IOException, InterruptedException {
        FileTail tail = new FileTail(file);
        // What the pass read, for the producer to judge: the bytes hashed, not the file at some other moment.
        TailBuffer seen = new TailBuffer(out, Producer.WrittenFile.TAIL);
        CountDownLatch copied = new CountDownLatch(1);
        Producer.WrittenFile read = new Producer.WrittenFile() {
            @Override
            public String end() throws InterruptedException {
                tail.finish();
                copied.await();
                return seen.tail();
            }

            @Override
            public long length() {
                return seen.total();
            }
        };
        FutureTask<Production> task = new FutureTask<>(() -> {
            try {
                return producer.produceFile(file, read);
            } finally {
                tail.finish();
            }
        });
        Thread thread = new Thread(task, "preflight-producer");
        thread.setDaemon(true);
        thread.start();
        try {
            tail.copyTo(seen);
        } catch (IOException | RuntimeException e) {
            copied.countDown();
            task.cancel(true);
            thread.join();
            throw e;
        }
        copied.countDown();
        try {
            return Futures.await(task);
        } catch (InterruptedException e) {
            if (!task.isDone()) {
                // This thread was interrupted while waiting, not the producer: stop it too.
                task.cancel(true);
                thread.join();
            }
            throw e;
        }
    }

    /** Appends the ledger entry and the log row of one backup attempt. */
    private RunResult record(Source source, Instant start, String file, List<Copy> copies, String sha,
                             Checkpoints checkpoints, long size, Map<String, Object> facts, String failure) {
        Instant end = ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Instant until = start.plus(source.retention()).truncatedTo(ChronoUnit.SECONDS);
        Outcome outcome = failure == null ? Outcome.PASSED : Outcome.FAILED;
        boolean ok = failure == null;
        BackupPayload payload = new BackupPayload(source.name(), source.kind().id(), start, end, file,
                source.compression(), ok ? size : null, ok ? sha : null, ok ? until : null,
                ok ? copies.stream().map(c -> new CopyPayload(c.destination(), c.location(), c.size(), c.sha256(),
                        until, end)).toList() : null,
                ok ? null : failure, facts, source.origin(), ok ? checkpoints : null);
        String summary = failure == null
                ? file + " (" + Sizes.binary(size) + ") stored and verified in " + copies.size() + " location(s)"
                : "backup of " + source.name() + " FAILED: " + brief(failure);
        LedgerEntry entry = ctx.ledger().append(NewEntry.of(BackupEvidence.KIND, source.name(), outcome,
                        ctx.secrets().redact(summary), payload)
                .withArtifacts(copies.stream().map(c -> new Artifact(c.location(), c.size(), c.sha256())).toList()));
        Phases.mark("ledger-appended");
        ctx.log(List.of(BackupContext.fmt(start), source.name(), outcome.label(),
                failure == null ? file : file + " (not kept)",
                failure == null ? Sizes.binary(size) : "", failure == null ? sha : "",
                failure == null ? String.join("\n", copies.stream().map(c -> c.destination() + ": " + c.location())
                        .toList()) : ctx.secrets().redact(brief(failure)),
                failure == null ? BackupContext.DATE.format(until) : "",
                entry.id().substring(0, 8)));
        Phases.mark("backup-log");
        ctx.step(source.name() + ": " + outcome.label()
                + (failure == null ? "" : ": " + ctx.secrets().redact(brief(failure))));
        return new RunResult(source.name(), outcome, entry.id(), file, size, failure == null ? sha : null, until,
                copies, failure == null ? null : ctx.secrets().redact(brief(failure)), facts);
    }

    /**
     * Every copy re-read from where it is stored and hashed, the copies in parallel. Equal SHA-256
     * means the stored bytes are the streamed bytes, so the content check of the stream holds for them.
     */
    private String readBack(List<ArtifactStore> targets, List<PendingCopy> pending, String sha, long size,
                            int inPlaceIndex, Optional<Path> inPlace) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(pending.size());
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                PendingCopy p = pending.get(i);
                String name = targets.get(i).name();
                ArtifactStore store = targets.get(i);
                if (i == inPlaceIndex && inPlace.isPresent()) {
                    // Written in place by the producer: the one pass hashed it from the stored file, to
                    // its end once the producer was done; nothing may have been added since.
                    long now = Files.size(inPlace.get());
                    if (now != size) {
                        return "the copy in " + name + " changed after it was read and hashed: " + now + " bytes now, "
                                + size + " bytes read (another process writing into it?)";
                    }
                    continue;
                }
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

    /** The artifact name from the source's pattern (UTC date and time of the start). */
    static String name(Source s, Instant t) {
        return s.namePattern().replace("{date}", BackupContext.DATE.format(t)).replace("{time}", TIME.format(t))
                .replace("{source}", s.name());
    }

    /**
     * What a failure at a destination leaves unsaid about the source, which was never contacted: that
     * it was not, and whether its host name resolves (a name typed wrong is the next failure otherwise).
     */
    static String untried(Source source) {
        String host = source.mysql() != null ? source.mysql().endpoint().host() : source.redis() != null ? source.redis().host()
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
}
