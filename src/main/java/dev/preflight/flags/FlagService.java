package dev.preflight.flags;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.flags.DotenvFile.DotenvException;
import dev.preflight.flags.FlagValues.JsonProblem;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The feature-flag capability (runbook §4.1): reads every environment's dotenv file, validates it
 * against the registry, the ledger's approvals and the application source, and toggles one flag
 * in one file under a lock with a ledger entry per attempt. The ledger is the only record of who
 * switched what, so a production flag that is on without an approved toggle in it is an error.
 * Thread-safe when the ledger is.
 */
public final class FlagService {
    /** Ledger kind of a toggle attempt (passed when it landed, failed when refused). */
    public static final String TOGGLE = "flag-toggle";
    /** Ledger kind of a validation run; the risk register's evidence for "feature flag misconfiguration". */
    public static final String VALIDATE = "flags-validate";

    private final String project;
    private final FlagPlan plan;
    private final Ledger ledger;
    private final Clock clock;
    private final Path displayBase;
    private final Duration lockWait;

    /**
     * @param displayBase reports name files relative to this directory (the working directory)
     */
    public FlagService(String project, FlagPlan plan, Ledger ledger, Clock clock, Path displayBase) {
        this(project, plan, ledger, clock, displayBase, Duration.ofSeconds(60));
    }

    /**
     * @param lockWait how long a toggle waits for another one holding the file's lock (then exit 3)
     */
    public FlagService(String project, FlagPlan plan, Ledger ledger, Clock clock, Path displayBase, Duration lockWait) {
        this.project = project;
        this.plan = plan;
        this.ledger = ledger;
        this.clock = clock;
        this.displayBase = displayBase.toAbsolutePath().normalize();
        this.lockWait = lockWait;
    }

    public FlagPlan plan() {
        return plan;
    }

