package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;
import static dev.preflight.report.Durations.millis;

import dev.preflight.core.Errors;
import dev.preflight.core.ExclusiveLock;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cutover as a state machine whose every step is recorded in the ledger
 * ({@link CutoverEvidence#STEP} entries of the environment): a {@code started} entry before a step
 * does anything and a {@code completed} entry after, so a run killed mid-step is seen, and re-run,
 * by {@code resume}. It holds the lock, reads the history, runs step attempts and moves forward;
 * the verbs ({@link CutoverStart}, {@link CutoverResume}, ...) decide what to run. One machine
 * serves one command and collects what it said and which attempts it ran for the {@link CutoverRun}.
 */
final class CutoverMachine {
    private final CutoverContext ctx;
    private final Map<Step, CutoverStep> steps = new EnumMap<>(Step.class);
    private final List<String> log = new ArrayList<>();
    private final List<CutoverRun.Attempt> attempts = new ArrayList<>();

    CutoverMachine(CutoverContext ctx) {
        this.ctx = ctx;
        steps.put(Step.PREPARE, new PrepareStep(ctx));
        steps.put(Step.EXPAND, new ExpandStep(ctx));
        steps.put(Step.PROMOTE, new PromoteStep(ctx));
        steps.put(Step.SWITCH, new SwitchStep(ctx));
        steps.put(Step.STABLE, new StableWindow(this));
        steps.put(Step.FAILBACK, new FailbackStep(ctx));
        steps.put(Step.CONTRACT, new ContractStep(ctx));
    }

    CutoverContext context() {
        return ctx;
    }

    CutoverHistory history() {
        return CutoverHistory.read(ctx.ledger(), ctx.environment(), ctx.plan().project());
    }

    /** The environment's lock, or null in a dry run (which changes nothing). */
    ExclusiveLock lock() {
        CutoverContext.Locking l = ctx.locking();
        return ctx.dryRun() ? null : CutoverLock.acquire(l.locks(), l.dir(), ctx.environment(), l.holder());
    }

    StableWindow stableWindow() {
        return (StableWindow) steps.get(Step.STABLE);
    }

    ContractStep contractStep() {
        return (ContractStep) steps.get(Step.CONTRACT);
    }

    /** What a step does, one line per action, for {@code cutover plan} and {@code --dry-run}. */
    List<String> actions(Step step) {
        return steps.get(step).actions();
    }

    /** A progress line: shown as it happens and kept for the run's result. */
    void say(String line) {
        log.add(line);
        ctx.progress().accept(line);
    }

    /** Appends a {@link CutoverEvidence#STEP} entry of this environment. */
    void record(Outcome outcome, String summary, CutoverEvidence.StepPayload payload) {
        CutoverEvidence.StepPayload named = payload instanceof CutoverEvidence.AttemptPayload a
                ? a.of(ctx.plan().project()) : payload;
        ctx.ledger().append(NewEntry.of(CutoverEvidence.STEP, ctx.environment(), outcome, summary, named));
    }

    /** Notes an attempt this command concluded, for the run's result. */
    void attempted(Step step, int attempt, Verdict verdict, String summary, long elapsedMs) {
        attempts.add(new CutoverRun.Attempt(step.label(), attempt, verdict, summary, elapsedMs));
    }

    /** The result of the command that used this machine. */
    CutoverRun finish(String command, Verdict verdict) {
        return new CutoverRun(command, ctx.environment(), ctx.dryRun(), verdict, history().state().label(), attempts, log);
    }

    /** Runs forward steps until {@code until}, stopping before the stable window and at the first failure. */
    Verdict advance(CutoverState until) {
        while (true) {
            CutoverHistory h = history();
            Step next = h.nextStep();
            if (next == null || next == Step.STABLE || next == Step.CONTRACT || next == Step.FAILBACK
                    || (h.open() == null && h.state().ordinal() >= until.ordinal())) {
                say("cutover of " + ctx.environment() + " is " + h.state().label());
                return Verdict.PASSED;
            }
            if (!runStep(h, next)) {
                say("cutover of " + ctx.environment() + " stopped in state " + history().state().label()
                        + ": fix the cause, then 'preflight cutover resume' runs " + next.label() + " again");
                return Verdict.FAILED;
            }
        }
    }

    /** Prints what the forward steps from {@code from} to {@code until} would do; runs nothing. */
    Verdict dryRunSteps(CutoverState from, CutoverState until) {
        CutoverState s = from;
        while (s.next() != null && s.ordinal() < until.ordinal() && s.next() != Step.STABLE) {
            printActions(s.next(), 1);
            s = s.next().reaches();
        }
        say("[dry-run] nothing was changed and nothing was recorded");
        return Verdict.PASSED;
    }

    void printActions(Step step, int attempt) {
        say("[dry-run] " + step.label() + " (attempt " + attempt + "):");
        actions(step).forEach(a -> say("[dry-run]   " + a));
    }

    /** Records the attempt a dead process left open (if any) as {@code interrupted}, before another attempt starts. */
    void closeOpen(CutoverHistory h) {
        if (h.open() != null) {
            CutoverHistory.Attempt o = h.open();
            record(Outcome.ERROR, o.step().label() + " attempt " + o.number() + " started at " + o.started()
                    + " and never completed (the tool stopped)",
                    CutoverEvidence.attempt(h.cutoverId(), o.step(), o.number(), CutoverEvidence.INTERRUPTED));
            say(o.step().label() + ": attempt " + o.number() + " was interrupted; running it again");
        }
    }

    /**
     * Runs one attempt of a step: records {@code started}, does the work, records {@code completed}
     * with outcome and elapsed time. An attempt left open by a dead process is first recorded as
     * {@code interrupted}, so both attempts show in the ledger. True when the step's verdict is good.
     */
    boolean runStep(CutoverHistory h, Step step) {
        closeOpen(h);
        int n = h.attemptsOf(step) + 1;
        CutoverEvidence.AttemptPayload started = CutoverEvidence.started(h.cutoverId(), step, n, CutoverEvidence.STARTED,
                step == Step.EXPAND ? ((ExpandStep) steps.get(Step.EXPAND)).before(h) : null);
        record(Outcome.WARNING, step.label() + " attempt " + n + " started (in progress until its completed entry)", started);
        say(step.label() + ": attempt " + n + " ...");
        long t0 = System.nanoTime();
        StepResult r;
        try {
            r = steps.get(step).run(h, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = StepResult.incomplete("interrupted");
        } catch (Exception e) {
            r = StepResult.incomplete(Errors.describe(e));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        long ms = took.toMillis();
        Outcome outcome = Outcome.of(r.verdict());
        CutoverEvidence.AttemptPayload p = CutoverEvidence.completed(h.cutoverId(), step, n, outcome.label(), ms, r.details());
        record(outcome, step.label() + " attempt " + n + ": " + r.summary(), p);
        if (step == Step.FAILBACK && r.details() instanceof CutoverEvidence.FailedBack f) {
            CutoverHistory.Attempt first = h.failbackAttempt();
            if (h.switchedAt() == null) {
                // No switch to green was ever verified in this cutover (it failed or died): moving traffic
                // "back" proves nothing about failing back from green, so it is not a failback drill.
                say("failback: not recorded as a failback drill: no switch to green was verified in this cutover");
            } else {
                ctx.ledger().append(NewEntry.of(CutoverEvidence.FAILBACK_DRILL, ctx.environment(),
                        f.withinBound() ? Outcome.PASSED : Outcome.FAILED,
                        "failback in " + (first == null ? millis(took) : millis(Duration.ofMillis(f.failbackMs()))
                                + " since attempt " + first.number() + " began at " + first.started())
                                + " (bound " + compact(ctx.plan().failbackBound()) + ")",
                        p.of(ctx.plan().project())));
            }
        }
        attempted(step, n, r.verdict(), r.summary(), ms);
        say(step.label() + ": " + outcome.label().toUpperCase(Locale.ROOT) + " - " + r.summary() + " (" + millis(took) + ")");
        return r.verdict().good();
    }
}
