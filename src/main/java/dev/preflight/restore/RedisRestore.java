package dev.preflight.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupRecord;
import dev.preflight.backup.PrivateTemp;
import dev.preflight.core.Errors;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.core.Sizes;
import dev.preflight.exec.HttpCheck;
import dev.preflight.report.Durations;
import dev.preflight.restore.RestoreArtifact.Reader;
import dev.preflight.restore.RestoreArtifact.Verified;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Restores a verified Redis RDB snapshot into a scratch {@code redis-server}, times the load,
 * compares the key counts with those recorded at backup, runs the plan's HTTP checks when the plan
 * restores no database, and stops and removes the scratch server unless {@code --keep}.
 */
final class RedisRestore {
    /** Prefix of scratch redis-server directories in the temporary directory. */
    public static final String SCRATCH_REDIS_PREFIX = "preflight-redis-restore-";

    private final RestoreContext ctx;
    private final RestorePlan plan;
    private final Secrets secrets;

    RedisRestore(RestoreContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan();
        this.secrets = ctx.secrets();
    }

    /** Loads and checks backup {@code b} of {@code source} from the verified copy; {@code checks} so far. */
    RestoreResult run(String source, BackupRecord b, JsonNode facts, Verified v, List<Check> checks,
                      RestoreTest.Options o) throws InterruptedException {
        Cleanup cleanup = new Cleanup(ctx::signalled);
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
                RedisServerProcess.deleteTree(dir);
                return dir + " removed";
            });
            Reader reader = new Reader();
            long t0 = System.nanoTime();
            Path tmp = dir.resolve("dump.rdb.partial");
            IOException readError = null;
            try (InputStream in = reader.open(v, b.file().endsWith(".gz"))) {
                dataBytes = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                reader.drain();
            } catch (IOException e) {
                readError = e;
            }
            reader.settle(v, checks);
            if (readError != null && v.refused() == null) {
                // Not the artifact's fault (the scratch directory's disk, say): said as such below.
                throw readError;
            }
            String mismatch = reader.mismatch(v, b);
            if (mismatch != null) {
                failure = mismatch;
                checks.add(Check.fail("restore", b.file(), failure));
            } else {
                Files.move(tmp, dir.resolve("dump.rdb"), StandardCopyOption.ATOMIC_MOVE);
                ScratchRedis server = ctx.scratchRedis(dir);
                where = "127.0.0.1:" + server.port() + " (" + dir + ")";
                // Registered after the directory's removal, so it runs first: stop, then remove.
                cleanup.add(server::stop);
                ctx.step(source + ": loading " + b.file() + " into a scratch redis-server on " + where);
                String notLoaded;
                try (Progress ticker = Progress.waiting(ctx.ticks(),
                        "restore " + source + ": redis-server loading the RDB")) {
                    notLoaded = server.awaitLoaded(plan.redis().startTimeout());
                }
                took = Duration.ofNanos(System.nanoTime() - t0);
                if (notLoaded != null) {
                    failure = secrets.redact(notLoaded);
                    checks.add(Check.fail("restore", b.file(), failure));
                } else {
                    loaded = true;
                    checks.add(Check.pass("restore", b.file(), Sizes.binary(dataBytes) + " of RDB loaded into " + where
                            + " in " + Durations.seconds(took)));
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
                            checks.add(ctx.http().run(h));
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
        return new RestoreResult(source, "redis", b.id(), b.seq(), b.file(), v.copy().location(), where, took, b.size(),
                dataBytes, checks, failure, o.keep() && loaded, null, cleaned, null);
    }
}
