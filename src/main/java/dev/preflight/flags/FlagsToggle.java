package dev.preflight.flags;

import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.flags.DotenvFile.DotenvException;
import dev.preflight.flags.FlagValues.JsonProblem;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.util.List;

/**
 * {@code flags toggle}: one flag in one environment's file, under the file's lock, with a ledger
 * entry ({@link FlagsEvidence#TOGGLE}) for every attempt, refusals included.
 */
public final class FlagsToggle {
    private final FlagsContext ctx;
    private final FlagsPlan plan;
    private final FlagFiles files;
    private final EnvWriter writer;

    /** A toggle that rewrites files with {@link DotenvIo#write} (temp file, fsync, rename). */
    public FlagsToggle(FlagsContext ctx) {
        this(ctx, DotenvIo::write);
    }

    /** A toggle that rewrites files with {@code writer}. */
    public FlagsToggle(FlagsContext ctx, EnvWriter writer) {
        this.ctx = ctx;
        this.plan = ctx.plan();
        this.files = new FlagFiles(ctx);
        this.writer = writer;
    }

    /**
     * How a toggle replaces a dotenv file's bytes. The product's is {@link DotenvIo#write} (temp file,
     * fsync, rename); it is an interface so the steps around it can be tested with a write that
     * stops the way a killed process does.
     */
    @FunctionalInterface
    public interface EnvWriter {
        /** Replaces {@code file}'s content with {@code content}, atomically. */
        void write(java.nio.file.Path file, byte[] content) throws IOException;
    }

    /** What {@code flags toggle} was asked to do. */
    public record ToggleRequest(String flag, boolean on, String environment, String reason, String approvedBy) {
    }

    /** How a toggle ended; every outcome has its ledger entry. */
    public sealed interface ToggleResult {
        LedgerEntry entry();

        /** Failed when refused (the file fails validation); passed when changed or already so. */
        default Verdict verdict() {
            return this instanceof Refused ? Verdict.FAILED : Verdict.PASSED;
        }

        String file();

        /** The file changed from {@code !on} to {@code on}. */
        record Changed(LedgerEntry entry, String file, boolean on, String shaBefore, String shaAfter)
                implements ToggleResult {
        }

        /** The flag already had the value; the file was not rewritten (the request is still recorded). */
        record Unchanged(LedgerEntry entry, String file, boolean on) implements ToggleResult {
        }

        /** The file failed validation before the change and was left untouched. */
        record Refused(LedgerEntry entry, String file, List<FlagProblem> problems) implements ToggleResult {
            public Refused {
                problems = List.copyOf(problems);
            }
        }
    }

    /**
     * Switches one flag in one environment's file: checks the request, then under the file's lock
     * reads and validates the file, splices the new literal, records the intent, writes atomically
     * and records the outcome. When the outcome cannot be appended the old bytes are put back; a
     * process killed between the intent and the outcome leaves an intent without one, which
     * validation and readiness fail naming the flag, so no change is ever taken as recorded
     * without its evidence.
     *
     * @throws PreflightException exit 2 for a bad request (unknown flag or environment, the template,
     *                            an empty reason, production without {@code --approved-by})
     */
    public ToggleResult run(ToggleRequest q) {
        return toggle(q);
    }

    /** The request with its result: what {@link FlagsReport#TOGGLE} renders. */
    public record Toggled(ToggleRequest request, ToggleResult result) {
        public Verdict verdict() {
            return result.verdict();
        }
    }

    private ToggleResult toggle(ToggleRequest q) {
        FlagsPlan.EnvFile f = plan.files().get(q.environment());
        if (plan.flag(q.flag()).isEmpty()) {
            throw PreflightException.usage("flag '" + q.flag() + "' is not registered",
                    "registered: " + String.join(", ", plan.flags().stream().map(FlagsPlan.Flag::name).toList()));
        }
        if (f == null) {
            throw PreflightException.usage("no environment '" + q.environment() + "' in feature_flags.files",
                    "environments: " + String.join(", ", plan.files().keySet()));
        }
        if (f.environment().equals(FlagsPlan.EXAMPLE)) {
            throw PreflightException.usage("the .env.example template is not toggled: it lists every flag off",
                    "toggle a real environment with --env");
        }
        if (q.reason() == null || q.reason().isBlank()) {
            throw PreflightException.usage("a toggle needs --reason", "say why, e.g. --reason 'QA regression run'");
        }
        String file = ctx.display(f.path());
        boolean production = f.environment().equals(FlagsPlan.PRODUCTION);
        if (production && (q.approvedBy() == null || q.approvedBy().isBlank())) {
            EnvSnapshot now = files.read(f);
            append(q, Outcome.FAILED, "refused: production toggle without --approved-by", file,
                    now.booleans().get(q.flag()), now.sha256(), null, null);
            throw PreflightException.usage("a production toggle needs --approved-by; " + file + " was not changed",
                    "name the CAB approver, e.g. --approved-by 'jane.doe (ACAD-1234)'");
        }
        try {
            return DotenvIo.withLock(f.path(), ctx.lockWait(), ctx.notices(), () -> toggleLocked(q, f, file));
        } catch (DotenvIo.LockTimeoutException e) {
            throw PreflightException.state("cannot toggle in " + file + ": " + e.getMessage(),
                    "wait for the other toggle to finish; if none is running, its process hung: end it");
        } catch (IOException e) {
            throw PreflightException.state("cannot toggle in " + file + ": " + Errors.describe(e),
                    "check that the file and its directory are writable");
        }
    }

