package dev.preflight.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.ExitCode;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.cutover.CutoverPlan.Colour;
import dev.preflight.cutover.HttpProbe.CheckResult;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessRunner;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the blue/green cutover as a state machine whose every step is recorded in the ledger
 * ({@link CutoverHistory#KIND} entries of the environment): a {@code started} entry before a step
 * does anything and a {@code completed} entry after, so a run killed mid-step is seen, and re-run,
 * by {@code resume}. Every step is idempotent or guarded. Commands that change anything hold the
 * environment's {@link CutoverLock}; with {@code dryRun} they print their actions and touch nothing.
 */
public final class CutoverService {
    /** Fewest consecutive responses from the target colour, each on a new connection, that verify a switch. */
    static final int VERIFY_STREAK = 10;

    private final CutoverPlan cp;
    private final Ledger ledger;
    private final Clock clock;
    private final ProcessRunner runner;
    private final LoadBalancer lb;
    private final HttpProbe http;
    private final PrintWriter out;
    private final Path lockDir;
    private final dev.preflight.core.LockProvider locks;
    private final dev.preflight.core.LockHolder holder;
    private final boolean dryRun;
    private final Sleeper sleeper;

    /** Waits between monitor rounds (tests pass one that does not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** What a step did: its ledger outcome, a one-line summary and details for the payload. */
    record Result(Outcome outcome, String summary, Map<String, Object> details) {
        static Result passed(String s, Map<String, Object> d) {
            return new Result(Outcome.PASSED, s, d);
        }

        static Result failed(String s, Map<String, Object> d) {
            return new Result(Outcome.FAILED, s, d);
        }
    }

    /**
     * @param lockDir directory of the per-environment lock files (when {@code locks} uses files)
     * @param locks   where the environment's lock is held (files, or the PostgreSQL ledger database)
     * @param holder  who runs this (named to a refused second run)
     */
    public CutoverService(CutoverPlan cp, Ledger ledger, Clock clock, ProcessRunner runner, LoadBalancer lb,
                          HttpProbe http, PrintWriter out, Path lockDir, dev.preflight.core.LockProvider locks,
                          dev.preflight.core.LockHolder holder, boolean dryRun, Sleeper sleeper) {
        this.cp = cp;
        this.ledger = ledger;
        this.clock = clock;
        this.runner = runner;
        this.lb = lb;
        this.http = http;
        this.out = out;
        this.lockDir = lockDir;
        this.locks = locks == null ? dev.preflight.core.LockProvider.files() : locks;
        this.holder = holder;
        this.dryRun = dryRun;
        this.sleeper = sleeper;
    }

    public CutoverHistory history() {
        return CutoverHistory.read(ledger, cp.environment());
    }

    private dev.preflight.core.ExclusiveLock lock() {
        return dryRun ? null : CutoverLock.acquire(locks, lockDir, cp.environment(), holder);
    }

    // ----------------------------------------------------------------------------------- commands

    /** Begins a new cutover and runs it forward until {@code until} (at most {@code switched}). */
    public int start(CutoverState until) {
        if (until.ordinal() < CutoverState.GREEN_PREPARED.ordinal() || until.ordinal() > CutoverState.SWITCHED.ordinal()) {
            throw PreflightException.usage("start runs to green-prepared, expanded, promoted or switched, not "
                    + until.label(), "the stable window is 'cutover resume' after the window, contract is 'cutover contract'");
        }
        try (dev.preflight.core.ExclusiveLock ignored = lock()) {
            CutoverHistory h = history();
            if (!h.state().terminal() || h.open() != null) {
                throw PreflightException.state("a cutover of " + cp.environment() + " is already in progress (state "
                        + h.state().label() + ", begun " + h.begun() + ")",
                        "continue it with 'preflight cutover resume', or move traffic back with 'preflight cutover failback'");
            }
            String id = UUID.randomUUID().toString();
            if (dryRun) {
                out.println("[dry-run] would begin cutover of " + cp.environment() + " (to " + until.label() + ")");
                return dryRunSteps(CutoverState.PLANNED, until);
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("cutover", id);
            p.put("phase", "begin");
            p.put("until", until.label());
            p.put("blue", cp.blue().name());
            p.put("green", cp.green().name());
            ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), Outcome.PASSED,
                    "cutover " + id.substring(0, 8) + " begun: " + cp.blue().name() + " -> " + cp.green().name()
                            + " (to " + until.label() + ")", p));
            out.println("cutover of " + cp.environment() + " begun (" + id.substring(0, 8) + "), running to "
                    + until.label());
            return advance(until);
        }
    }

    /** Continues the current cutover from its last completed step up to the target it was started with. */
    public int resume() {
        return resume(null);
    }

    /**
     * Continues the current cutover from its last completed step up to {@code until}, or to the
     * target it was started with when null: a cutover started {@code --until expanded} goes on to
     * promote (and no further) with {@code resume --until promoted}.
     */
    public int resume(CutoverState until) {
        if (until != null && (until.ordinal() < CutoverState.GREEN_PREPARED.ordinal()
                || until.ordinal() > CutoverState.SWITCHED.ordinal())) {
            throw PreflightException.usage("resume runs to green-prepared, expanded, promoted or switched, not "
                    + until.label(), "the stable window is 'cutover monitor', contract is 'cutover contract'");
        }
        try (dev.preflight.core.ExclusiveLock ignored = lock()) {
            CutoverHistory h = history();
            if (h.cutoverId() == null) {
                throw PreflightException.state("no cutover of " + cp.environment() + " was ever started",
                        "start one with 'preflight cutover start'");
            }
            Step next = h.nextStep();
            if (next == Step.FAILBACK) {
                return failbackLocked(h);
            }
            if (next == Step.CONTRACT && h.open() != null) {
                throw PreflightException.state("contract attempt " + h.open().number() + " of " + cp.environment()
                        + " was interrupted; resume does not run the point of no return on its own",
                        "run 'preflight cutover contract --yes': it records the interrupted attempt and runs it again");
            }
            CutoverState target = until == null ? h.target() : until;
            if (h.open() == null && (next == null || h.state().ordinal() >= target.ordinal())) {
                out.println("nothing to resume: " + h.state().of(cp.environment())
                        + (h.state().terminal() ? "" : " (its run was to " + target.label()
                        + (until == null ? "; 'cutover resume --until STATE' goes further" : "") + ")"));
                return ExitCode.OK.code();
            }
            if (dryRun) {
                return dryRunSteps(h.state(), target);
            }
            return advance(target);
        }
    }

    /** Runs the smoke suite against green and, only if it passes, moves the load balancer to green. */
    public int switchTraffic() {
        try (dev.preflight.core.ExclusiveLock ignored = lock()) {
            CutoverHistory h = history();
            if (h.state() == CutoverState.SWITCHED || h.state() == CutoverState.STABLE) {
                out.println("already switched: traffic of " + cp.environment() + " is on green (state "
                        + h.state().label() + ")");
                return ExitCode.OK.code();
            }
            if (h.nextStep() != Step.SWITCH) {
                throw PreflightException.state("cannot switch " + cp.environment() + " in state " + h.state().label(),
                        h.state().terminal() ? "start a cutover first" : "the next step is " + label(h.nextStep())
                                + ": run 'preflight cutover resume'");
            }
            if (dryRun) {
                return dryRunSteps(h.state(), CutoverState.SWITCHED);
            }
            return advance(CutoverState.SWITCHED);
        }
    }

    /** Moves traffic back to blue (from switched or stable only), verifies it and records the elapsed time. */
    public int failback() {
        try (dev.preflight.core.ExclusiveLock ignored = lock()) {
            return failbackLocked(history());
        }
    }

    private int failbackLocked(CutoverHistory h) {
        if (h.state() == CutoverState.CONTRACTED || h.last(Step.CONTRACT) != null) {
            throw PreflightException.state("failback of " + cp.environment() + " is no longer possible: the contract "
                    + "migrations ran (the point of no return)", "roll forward, or restore from backup");
        }
        if (!h.failbackPossible()) {
            throw PreflightException.state("nothing to fail back: " + h.state().of(cp.environment())
                    + (h.state() == CutoverState.FAILED_BACK || h.state() == CutoverState.NONE ? ""
                            : " and traffic is still on blue"),
                    "failback is possible from switched and stable only");
        }
        if (dryRun) {
            printActions(Step.FAILBACK, h.attemptsOf(Step.FAILBACK) + 1);
            return ExitCode.OK.code();
        }
        return runStep(h, Step.FAILBACK) ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
    }

    /**
     * The stable window: monitor rounds every {@code interval} until the window since the switch has
     * passed (or {@code maxRounds} rounds, 0 = no limit); a breach triggers the plan's policy.
     */
    public int monitor(int maxRounds) {
        try (dev.preflight.core.ExclusiveLock ignored = lock()) {
            CutoverHistory h = history();
            if (h.state() == CutoverState.STABLE) {
                out.println("already stable: the window of " + cp.environment() + " passed without a breach");
                return ExitCode.OK.code();
            }
            if (h.state() != CutoverState.SWITCHED) {
                throw PreflightException.state("cannot monitor " + cp.environment() + " in state " + h.state().label(),
                        "the stable window starts when traffic is switched to green");
            }
            if (dryRun) {
                printActions(Step.STABLE, h.attemptsOf(Step.STABLE) + 1);
                return ExitCode.OK.code();
            }
            int rounds = 0;
            while (true) {
                Instant end = h.switchedAt().plus(cp.stable().window());
                boolean windowOver = !clock.instant().isBefore(end);
                List<String> breaches = round(h);
                rounds++;
                if (!breaches.isEmpty()) {
                    return breach(h, breaches);
                }
                if (windowOver) {
                    return concludeStable(history()) ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
                }
                if (maxRounds > 0 && rounds >= maxRounds) {
                    out.println("stable window of " + cp.environment() + " ends at " + end + " (" + human(
                            Duration.between(clock.instant(), end)) + " from now); no breach in " + rounds + " round(s)");
                    return ExitCode.OK.code();
                }
                // A wait of minutes is not a silent one: say what the next round is for and when.
                out.println("round " + rounds + ": no breach; next round in " + human(cp.stable().interval())
                        + ", the stable window of " + cp.environment() + " ends at " + end);
                out.flush();
                try {
                    sleeper.sleep(cp.stable().interval());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCode.UNEXPECTED_STATE.code();
                }
                h = history();
            }
        }
    }

    /**
     * The contract migrations, refused until the stable window has passed with no breach and no
     * failback, and without a passed backup younger than {@code backup_max_age}. Needs
     * {@code confirmed}: it is the point of no return.
     */
    public int contract(boolean confirmed) {
        try (dev.preflight.core.ExclusiveLock ignored = lock()) {
            CutoverHistory h = history();
            if (h.state() == CutoverState.CONTRACTED) {
                out.println("already contracted: the cutover of " + cp.environment() + " is complete");
                return ExitCode.OK.code();
            }
            if (cp.contract() == null) {
                throw PreflightException.usage("the plan configures no contract step", "add 'cutover.contract.command'");
            }
            if (h.failedBack() || h.state() == CutoverState.FAILED_BACK) {
                return refuse(h, "a failback happened in this cutover: contract is refused", ExitCode.UNEXPECTED_STATE);
            }
            if (h.state() != CutoverState.SWITCHED && h.state() != CutoverState.STABLE) {
                throw PreflightException.state("cannot contract " + cp.environment() + " in state " + h.state().label(),
                        "contract comes after the switch and the stable window");
            }
            if (h.breached()) {
                return refuse(h, "the stable window had a breach: " + h.rounds().stream().filter(CutoverHistory.Round::breach)
                        .map(CutoverHistory.Round::summary).findFirst().orElse(""), ExitCode.CHECKS_FAILED);
            }
            Instant end = h.switchedAt().plus(cp.stable().window());
            if (clock.instant().isBefore(end)) {
                return refuse(h, "the stable window of " + human(cp.stable().window()) + " has not passed: it ends at "
                        + end + " (" + human(Duration.between(clock.instant(), end)) + " from now)", ExitCode.CHECKS_FAILED);
            }
            String backup = backupProblem();
            if (backup != null) {
                return refuse(h, backup, ExitCode.CHECKS_FAILED);
            }
            out.println("WARNING: contract is the point of no return: after it, failback to " + cp.blue().name()
                    + " is no longer possible");
            if (dryRun) {
                printActions(Step.CONTRACT, h.attemptsOf(Step.CONTRACT) + 1);
                return ExitCode.OK.code();
            }
            if (!confirmed) {
                throw PreflightException.usage("contract needs confirmation: nothing was run",
                        "rerun with --yes once you accept that failback will no longer be possible");
            }
            if (h.state() == CutoverState.SWITCHED) {
                List<String> breaches = round(h);
                if (!breaches.isEmpty()) {
                    return breach(h, breaches);
                }
                if (!concludeStable(history())) {
                    return ExitCode.CHECKS_FAILED.code();
                }
            }
            return runStep(history(), Step.CONTRACT) ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
        }
    }

    private int refuse(CutoverHistory h, String why, ExitCode code) {
        out.println("REFUSED: contract of " + cp.environment() + ": " + why);
        if (!dryRun) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("cutover", h.cutoverId());
            p.put("phase", "refused");
            p.put("step", Step.CONTRACT.label());
            p.put("reason", why);
            ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), Outcome.FAILED, "contract refused: " + why, p));
        }
        return code.code();
    }

    /** Why contract may not run for lack of a backup, or null when a fresh passed backup is on record. */
    String backupProblem() {
        Instant now = clock.instant();
        LedgerEntry newest = null;
        for (LedgerEntry e : ledger.query(new LedgerQuery("backup", null, null, 0, true))) {
            if (e.outcome() == Outcome.PASSED) {
                newest = e;
                break;
            }
        }
        if (newest == null) {
            return "no backup is on record: the ledger has no 'backup' entry with outcome passed (contract needs one younger than "
                    + human(cp.backupMaxAge()) + ")";
        }
        Duration age = Duration.between(newest.time(), now);
        if (age.compareTo(cp.backupMaxAge()) > 0) {
            return "the newest passed backup (#" + newest.seq() + ", " + newest.subject() + ", " + newest.time() + ") is "
                    + human(age) + " old, older than backup_max_age " + human(cp.backupMaxAge());
        }
        return null;
    }

    // ------------------------------------------------------------------------------ step running

    private int advance(CutoverState until) {
        while (true) {
            CutoverHistory h = history();
            Step next = h.nextStep();
            if (next == null || next == Step.STABLE || next == Step.CONTRACT || next == Step.FAILBACK
                    || (h.open() == null && h.state().ordinal() >= until.ordinal())) {
                out.println("cutover of " + cp.environment() + " is " + h.state().label());
                return ExitCode.OK.code();
            }
            if (!runStep(h, next)) {
                out.println("cutover of " + cp.environment() + " stopped in state " + history().state().label()
                        + ": fix the cause, then 'preflight cutover resume' runs " + next.label() + " again");
                return ExitCode.CHECKS_FAILED.code();
            }
        }
    }

    private int dryRunSteps(CutoverState from, CutoverState until) {
        CutoverState s = from;
        while (s.next() != null && s.ordinal() < until.ordinal() && s.next() != Step.STABLE) {
            printActions(s.next(), 1);
            s = s.next().reaches();
        }
        out.println("[dry-run] nothing was changed and nothing was recorded");
        return ExitCode.OK.code();
    }

    private void printActions(Step step, int attempt) {
        out.println("[dry-run] " + step.label() + " (attempt " + attempt + "):");
        actions(step).forEach(a -> out.println("[dry-run]   " + a));
    }

    /**
     * Runs one attempt of a step: records {@code started}, does the work, records {@code completed}
     * with outcome and elapsed time. An attempt left open by a dead process is first recorded as
     * {@code interrupted}, so both attempts show in the ledger.
     */
    boolean runStep(CutoverHistory h, Step step) {
        if (h.open() != null) {
            CutoverHistory.Attempt o = h.open();
            Map<String, Object> p = payload(h, o.step(), o.number(), "interrupted");
            ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), Outcome.ERROR, o.step().label()
                    + " attempt " + o.number() + " started at " + o.started() + " and never completed (the tool stopped)", p));
            out.println(o.step().label() + ": attempt " + o.number() + " was interrupted; running it again");
        }
        int n = h.attemptsOf(step) + 1;
        Map<String, Object> started = payload(h, step, n, "started");
        if (step == Step.EXPAND) {
            started.putAll(expandBefore(h));
        }
        ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), Outcome.WARNING,
                step.label() + " attempt " + n + " started (in progress until its completed entry)", started));
        out.println(step.label() + ": attempt " + n + " ...");
        out.flush();
        long t0 = System.nanoTime();
        Result r;
        try {
            r = execute(step, h, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new Result(Outcome.ERROR, "interrupted", Map.of());
        } catch (Exception e) {
            r = new Result(Outcome.ERROR, dev.preflight.core.Errors.describe(e), Map.of());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> p = payload(h, step, n, "completed");
        p.put("outcome", r.outcome().label());
        p.put("elapsed_ms", ms);
        p.putAll(r.details());
        ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), r.outcome(), step.label() + " attempt " + n
                + ": " + r.summary(), p));
        if (step == Step.FAILBACK && r.details().containsKey("within_bound")) {
            ledger.append(NewEntry.of("failback-drill", cp.environment(),
                    Boolean.TRUE.equals(r.details().get("within_bound")) ? Outcome.PASSED : Outcome.FAILED,
                    "failback in " + ms + " ms (bound " + human(cp.failbackBound()) + ")", p));
        }
        out.println(step.label() + ": " + r.outcome().label().toUpperCase(java.util.Locale.ROOT) + " - " + r.summary()
                + " (" + ms + " ms)");
        out.flush();
        return r.outcome().isGood();
    }

    private Map<String, Object> payload(CutoverHistory h, Step step, int attempt, String phase) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutover", h.cutoverId());
        p.put("step", step.label());
        p.put("attempt", attempt);
        p.put("phase", phase);
        return p;
    }

    private Result execute(Step step, CutoverHistory h, Map<String, Object> started) throws Exception {
        return switch (step) {
            case PREPARE -> prepare();
            case EXPAND -> expand(started);
            case PROMOTE -> promote();
            case SWITCH -> switchStep();
            case FAILBACK -> failbackStep();
            case CONTRACT -> contractStep();
            case STABLE -> throw new IllegalStateException("stable is concluded by monitor rounds");
        };
    }

    private Result checks(String what, List<CutoverPlan.HttpCheck> checks) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (CutoverPlan.HttpCheck c : checks) {
            CheckResult r = http.check(c);
            rows.add(Map.of("name", r.name(), "url", r.url(), "passed", r.passed(), "detail", r.detail()));
            if (!r.passed()) {
                failed.add(r.name() + ": " + r.detail());
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("checks", rows);
        return failed.isEmpty() ? Result.passed(checks.size() + " " + what + " check(s) passed", d)
                : Result.failed(failed.size() + " of " + checks.size() + " " + what + " check(s) failed: "
                        + String.join("; ", failed), d);
    }

    private CutoverPlan.HttpCheck health(CutoverPlan.Side s) {
        return new CutoverPlan.HttpCheck(s.name() + " health", s.healthUrl(), 200, Duration.ofSeconds(5), null);
    }

    private Result prepare() throws Exception {
        List<CutoverPlan.HttpCheck> all = new ArrayList<>(List.of(health(cp.green())));
        all.addAll(cp.prepare().checks());
        Result r = checks("green health", all);
        if (!r.outcome().isGood() || cp.prepare().workersCommand().isEmpty()) {
            return r;
        }
        ProcessResult w = runner.run(ProcessSpec.of(cp.prepare().workersCommand()).withTimeout(Duration.ofMinutes(2)));
        if (!w.ok()) {
            return Result.failed("workers check " + String.join(" ", cp.prepare().workersCommand()) + " failed (exit "
                    + w.exitCode() + "): " + w.stderr().strip().lines().findFirst().orElse(""), r.details());
        }
        return Result.passed(r.summary() + "; workers check passed", r.details());
    }

    /** The migrations snapshot before the first expand attempt (kept in its started entry, so a re-run diffs against it). */
    private Map<String, Object> expandBefore(CutoverHistory h) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (cp.expand() == null || cp.replica() == null) {
            return m;
        }
        for (CutoverHistory.Attempt a : h.attempts()) {
            if (a.step() == Step.EXPAND && a.details().has("before")) {
                m.put("before", a.details().get("before"));
                return m;
            }
        }
        try (Connection c = Migrations.connect(cp.replica())) {
            m.put("before", Migrations.snapshot(c, cp.expand().table()));
        } catch (SQLException e) {
            m.put("before_error", dev.preflight.core.Errors.describe(e));
        }
        return m;
    }

    private Result expand(Map<String, Object> started) throws Exception {
        CutoverPlan.Expand ex = cp.expand();
        if (ex == null) {
            return new Result(Outcome.WARNING, "skipped: the plan configures no expand step", Map.of());
        }
        if (started.containsKey("before_error")) {
            return Result.failed("cannot read " + ex.table() + " on " + cp.replica().describe() + ": "
                    + started.get("before_error"), Map.of());
        }
        List<Migrations.Row> before = rows(started.get("before"));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("before_count", before.size());
        if (ex.migrationsDir() != null) {
            List<String> pending = Migrations.pending(ex.migrationsDir(), before);
            d.put("pending", pending);
            List<String> bad = Migrations.contractLike(pending, ex.contractPattern());
            if (!bad.isEmpty()) {
                return Result.failed("refused before running anything: pending migration(s) match the contract pattern "
                        + ex.contractPattern() + ": " + String.join(", ", bad) + " (they belong to the contract step)", d);
            }
        }
        ProcessSpec spec = ProcessSpec.of(ex.command()).withTimeout(Duration.ofMinutes(30));
        if (ex.dir() != null) {
            spec = spec.withWorkDir(ex.dir().toString());
        }
        ProcessResult pr = runner.run(spec);
        d.put("command_exit", pr.exitCode());
        List<Migrations.Row> after;
        try (Connection c = Migrations.connect(cp.replica())) {
            after = Migrations.snapshot(c, ex.table());
        }
        List<Migrations.Row> added = Migrations.added(before, after);
        d.put("after_count", after.size());
        d.put("new", added);
        List<String> names = added.stream().map(Migrations.Row::migration).toList();
        if (!pr.ok()) {
            return Result.failed(String.join(" ", ex.command()) + " failed (exit " + pr.exitCode() + "): "
                    + pr.stderr().strip().lines().reduce((a, b) -> b).orElse("") + "; new rows so far: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)), d);
        }
        List<String> bad = Migrations.contractLike(names, ex.contractPattern());
        if (!bad.isEmpty()) {
            return Result.failed("contract migration(s) ran in the expand step: " + String.join(", ", bad), d);
        }
        return Result.passed(added.size() + " new migration(s)" + (names.isEmpty() ? "" : ": " + String.join(", ", names)), d);
    }

    private static List<Migrations.Row> rows(Object json) {
        List<Migrations.Row> out = new ArrayList<>();
        JsonNode n = json instanceof JsonNode j ? j : Json.mapper().valueToTree(json);
        if (n != null) {
            n.forEach(r -> out.add(new Migrations.Row(r.path("id").asLong(), r.path("migration").asText(),
                    r.path("batch").asInt())));
        }
        return out;
    }

    private Result promote() throws SQLException {
        CutoverPlan.Promote pm = cp.promote();
        if (pm == null) {
            return new Result(Outcome.WARNING, "skipped: the plan configures no promote step", Map.of());
        }
        Map<String, Object> d = new LinkedHashMap<>();
        try (Connection c = Migrations.connect(cp.replica()); Statement s = c.createStatement()) {
            Long lag;
            try (ResultSet rs = s.executeQuery(pm.lagQuery())) {
                if (!rs.next()) {
                    return Result.failed("'" + pm.lagQuery() + "' returned no rows: " + cp.replica().describe()
                            + " is not a replica, so its lag cannot be checked", d);
                }
                ResultSetMetaData md = rs.getMetaData();
                int col = 1;
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnLabel(i);
                    if (name.equalsIgnoreCase("Seconds_Behind_Master") || name.equalsIgnoreCase("Seconds_Behind_Source")) {
                        col = i;
                    }
                }
                String v = rs.getString(col);
                lag = v == null ? null : Long.valueOf(v.strip());
            }
            d.put("lag_seconds", lag);
            if (lag == null) {
                return Result.failed("replication is not running (lag is NULL): promotion refused", d);
            }
            if (lag > pm.maxLag()) {
                return Result.failed("replica lag " + lag + " s is over max_lag " + pm.maxLag() + " s: promotion refused", d);
            }
            for (String sql : pm.sql()) {
                s.execute(sql);
            }
            String got;
            try (ResultSet rs = s.executeQuery(pm.verifyQuery())) {
                got = rs.next() ? rs.getString(1) : null;
            }
            d.put("verify", got);
            if (got == null || !got.strip().equals(pm.verifyExpect())) {
                return Result.failed("'" + pm.verifyQuery() + "' gave " + got + ", expected " + pm.verifyExpect(), d);
            }
            return Result.passed("lag " + lag + " s; ran " + pm.sql().size() + " statement(s); '" + pm.verifyQuery()
                    + "' = " + got, d);
        }
    }

    private Result switchStep() throws Exception {
        List<CutoverPlan.HttpCheck> smoke = new ArrayList<>(List.of(health(cp.green())));
        smoke.addAll(cp.smoke());
        Result s = checks("smoke", smoke);
        if (!s.outcome().isGood()) {
            return Result.failed("smoke suite failed against green; the load balancer was not touched: " + s.summary(),
                    s.details());
        }
        return moveTraffic(Colour.GREEN, s);
    }

    private Result moveTraffic(Colour to, Result before) throws Exception {
        Map<String, Object> d = new LinkedHashMap<>(before.details());
        try {
            lb.switchTo(to);
        } catch (LoadBalancer.LoadBalancerException e) {
            return Result.failed(e.getMessage(), d);
        }
        String served = verifyServing(to);
        if (served != null) {
            return Result.failed(served, d);
        }
        d.put("load_balancer", lb.describe());
        return Result.passed(before.summary() + "; " + lb.describe() + " routes to " + to.label()
                + (cp.loadBalancer().verifyUrl() == null ? "" : "; only " + to.label() + " answered "
                        + cp.loadBalancer().verifyUrl() + " for " + human(cp.loadBalancer().verifySettle())), d);
    }

    /**
     * Null when {@code verify_url} (if configured) answers only with {@code to}'s marker, on new
     * connections, at least {@value #VERIFY_STREAK} times and for at least {@code verify_settle}.
     * A streak alone is not enough: nginx keeps the old workers accepting for about 100 ms after
     * the new ones start, and the kernel tends to hand an idle server's connections to the newest
     * workers, so a quick streak can pass while the old colour still takes connections under load.
     */
    private String verifyServing(Colour to) throws InterruptedException {
        String url = cp.loadBalancer().verifyUrl();
        if (url == null) {
            return null;
        }
        String marker = cp.side(to).marker();
        long settle = cp.loadBalancer().verifySettle().toNanos();
        long deadline = System.nanoTime() + cp.loadBalancer().verifyTimeout().toNanos();
        int streak = 0;
        long since = 0;
        HttpProbe.Sample last = null;
        while (System.nanoTime() < deadline) {
            long t = System.nanoTime();
            last = http.getFresh(url, Duration.ofSeconds(5));
            if (last.responded() && last.status() < 500 && last.text().contains(marker)) {
                if (streak++ == 0) {
                    since = t;
                }
                if (streak >= VERIFY_STREAK && System.nanoTime() - since >= settle) {
                    return null;
                }
            } else {
                streak = 0;
            }
            Thread.sleep(10);
        }
        return url + " did not serve only " + to.label() + " ('" + marker + "') for " + human(cp.loadBalancer().verifySettle())
                + " within " + human(cp.loadBalancer().verifyTimeout()) + "; last: "
                + (last == null ? "none" : last.responded() ? "HTTP " + last.status() : last.error());
    }

    private Result failbackStep() throws Exception {
        long t0 = System.nanoTime();
        Result r = moveTraffic(Colour.BLUE, Result.passed("traffic moved to blue", Map.of()));
        if (!r.outcome().isGood()) {
            return r;
        }
        Result blue = checks("blue health", List.of(health(cp.blue())));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> d = new LinkedHashMap<>(r.details());
        d.putAll(blue.details());
        d.put("failback_ms", ms);
        d.put("bound_ms", cp.failbackBound().toMillis());
        boolean within = ms <= cp.failbackBound().toMillis();
        d.put("within_bound", within);
        if (!blue.outcome().isGood()) {
            return Result.failed("traffic is on blue but blue is not healthy: " + blue.summary(), d);
        }
        String s = r.summary() + "; blue healthy; failback took " + ms + " ms (bound " + human(cp.failbackBound()) + ")";
        return within ? Result.passed(s, d) : new Result(Outcome.WARNING, s + ": OVER THE BOUND", d);
    }

    private Result contractStep() throws Exception {
        CutoverPlan.Contract c = cp.contract();
        List<Migrations.Row> before = null;
        if (cp.replica() != null && cp.expand() != null) {
            try (Connection con = Migrations.connect(cp.replica())) {
                before = Migrations.snapshot(con, cp.expand().table());
            }
        }
        ProcessSpec spec = ProcessSpec.of(c.command()).withTimeout(Duration.ofMinutes(30));
        if (c.dir() != null) {
            spec = spec.withWorkDir(c.dir().toString());
        }
        ProcessResult pr = runner.run(spec);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("command_exit", pr.exitCode());
        String added = "";
        if (before != null) {
            try (Connection con = Migrations.connect(cp.replica())) {
                List<Migrations.Row> nw = Migrations.added(before, Migrations.snapshot(con, cp.expand().table()));
                d.put("new", nw);
                added = "; " + nw.size() + " new migration(s)" + (nw.isEmpty() ? "" : ": "
                        + String.join(", ", nw.stream().map(Migrations.Row::migration).toList()));
            }
        }
        if (!pr.ok()) {
            return Result.failed(String.join(" ", c.command()) + " failed (exit " + pr.exitCode() + ")" + added, d);
        }
        return Result.passed(String.join(" ", c.command()) + " ran" + added, d);
    }

    // ------------------------------------------------------------------------------- stable window

    /** One monitor round; records it and returns the breaches (empty when none). */
    private List<String> round(CutoverHistory h) {
        List<CutoverPlan.MonitorCheck> checks = cp.stable().checks().isEmpty()
                ? List.of(new CutoverPlan.MonitorCheck(cp.green().name() + " health", cp.green().healthUrl(), 1, 0.0,
                        Duration.ofSeconds(5)))
                : cp.stable().checks();
        List<String> breaches = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CutoverPlan.MonitorCheck c : checks) {
            int errors = 0;
            List<Long> lat = new ArrayList<>();
            for (int i = 0; i < c.samples(); i++) {
                HttpProbe.Sample s = http.get(c.url(), c.maxLatency().plusSeconds(5));
                if (!s.responded() || s.status() >= 400) {
                    errors++;
                } else {
                    lat.add(s.latencyMs());
                }
            }
            double rate = (double) errors / c.samples();
            lat.sort(Long::compare);
            long p95 = lat.isEmpty() ? 0 : lat.get(Math.min(lat.size() - 1, (int) Math.ceil(lat.size() * 0.95) - 1));
            rows.add(Map.of("name", c.name(), "error_rate", rate, "p95_ms", p95, "samples", c.samples()));
            if (rate > c.maxErrorRate()) {
                breaches.add(c.name() + ": error rate " + pct(rate) + " over " + pct(c.maxErrorRate()));
            } else if (p95 > c.maxLatency().toMillis()) {
                breaches.add(c.name() + ": p95 latency " + p95 + " ms over " + c.maxLatency().toMillis() + " ms");
            }
        }
        for (List<String> argv : cp.stable().commands()) {
            String cmd = String.join(" ", argv);
            try {
                ProcessResult pr = runner.run(ProcessSpec.of(argv).withTimeout(Duration.ofMinutes(2)));
                rows.add(Map.of("command", cmd, "exit", pr.exitCode()));
                if (!pr.ok()) {
                    breaches.add(cmd + ": exit " + pr.exitCode() + (pr.stderr().isBlank() ? ""
                            : " (" + pr.stderr().strip().lines().findFirst().orElse("") + ")"));
                }
            } catch (java.io.IOException e) {
                breaches.add(cmd + ": " + dev.preflight.core.Errors.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                breaches.add(cmd + ": interrupted");
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutover", h.cutoverId());
        p.put("phase", "round");
        p.put("step", Step.STABLE.label());
        p.put("breach", !breaches.isEmpty());
        p.put("checks", rows);
        int n = checks.size() + cp.stable().commands().size();
        String summary = breaches.isEmpty() ? "monitor round: " + n + " check(s) within limits"
                : "monitor round: BREACH " + String.join("; ", breaches);
        ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), breaches.isEmpty() ? Outcome.PASSED
                : Outcome.FAILED, summary, p));
        out.println(summary);
        out.flush();
        return breaches;
    }

    private int breach(CutoverHistory h, List<String> breaches) {
        recordStable(h, Outcome.FAILED, "breach in the stable window: " + String.join("; ", breaches));
        if (cp.stable().failbackOnBreach()) {
            out.println("ALERT: breach in the stable window of " + cp.environment() + "; policy failback: moving traffic to blue");
            runStep(history(), Step.FAILBACK);
        } else {
            out.println("ALERT: breach in the stable window of " + cp.environment() + " (policy alert: traffic stays on green;"
                    + " contract is now refused; 'preflight cutover failback' moves it back)");
        }
        return ExitCode.CHECKS_FAILED.code();
    }

    private boolean concludeStable(CutoverHistory h) {
        if (h.breached()) {
            out.println("the stable window had a breach; not stable");
            return false;
        }
        recordStable(h, Outcome.PASSED, "stable window of " + human(cp.stable().window()) + " since the switch at "
                + h.switchedAt() + " passed with no breach in " + h.rounds().size() + " monitor round(s)");
        return true;
    }

    private void recordStable(CutoverHistory h, Outcome o, String summary) {
        int n = h.attemptsOf(Step.STABLE) + 1;
        ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), Outcome.WARNING, "stable attempt " + n
                + " started (concluding the window)", payload(h, Step.STABLE, n, "started")));
        Map<String, Object> p = payload(h, Step.STABLE, n, "completed");
        p.put("outcome", o.label());
        p.put("elapsed_ms", Duration.between(h.switchedAt(), clock.instant()).toMillis());
        p.put("rounds", h.rounds().size());
        ledger.append(NewEntry.of(CutoverHistory.KIND, cp.environment(), o, "stable attempt " + n + ": " + summary, p));
        out.println("stable: " + o.label().toUpperCase(java.util.Locale.ROOT) + " - " + summary);
    }

    // ------------------------------------------------------------------------------------ actions

    /** What a step does, one line per action, for {@code cutover plan} and {@code --dry-run}. */
    public List<String> actions(Step step) {
        List<String> a = new ArrayList<>();
        switch (step) {
            case PREPARE -> {
                a.add(get(health(cp.green())));
                cp.prepare().checks().forEach(c -> a.add(get(c)));
                if (!cp.prepare().workersCommand().isEmpty()) {
                    a.add("run " + String.join(" ", cp.prepare().workersCommand()) + " (workers up: exit 0)");
                }
            }
            case EXPAND -> {
                if (cp.expand() == null) {
                    a.add("nothing configured (recorded as skipped)");
                    break;
                }
                String t = cp.expand().table() + " (id, migration, batch) on " + cp.replica().describe();
                a.add("snapshot " + t);
                if (cp.expand().migrationsDir() != null) {
                    a.add("list pending migrations in " + cp.expand().migrationsDir() + "; refuse any matching "
                            + cp.expand().contractPattern());
                }
                a.add("run " + String.join(" ", cp.expand().command())
                        + (cp.expand().dir() == null ? "" : " in " + cp.expand().dir()));
                a.add("snapshot " + t + " again; record the new rows; fail if one matches " + cp.expand().contractPattern());
            }
            case PROMOTE -> {
                if (cp.promote() == null) {
                    a.add("nothing configured (recorded as skipped)");
                    break;
                }
                a.add("on " + cp.replica().describe() + ": " + cp.promote().lagQuery() + " -> lag <= " + cp.promote().maxLag() + " s");
                cp.promote().sql().forEach(s -> a.add("on " + cp.replica().describe() + ": " + s));
                a.add("verify " + cp.promote().verifyQuery() + " = " + cp.promote().verifyExpect());
            }
            case SWITCH -> {
                a.add("smoke suite against green first: " + get(health(cp.green())));
                cp.smoke().forEach(c -> a.add("smoke: " + get(c)));
                a.add("only if every smoke check passed:");
                lb.actions(Colour.GREEN).forEach(x -> a.add("  " + x));
                verifyAction(Colour.GREEN).ifPresent(a::add);
            }
            case STABLE -> {
                a.add("every " + human(cp.stable().interval()) + " until " + human(cp.stable().window()) + " after the switch:");
                if (cp.stable().checks().isEmpty()) {
                    a.add("  GET " + cp.green().healthUrl() + " (no monitor checks configured: green's health URL)");
                }
                cp.stable().checks().forEach(c -> a.add("  " + c.samples() + " x GET " + c.url() + ": error rate <= "
                        + pct(c.maxErrorRate()) + ", p95 latency <= " + c.maxLatency().toMillis() + " ms"));
                cp.stable().commands().forEach(c -> a.add("  run " + String.join(" ", c) + " (non-zero exit: breach)"));
                a.add("on a breach: " + (cp.stable().failbackOnBreach() ? "fail back to blue automatically"
                        : "alert; contract is then refused"));
            }
            case CONTRACT -> {
                a.add("WARNING: the point of no return (failback impossible afterwards); needs --yes");
                a.add("refuse unless the stable window (" + human(cp.stable().window()) + ") passed with no breach and no failback");
                a.add("refuse unless a passed backup younger than " + human(cp.backupMaxAge()) + " is in the ledger");
                a.add(cp.contract() == null ? "nothing configured (cutover.contract.command)"
                        : "run " + String.join(" ", cp.contract().command())
                                + (cp.contract().dir() == null ? "" : " in " + cp.contract().dir()));
            }
            case FAILBACK -> {
                lb.actions(Colour.BLUE).forEach(a::add);
                verifyAction(Colour.BLUE).ifPresent(a::add);
                a.add(get(health(cp.blue())));
                a.add("record the elapsed time against failback_bound " + human(cp.failbackBound()));
            }
            default -> {
            }
        }
        return a;
    }

    private java.util.Optional<String> verifyAction(Colour c) {
        return cp.loadBalancer().verifyUrl() == null ? java.util.Optional.of("(no verify_url: not verified through the load balancer)")
                : java.util.Optional.of("GET " + cp.loadBalancer().verifyUrl() + " on new connections until only '"
                        + cp.side(c).marker() + "' answers for " + human(cp.loadBalancer().verifySettle()) + " (at least "
                        + VERIFY_STREAK + " responses; within " + human(cp.loadBalancer().verifyTimeout()) + ")");
    }

    private static String get(CutoverPlan.HttpCheck c) {
        return "GET " + c.url() + " -> " + c.status() + " within " + c.maxLatency().toMillis() + " ms"
                + (c.contains() == null ? "" : ", containing '" + c.contains() + "'");
    }

    private static String pct(double d) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", d * 100);
    }

    private static String label(Step s) {
        return s == null ? "none" : s.label();
    }

    /** {@code 24h}, {@code 5m}, {@code 1h 30m}, {@code 12s}. */
    public static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        if (s >= 86400 && s % 86400 == 0 && s / 86400 > 1) {
            return (s / 3600) + "h";
        }
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(sb.length() > 0 ? " " : "").append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0) {
            sb.append(sb.length() > 0 ? " " : "").append(s).append('s');
        }
        return sb.toString();
    }
}
