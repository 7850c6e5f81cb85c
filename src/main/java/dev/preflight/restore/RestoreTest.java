package dev.preflight.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.backup.BackupCatalog;
import dev.preflight.backup.BackupContext;
import dev.preflight.backup.BackupRecord;
import dev.preflight.core.Phases;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code preflight restore-test} (runbook §2 step 4): takes a backup the ledger recorded, re-verifies
 * its artifact's SHA-256 before anything touches a server, loads it into a scratch database
 * ({@link MysqlRestore}) or a scratch {@code redis-server} ({@link RedisRestore}), measures how long
 * the load took (the RTO figure), runs the smoke checks, cleans up (also on failure and Ctrl-C) and
 * records one {@code restore-test} ledger entry linked to the backup entry ({@link RestoreEvidence}).
 */
public final class RestoreTest {
    private final RestoreContext ctx;

    public RestoreTest(RestoreContext ctx) {
        this.ctx = ctx;
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

    /** Restore-tests the plan's sources (or one), each from its newest backup or the one given. */
    public RestoreRun run(String source, Options o) {
        return run(source, o, () -> { });
    }

    /**
     * As {@link #run(String, Options)}, with {@code beforeTests} (a sweep begun with
     * {@link RestoreLeftovers#start}) run once the catalogue is read, before any test touches a
     * server or the ledger, so the sweep's round trips overlap the catalogue read.
     */
    public RestoreRun run(String source, Options o, Runnable beforeTests) {
        List<String> sources = ctx.plan().sources();
        if (source != null && !sources.contains(source)) {
            throw PreflightException.usage("the restore_test section does not restore a source named '" + source + "'",
                    "restored sources: " + String.join(", ", sources));
        }
        if (o.replace() && (ctx.plan().target() == null || ctx.plan().target().endpoint().database() == null)) {
            throw PreflightException.usage("--replace needs the database to replace named in the plan",
                    "add restore_test.target.database (only used with --replace)");
        }
        BackupCatalog catalogue = new BackupCatalog(BackupContext.reading(ctx.backups(), ctx.ledger(), ctx.clock(),
                ctx.stores(), ctx.secrets()));
        List<BackupRecord> all = catalogue.all();
        Phases.mark("catalog");
        beforeTests.run();
        List<RestoreResult> out = new ArrayList<>();
        if (o.backup() != null && !o.backup().equals("latest")) {
            BackupRecord b = catalogue.find(o.backup());
            if (!sources.contains(b.source()) || (source != null && !source.equals(b.source()))) {
                throw PreflightException.usage("backup " + b.shortId() + " is of source '" + b.source()
                        + "', which the restore_test section does not restore" + (source == null ? "" : " as " + source),
                        "restored sources: " + String.join(", ", sources));
            }
            out.add(test(b.source(), b, o));
            return new RestoreRun(out);
        }
        for (String s : source == null ? sources : List.of(source)) {
            BackupRecord newest = all.stream().filter(b -> b.source().equals(s))
                    .max(Comparator.comparingLong(BackupRecord::seq)).orElse(null);
            out.add(test(s, newest, o));
        }
        return new RestoreRun(out);
    }

    private RestoreResult test(String source, BackupRecord b, Options o) {
        if (b == null) {
            return record(new RestoreResult(source, kindOf(source), null, 0, null, null, null, null, 0, 0, List.of(),
                    "no current backup of " + source + " in the ledger: nothing to restore (run 'preflight backup run')",
                    false, null, List.of(), null), null);
        }
        ctx.step(source + ": restore-testing backup " + b.shortId() + " (" + b.file() + ")");
        JsonNode facts = RestoreEvidence.backupFacts(ctx.ledger(), b.id());
        List<Check> checks = new ArrayList<>();
        RestoreArtifact artifact = new RestoreArtifact(ctx);
        RestoreArtifact.Verified v = artifact.verify(b, checks);
        Phases.mark("artifact-verified");
        if (v == null) {
            return record(new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), null, null, null, b.size(), 0,
                    checks, "no copy of " + b.file() + " matches its recorded SHA-256: it was not restored",
                    false, null, List.of(), null), b);
        }
        try {
            RestoreResult r = attempt(source, b, facts, v, checks, o);
            // A streamed copy found not as recorded while it was read (nothing past its last proven
            // step was restored, and that attempt's scratch copy is gone): the next copy, from scratch.
            while (v.streamed() && v.refused() != null) {
                List<Check> refusedToo = new ArrayList<>();
                RestoreArtifact.Verified next = artifact.next(b, v, refusedToo);
                if (next == null) {
                    r = r.withArtifactChecks(refusedToo);
                    break;
                }
                v = next;
                // A scratch copy the refused attempt could not remove is still to be said.
                r = attempt(source, b, facts, v, new ArrayList<>(r.checks().stream().filter(Check::failedCleanup).toList()),
                        o);
            }
            return record(r, b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return record(new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), v.copy().location(), null,
                    null, b.size(), 0, checks, "interrupted", false, null, List.of(), null), b);
        } catch (RuntimeException e) {
            // A bug stays exit 4 (rethrown), but never without the ledger saying this test failed.
            record(new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), v.copy().location(), null,
                    null, b.size(), 0, checks, "internal error: " + Errors.describe(e), false, null, List.of(), null), b);
            throw e;
        } finally {
            v.close();
        }
    }

    /** One restore of {@code b} from copy {@code v}, not yet recorded. */
    private RestoreResult attempt(String source, BackupRecord b, JsonNode facts, RestoreArtifact.Verified v,
                                  List<Check> checks, Options o) throws InterruptedException {
        return switch (b.kind()) {
            case "mysql" -> new MysqlRestore(ctx).run(source, b, facts, v, checks, o);
            case "redis" -> new RedisRestore(ctx).run(source, b, facts, v, checks, o);
            default -> new RestoreResult(source, b.kind(), b.id(), b.seq(), b.file(), v.copy().location(),
                    null, null, b.size(), 0, checks, "backups of type " + b.kind() + " are not restore-tested",
                    false, null, List.of(), null);
        };
    }

    private RestoreResult record(RestoreResult r, BackupRecord b) {
        return RestoreEvidence.record(ctx, r, b);
    }

    private String kindOf(String source) {
        return ctx.plan().redis() != null && ctx.plan().redis().source().equals(source) ? "redis" : "mysql";
    }
}