    private ToggleResult toggleLocked(ToggleRequest q, FlagsPlan.EnvFile f, String file) throws IOException {
        EnvSnapshot s = files.read(f);
        // The errors a toggle may fix are this very flag's: on in production without approval, or a toggle
        // of it that stopped before its outcome was recorded (re-running it is how that is reconciled).
        List<FlagProblem> blocking = s.problems().stream().filter(FlagProblem::isError)
                .filter(p -> !((p.rule().equals("production-unapproved") || p.rule().equals(FlagFiles.UNFINISHED))
                        && p.message().startsWith("flag '" + q.flag() + "'")))
                .toList();
        if (!blocking.isEmpty()) {
            LedgerEntry e = append(q, Outcome.FAILED, "refused: " + file + " fails validation (" + blocking.size()
                    + " error(s))", file, s.booleans().get(q.flag()), s.sha256(), null, null);
            return new ToggleResult.Refused(e, file, blocking);
        }
        boolean old = s.booleans().get(q.flag());
        if (old == q.on()) {
            LedgerEntry e = append(q, Outcome.PASSED, "already " + onOff(old) + "; file not rewritten", file, old,
                    s.sha256(), s.sha256(), null);
            return new ToggleResult.Unchanged(e, file, old);
        }
        byte[] before = s.dotenv().bytes();
        byte[] after;
        try {
            after = FlagEditor.set(s.dotenv(), plan.envKey(), q.flag(), q.on());
        } catch (DotenvException | JsonProblem e) {
            throw new IllegalStateException("validated file no longer parses: " + e.getMessage(), e);
        }
        String shaAfter = Hashing.sha256Hex(after);
        // The intent goes on the ledger before the file changes, the outcome after: a process killed in
        // between leaves an intent with no outcome, which validation and readiness fail until reconciled,
        // never a changed file the ledger knows nothing of.
        LedgerEntry intent = ctx.ledger().append(NewEntry.of(FlagsEvidence.INTENT,
                FlagsEvidence.subject(q.flag(), q.environment()), Outcome.WARNING, q.flag() + " " + onOff(q.on())
                        + " in " + q.environment() + ": " + onOff(old) + " -> " + onOff(q.on())
                        + " begun (in progress until its flag-toggle outcome)",
                payload(q, file, old, s.sha256(), shaAfter, null)));
        try {
            writer.write(f.path(), after);
        } catch (IOException | RuntimeException ex) {
            concludeFailedWrite(q, f, file, old, s.sha256(), before, intent, ex);
            throw ex;
        }
        return recordOutcome(q, f, file, old, s.sha256(), shaAfter, before, intent);
    }

    /**
     * Records that the rewritten file is the toggle's outcome; when that append fails the old bytes
     * are put back (the intent then stays without an outcome, so the change is still not vouched for).
     */
    private ToggleResult recordOutcome(ToggleRequest q, FlagsPlan.EnvFile f, String file, boolean old, String shaBefore,
                                       String shaAfter, byte[] before, LedgerEntry intent) throws IOException {
        LedgerEntry e;
        try {
            e = append(q, Outcome.PASSED, onOff(old) + " -> " + onOff(q.on()), file, old, shaBefore, shaAfter,
                    intent.seq());
        } catch (RuntimeException ex) {
            writer.write(f.path(), before);
            try {
                append(q, Outcome.FAILED, "the outcome could not be recorded (" + Errors.describe(ex)
                        + "); the file was put back as it was", file, old, shaBefore, shaBefore, intent.seq());
            } catch (RuntimeException again) {
                ex.addSuppressed(again); // the intent stays unfinished: validation names it until reconciled
            }
            throw ex;
        }
        return new ToggleResult.Changed(e, file, q.on(), shaBefore, shaAfter);
    }

    /**
     * The write failed: when the file is provably as it was, the intent's outcome is a failure with
     * nothing changed; otherwise (the file cannot be read, or holds other bytes) no outcome is claimed
     * and the intent stays unfinished, so validation names it.
     */
    private void concludeFailedWrite(ToggleRequest q, FlagsPlan.EnvFile f, String file, boolean old, String shaBefore,
                                     byte[] before, LedgerEntry intent, Exception cause) {
        String now;
        try {
            now = Hashing.sha256Hex(java.nio.file.Files.readAllBytes(f.path()));
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (now.equals(shaBefore) && now.equals(Hashing.sha256Hex(before))) {
            append(q, Outcome.FAILED, "the file could not be rewritten (" + Errors.describe(cause) + "); it was not changed",
                    file, old, shaBefore, shaBefore, intent.seq());
        }
    }

    private LedgerEntry append(ToggleRequest q, Outcome o, String what, String file, Boolean old, String shaBefore,
                               String shaAfter, Long intent) {
        return ctx.ledger().append(NewEntry.of(FlagsEvidence.TOGGLE, FlagsEvidence.subject(q.flag(), q.environment()), o,
                q.flag() + " " + onOff(q.on()) + " in " + q.environment() + ": " + what,
                payload(q, file, old, shaBefore, shaAfter, intent)));
    }

    private FlagsEvidence.Toggle payload(ToggleRequest q, String file, Boolean old, String shaBefore, String shaAfter,
                                         Long intent) {
        return new FlagsEvidence.Toggle(q.flag(), q.environment(), old, q.on(), q.reason(),
                q.approvedBy() == null || q.approvedBy().isBlank() ? null : q.approvedBy(), file, shaBefore, shaAfter,
                ctx.project(), intent);
    }

    static String onOff(Boolean b) {
        return b == null ? "-" : b ? "on" : "off";
    }
}