    /** How reports name a path: relative to the working directory when below it. */
    public String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(displayBase) && !abs.equals(displayBase) ? displayBase.relativize(abs).toString()
                : abs.toString();
    }

    private String planDisplay() {
        return display(Path.of(plan.planFile()));
    }

    /** The subject of toggles of {@code flag} in {@code env}: {@code communities@production}. */
    public static String subject(String flag, String env) {
        return flag + "@" + env;
    }

    /**
     * True when the newest toggle of {@code flag} in production recorded in the ledger passed,
     * switched it on and names who approved it.
     */
    public boolean approvedOn(String flag) {
        Optional<LedgerEntry> last = ledger.query(new LedgerQuery(TOGGLE, subject(flag, FlagPlan.PRODUCTION), null,
                        0, true)).stream().filter(e -> e.outcome() == Outcome.PASSED).findFirst();
        if (last.isEmpty()) {
            return false;
        }
        JsonNode p = Json.parse(last.get().payload());
        return p.path("new").asBoolean(false) && !p.path("approved_by").asText("").isBlank();
    }

    /** Reads one environment's file and checks it against the registry (no source scan). */
    public EnvSnapshot read(String env) {
        FlagPlan.EnvFile f = plan.files().get(env);
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

    private EnvSnapshot read(FlagPlan.EnvFile f) {
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
            problems.add(FlagProblem.error("file-unreadable", name, 0, 0, "cannot read: " + dev.preflight.core.Errors.describe(e)));
            return new EnvSnapshot(f, name, null, null, null, null, problems);
        }
        DotenvFile dotenv = DotenvFile.of(name, bytes);
        String sha = Hashing.sha256Hex(bytes);
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
            Optional<FlagPlan.Flag> reg = plan.flag(field.name());
            if (reg.isEmpty()) {
                problems.add(FlagProblem.error("unknown-flag", name, entry.line(), col, "flag '" + field.name()
                        + "' is not registered in " + planDisplay() + " (register it or remove it)"));
            }
            if (field.value() == null) {
                problems.add(FlagProblem.error("not-boolean", name, entry.line(), entry.column(field.valueStart()),
                        "flag '" + field.name() + "' must be true or false, got " + field.found()));
                continue;
            }
            if (field.value() && env.equals(FlagPlan.EXAMPLE)) {
                problems.add(FlagProblem.error("example-on", name, entry.line(), entry.column(field.valueStart()),
                        "flag '" + field.name() + "' is on in the .env.example template; every flag is listed off"));
            }
            if (field.value() && env.equals(FlagPlan.PRODUCTION) && reg.isPresent() && !approvedOn(field.name())) {
                problems.add(FlagProblem.error("production-unapproved", name, entry.line(),
                        entry.column(field.valueStart()), "flag '" + field.name() + "' is on in production without an "
                                + "approved toggle in the ledger (use 'preflight flags toggle " + field.name()
                                + " --on --env production --approved-by WHO --reason ...')"));
            }
        }
        for (FlagPlan.Flag reg : plan.flags()) {
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

    /**
     * Validates every environment's file, the application source (under {@code appDir}, else the
     * plan's {@code app_dir}) and the review dates.
     */
    public FlagReport validate(Path appDir) {
        List<EnvSnapshot> snaps = readAll();
        List<FlagProblem> problems = new ArrayList<>();
        snaps.forEach(s -> problems.addAll(s.problems()));
        Path dir = appDir != null ? appDir : plan.appDir();
        String scanned = null;
        int sourceFiles = 0;
        if (dir == null) {
            problems.add(FlagProblem.warning("source-not-scanned", planDisplay(), 0, 0,
                    "no application source to scan: set feature_flags.app_dir or give --app DIR"));
        } else if (!Files.isDirectory(dir)) {
            problems.add(FlagProblem.error("app-dir-missing", display(dir), 0, 0,
                    "the application directory does not exist; flag use in code cannot be checked"));
        } else {
            scanned = display(dir);
            SourceScanner.Scan scan;
            try {
                scan = SourceScanner.scan(dir);
            } catch (IOException e) {
                throw PreflightException.state("cannot scan " + display(dir) + ": " + dev.preflight.core.Errors.describe(e),
                        "check the permissions of the application directory");
            }
            sourceFiles = scan.files();
            Set<String> used = scan.uses().stream().map(SourceScanner.Use::flag).collect(Collectors.toSet());
            for (SourceScanner.Use u : scan.uses()) {
                if (plan.flag(u.flag()).isEmpty()) {
                    problems.add(FlagProblem.error("code-unregistered", display(u.file()), u.line(), u.column(),
                            "the code reads flag '" + u.flag() + "' (" + u.expression() + ") which is not registered"));
                }
            }
            for (FlagPlan.Flag f : plan.flags()) {
                if (!used.contains(f.name())) {
                    problems.add(FlagProblem.warning("code-unused", planDisplay(), f.planLine(), 0, "registered flag '"
                            + f.name() + "' is not read anywhere under " + display(dir) + " (remove it when retired)"));
                }
            }
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        for (FlagPlan.Flag f : plan.flags()) {
            if (f.reviewBy().isBefore(today)) {
                problems.add(FlagProblem.warning("stale", planDisplay(), f.planLine(), 0, "flag '" + f.name()
                        + "' was due for review on " + f.reviewBy() + " (owner " + f.owner()
                        + "): retire it or move review_by"));
            }
        }
        problems.sort(Comparator.comparing(FlagProblem::file).thenComparingInt(FlagProblem::line)
                .thenComparingInt(FlagProblem::column));
        return new FlagReport(project, snaps, scanned, sourceFiles, plan.flags().size(), problems);
    }

    /** Appends the validation to the ledger (kind {@code flags-validate}) with the JSON report attached. */
    public LedgerEntry record(FlagReport r) {
        Outcome o = r.errors() > 0 ? Outcome.FAILED : r.warnings() > 0 ? Outcome.WARNING : Outcome.PASSED;
        String json = FlagReports.validation(r, Format.JSON, Style.PLAIN);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("errors", r.errors());
        payload.put("warnings", r.warnings());
        payload.put("flags", r.flags());
        payload.put("files", r.environments().stream().collect(Collectors.toMap(EnvSnapshot::environment,
                s -> s.sha256() == null ? "missing" : s.sha256(), (a, b) -> a, LinkedHashMap::new)));
        payload.put("source_files", r.sourceFiles());
        return ledger.append(NewEntry.of(VALIDATE, project, o, FlagReports.summary(r), payload)
                .withAttachments(List.of(new NewEntry.Attachment("flags-validate-" + UUID.randomUUID() + ".json",
                        "application/json", json.getBytes(StandardCharsets.UTF_8)))));
    }

    /** What {@code flags toggle} was asked to do. */
    public record ToggleRequest(String flag, boolean on, String environment, String reason, String approvedBy) {
    }

    /** How a toggle ended; every outcome has its ledger entry. */
    public sealed interface ToggleResult {
        LedgerEntry entry();

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
     * reads and validates the file, splices the new literal, writes atomically and records the
     * toggle. When the ledger append fails the old bytes are put back, so no change is ever left
     * without its evidence.
     *
     * @throws PreflightException exit 2 for a bad request (unknown flag or environment, the template,
     *                            an empty reason, production without {@code --approved-by})
     */
    public ToggleResult toggle(ToggleRequest q) {
        FlagPlan.EnvFile f = plan.files().get(q.environment());
        if (plan.flag(q.flag()).isEmpty()) {
            throw PreflightException.usage("flag '" + q.flag() + "' is not registered",
                    "registered: " + String.join(", ", plan.flags().stream().map(FlagPlan.Flag::name).toList()));
        }
        if (f == null) {
            throw PreflightException.usage("no environment '" + q.environment() + "' in feature_flags.files",
                    "environments: " + String.join(", ", plan.files().keySet()));
        }
        if (f.environment().equals(FlagPlan.EXAMPLE)) {
            throw PreflightException.usage("the .env.example template is not toggled: it lists every flag off",
                    "toggle a real environment with --env");
        }
        if (q.reason() == null || q.reason().isBlank()) {
            throw PreflightException.usage("a toggle needs --reason", "say why, e.g. --reason 'QA regression run'");
        }
        String file = display(f.path());
        boolean production = f.environment().equals(FlagPlan.PRODUCTION);
        if (production && (q.approvedBy() == null || q.approvedBy().isBlank())) {
            EnvSnapshot now = read(f);
            append(q, Outcome.FAILED, "refused: production toggle without --approved-by", file,
                    now.booleans().get(q.flag()), now.sha256(), null);
            throw PreflightException.usage("a production toggle needs --approved-by; " + file + " was not changed",
                    "name the CAB approver, e.g. --approved-by 'jane.doe (ACAD-1234)'");
        }
        try {
            return DotenvIo.withLock(f.path(), lockWait, () -> toggleLocked(q, f, file));
        } catch (DotenvIo.LockTimeoutException e) {
            throw PreflightException.state("cannot toggle in " + file + ": " + e.getMessage(),
                    "wait for the other toggle to finish; if none is running, its process hung: end it");
        } catch (IOException e) {
            throw PreflightException.state("cannot toggle in " + file + ": " + dev.preflight.core.Errors.describe(e),
                    "check that the file and its directory are writable");
        }
    }

    private ToggleResult toggleLocked(ToggleRequest q, FlagPlan.EnvFile f, String file) throws IOException {
        EnvSnapshot s = read(f);
        // The one error a toggle may fix is this very flag being on in production without approval.
        List<FlagProblem> blocking = s.problems().stream().filter(FlagProblem::isError)
                .filter(p -> !(p.rule().equals("production-unapproved") && p.message().startsWith("flag '" + q.flag() + "'")))
                .toList();
        if (!blocking.isEmpty()) {
            LedgerEntry e = append(q, Outcome.FAILED, "refused: " + file + " fails validation (" + blocking.size()
                    + " error(s))", file, s.booleans().get(q.flag()), s.sha256(), null);
            return new ToggleResult.Refused(e, file, blocking);
        }
        boolean old = s.booleans().get(q.flag());
        if (old == q.on()) {
            LedgerEntry e = append(q, Outcome.PASSED, "already " + onOff(old) + "; file not rewritten", file, old,
                    s.sha256(), s.sha256());
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
        DotenvIo.write(f.path(), after);
        LedgerEntry e;
        try {
            e = append(q, Outcome.PASSED, onOff(old) + " -> " + onOff(q.on()), file, old, s.sha256(), shaAfter);
        } catch (RuntimeException ex) {
            DotenvIo.write(f.path(), before);
            throw ex;
        }
        return new ToggleResult.Changed(e, file, q.on(), s.sha256(), shaAfter);
    }

    private LedgerEntry append(ToggleRequest q, Outcome o, String what, String file, Boolean old, String shaBefore,
                               String shaAfter) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("flag", q.flag());
        payload.put("environment", q.environment());
        payload.put("old", old);
        payload.put("new", q.on());
        payload.put("reason", q.reason());
        payload.put("approved_by", q.approvedBy() == null || q.approvedBy().isBlank() ? null : q.approvedBy());
        payload.put("file", file);
        payload.put("sha256_before", shaBefore);
        payload.put("sha256_after", shaAfter);
        return ledger.append(NewEntry.of(TOGGLE, subject(q.flag(), q.environment()), o,
                q.flag() + " " + onOff(q.on()) + " in " + q.environment() + ": " + what, payload));
    }

    static String onOff(Boolean b) {
        return b == null ? "-" : b ? "on" : "off";
    }

    /** Every toggle attempt of {@code flag} in any environment, oldest first. */
    public List<LedgerEntry> history(String flag) {
        return ledger.query(LedgerQuery.kind(TOGGLE)).stream()
                .filter(e -> flag.equals(Json.parse(e.payload()).path("flag").asText(null)))
                .toList();
    }
}
