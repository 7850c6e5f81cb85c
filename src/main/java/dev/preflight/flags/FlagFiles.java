package dev.preflight.flags;

import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.flags.DotenvFile.DotenvException;
import dev.preflight.flags.FlagValues.JsonProblem;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the environments' dotenv files and checks each against the registry and the ledger's
 * approvals (no source scan): what {@code validate}, {@code list}, {@code diff} and {@code toggle}
 * all start from. The ledger is the only record of who switched what, so a production flag that is
 * on without an approved toggle in it is an error.
 */
public final class FlagFiles {
    /** The rule of a toggle whose intent is on the ledger with no outcome ({@link FlagsEvidence#unfinished}). */
    static final String UNFINISHED = "toggle-unfinished";

    private final FlagsContext ctx;
    private final FlagsPlan plan;

    public FlagFiles(FlagsContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan();
    }

    private String display(Path p) {
        return ctx.display(p);
    }

    private String planDisplay() {
        return ctx.planDisplay();
    }

    /**
     * True when the newest toggle of {@code flag} in this project's production file recorded in the
     * ledger passed, switched it on and names who approved it (toggles of other projects sharing the
     * ledger are not this file's approval: {@link FlagsEvidence.Toggle#of(String, String)}).
     */
    public boolean approvedOn(String flag) {
        FlagsPlan.EnvFile production = plan.files().get(FlagsPlan.PRODUCTION);
        String file = production == null ? "" : display(production.path());
        Optional<FlagsEvidence.Toggle> last = ctx.ledger().query(new LedgerQuery(FlagsEvidence.TOGGLE,
                        FlagsEvidence.subject(flag, FlagsPlan.PRODUCTION), null, 0, true)).stream()
                .filter(e -> e.outcome() == Outcome.PASSED).map(FlagsEvidence.Toggle::of)
                .filter(t -> t.of(ctx.project(), file)).findFirst();
        // A toggle of the flag that stopped before its outcome is not vouched for, whatever came before it.
        boolean unfinished = FlagsEvidence.unfinished(ctx.ledger(), ctx.project(), FlagsPlan.PRODUCTION).stream()
                .anyMatch(u -> flag.equals(u.toggle().flag()));
        return !unfinished && last.isPresent() && last.get().on() && last.get().approvedBy() != null
                && !last.get().approvedBy().isBlank();
    }

    /** Reads one environment's file and checks it against the registry (no source scan). */
    public EnvSnapshot read(String env) {
        FlagsPlan.EnvFile f = plan.files().get(env);
        if (f == null) {
            throw PreflightException.usage("no environment '" + env + "' in feature_flags.files",
                    "environments: " + String.join(", ", plan.files().keySet()));
        }
        return read(f);
    }

    /** Every environment's file, in plan order. */
    public List<EnvSnapshot> readAll() {
        return plan.files().values().stream().map(this::read).toList();
    }

    EnvSnapshot read(FlagsPlan.EnvFile f) {
        String name = display(f.path());
        List<FlagProblem> problems = new ArrayList<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f.path());
        } catch (NoSuchFileException e) {
            problems.add(FlagProblem.error("file-missing", planDisplay(), f.planLine(), 0,
                    "the " + f.environment() + " file " + name + " does not exist"));
            return new EnvSnapshot(f, name, null, null, null, null, problems);
        } catch (IOException e) {
            problems.add(FlagProblem.error("file-unreadable", name, 0, 0, "cannot read: " + Errors.describe(e)));
            return new EnvSnapshot(f, name, null, null, null, null, problems);
        }
        DotenvFile dotenv = DotenvFile.of(name, bytes);
        String sha = Hashing.sha256Hex(bytes);
        for (FlagsEvidence.Unfinished u : FlagsEvidence.unfinished(ctx.ledger(), ctx.project(), f.environment())) {
            problems.add(FlagProblem.error(UNFINISHED, name, 0, 0, u.describe(sha)));
        }
        DotenvFile.Entry entry;
        try {
            entry = dotenv.find(plan.envKey());
        } catch (DotenvException e) {
            problems.add(FlagProblem.error("dotenv-syntax", name, e.line(), e.column(), e.getMessage()));
            return new EnvSnapshot(f, name, dotenv, null, null, sha, problems);
        }
        if (entry == null) {
            problems.add(FlagProblem.error("key-missing", name, 0, 0, "no " + plan.envKey() + " line; add "
                    + plan.envKey() + "='" + Json.canonical(allOff()) + "'"));
            return new EnvSnapshot(f, name, dotenv, null, null, sha, problems);
        }
        FlagValues values;
        try {
            values = FlagValues.parse(entry.value());
        } catch (JsonProblem e) {
            problems.add(FlagProblem.error("json", name, entry.line(), entry.column(e.offset()),
                    plan.envKey() + ": " + e.getMessage()));
            return new EnvSnapshot(f, name, dotenv, entry, null, sha, problems);
        }
        String env = f.environment();
        for (FlagValues.Field field : values.fields().values()) {
            int col = entry.column(field.keyOffset());
            Optional<FlagsPlan.Flag> reg = plan.flag(field.name());
            if (reg.isEmpty()) {
                problems.add(FlagProblem.error("unknown-flag", name, entry.line(), col, "flag '" + field.name()
                        + "' is not registered in " + planDisplay() + " (register it or remove it)"));
            }
            if (field.value() == null) {
                problems.add(FlagProblem.error("not-boolean", name, entry.line(), entry.column(field.valueStart()),
                        "flag '" + field.name() + "' must be true or false, got " + field.found()));
                continue;
            }
            if (field.value() && env.equals(FlagsPlan.EXAMPLE)) {
                problems.add(FlagProblem.error("example-on", name, entry.line(), entry.column(field.valueStart()),
                        "flag '" + field.name() + "' is on in the .env.example template; every flag is listed off"));
            }
            if (field.value() && env.equals(FlagsPlan.PRODUCTION) && reg.isPresent() && !approvedOn(field.name())) {
                problems.add(FlagProblem.error("production-unapproved", name, entry.line(),
                        entry.column(field.valueStart()), "flag '" + field.name() + "' is on in production without an "
                                + "approved toggle in the ledger (use 'preflight flags toggle " + field.name()
                                + " --on --env production --approved-by WHO --reason ...')"));
            }
        }
        for (FlagsPlan.Flag reg : plan.flags()) {
            if (!values.fields().containsKey(reg.name())) {
                problems.add(FlagProblem.error("missing-flag", name, entry.line(), 0, "registered flag '" + reg.name()
                        + "' is missing from " + plan.envKey() + " (add \"" + reg.name() + "\": "
                        + reg.defaultIn(env) + ")"));
            }
        }
        return new EnvSnapshot(f, name, dotenv, entry, values, sha, problems);
    }

    private Map<String, Boolean> allOff() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        plan.flags().forEach(fl -> m.put(fl.name(), false));
        return m;
    }

}
