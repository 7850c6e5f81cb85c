package dev.preflight.cutover;

import static dev.preflight.report.Durations.compact;
import static dev.preflight.report.Durations.millis;
import static dev.preflight.cutover.CutoverReport.pct;

import dev.preflight.core.Errors;
import dev.preflight.core.Verdict;
import dev.preflight.cutover.CutoverEvidence.Concluded;
import dev.preflight.cutover.CutoverEvidence.MonitorRow;
import dev.preflight.cutover.CutoverEvidence.Ran;
import dev.preflight.cutover.CutoverEvidence.Sampled;
import dev.preflight.exec.ProcessResult;
import dev.preflight.exec.ProcessSpec;
import dev.preflight.ledger.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * switched → stable: monitor rounds every {@code interval} until the window after the switch has
 * passed with no breach; a breach is recorded and triggers the plan's policy (alert, or failback).
 * The step is concluded by rounds, never run as one attempt.
 */
final class StableWindow implements CutoverStep {
    private final CutoverMachine machine;
    private final CutoverContext ctx;

    StableWindow(CutoverMachine machine) {
        this.machine = machine;
        this.ctx = machine.context();
    }

    @Override
    public Step step() {
        return Step.STABLE;
    }

    @Override
    public List<String> actions() {
        CutoverPlan cp = ctx.plan();
        List<String> a = new ArrayList<>();
        a.add("every " + compact(cp.stable().interval()) + " until " + compact(cp.stable().window()) + " after the switch"
                + " (a gap over " + compact(cp.stable().maxGap()) + " between rounds watches the window again from there):");
        if (cp.stable().checks().isEmpty()) {
            a.add("  GET " + cp.green().healthUrl() + " (no monitor checks configured: green's health URL)");
        }
        cp.stable().checks().forEach(c -> a.add("  " + c.samples() + " x GET " + c.url() + ": error rate <= "
                + pct(c.maxErrorRate()) + ", p95 latency <= " + millis(c.maxLatency())));
        cp.stable().commands().forEach(c -> a.add("  run " + String.join(" ", c) + " (non-zero exit: breach)"));
        a.add("on a breach: " + (cp.stable().failbackOnBreach() ? "fail back to blue automatically"
                : "alert; contract is then refused"));
        return a;
    }

    @Override
    public StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) {
        throw new IllegalStateException("stable is concluded by monitor rounds");
    }

    /**
     * Rounds until the window has passed (or {@code maxRounds} rounds, 0 = no limit), sleeping
     * {@code interval} between them; a breach ends the watch with its policy applied.
     */
    Verdict watch(CutoverHistory start, int maxRounds) {
        CutoverPlan cp = ctx.plan();
        CutoverHistory h = start;
        int rounds = 0;
        while (true) {
            Instant now = ctx.clock().instant();
            // Watched from the switch, or again from the end of a gap over max_gap (a monitor that was not running).
            Instant end = cp.stable().watch(h.switchedAt(), h.rounds().stream().map(CutoverHistory.Round::time).toList(),
                    now).since().plus(cp.stable().window());
            boolean windowOver = !now.isBefore(end);
            List<String> breaches = round(h);
            rounds++;
            if (!breaches.isEmpty()) {
                return breach(h, breaches);
            }
            if (windowOver) {
                return conclude(machine.history()) ? Verdict.PASSED : Verdict.FAILED;
            }
            if (maxRounds > 0 && rounds >= maxRounds) {
                machine.say("stable window of " + cp.environment() + " ends at " + end + " (" + compact(
                        Duration.between(ctx.clock().instant(), end)) + " from now); no breach in " + rounds + " round(s)");
                return Verdict.PASSED;
            }
            // A wait of minutes is not a silent one: say what the next round is for and when.
            machine.say("round " + rounds + ": no breach; next round in " + compact(cp.stable().interval())
                    + ", the stable window of " + cp.environment() + " ends at " + end);
            try {
                ctx.sleeper().sleep(cp.stable().interval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Verdict.INCOMPLETE;
            }
            h = machine.history();
        }
    }

    /** One monitor round; records it and returns the breaches (empty when none). */
    List<String> round(CutoverHistory h) {
        CutoverPlan cp = ctx.plan();
        List<CutoverPlan.MonitorCheck> checks = cp.stable().checks().isEmpty()
                ? List.of(new CutoverPlan.MonitorCheck(cp.green().name() + " health", cp.green().healthUrl(), 1, 0.0,
                        Duration.ofSeconds(5)))
                : cp.stable().checks();
        List<String> breaches = new ArrayList<>();
        List<MonitorRow> rows = new ArrayList<>();
        for (CutoverPlan.MonitorCheck c : checks) {
            int errors = 0;
            List<Long> lat = new ArrayList<>();
            for (int i = 0; i < c.samples(); i++) {
                HttpProbe.Sample s = ctx.http().get(c.url(), c.maxLatency().plusSeconds(5));
                if (!s.responded() || s.status() >= 400) {
                    errors++;
                } else {
                    lat.add(s.latencyMs());
                }
            }
            double rate = (double) errors / c.samples();
            lat.sort(Long::compare);
            long p95 = lat.isEmpty() ? 0 : lat.get(Math.min(lat.size() - 1, (int) Math.ceil(lat.size() * 0.95) - 1));
            rows.add(new Sampled(c.name(), rate, p95, c.samples()));
            if (rate > c.maxErrorRate()) {
                breaches.add(c.name() + ": error rate " + pct(rate) + " over " + pct(c.maxErrorRate()));
            } else if (p95 > c.maxLatency().toMillis()) {
                breaches.add(c.name() + ": p95 latency " + millis(Duration.ofMillis(p95)) + " over "
                        + millis(c.maxLatency()));
            }
        }
        for (List<String> argv : cp.stable().commands()) {
            String cmd = String.join(" ", argv);
            try {
                ProcessResult pr = ctx.runner().run(ProcessSpec.of(argv).withTimeout(Duration.ofMinutes(2)));
                rows.add(new Ran(cmd, pr.exitCode()));
                if (!pr.ok()) {
                    breaches.add(cmd + ": exit " + pr.exitCode() + (pr.stderr().isBlank() ? ""
                            : " (" + pr.stderr().strip().lines().findFirst().orElse("") + ")"));
                }
            } catch (IOException e) {
                breaches.add(cmd + ": " + Errors.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                breaches.add(cmd + ": interrupted");
            }
        }
        int n = checks.size() + cp.stable().commands().size();
        String summary = breaches.isEmpty() ? "monitor round: " + n + " check(s) within limits"
                : "monitor round: BREACH " + String.join("; ", breaches);
        machine.record(breaches.isEmpty() ? Outcome.PASSED : Outcome.FAILED, summary,
                CutoverEvidence.round(h.cutoverId(), !breaches.isEmpty(), rows));
        machine.say(summary);
        return breaches;
    }

    /** Records the breach and applies the policy; the watch has failed either way. */
    Verdict breach(CutoverHistory h, List<String> breaches) {
        CutoverPlan cp = ctx.plan();
        record(h, Verdict.FAILED, "breach in the stable window: " + String.join("; ", breaches));
        if (cp.stable().failbackOnBreach()) {
            machine.say("ALERT: breach in the stable window of " + cp.environment()
                    + "; policy failback: moving traffic to blue");
            machine.runStep(machine.history(), Step.FAILBACK);
        } else {
            machine.say("ALERT: breach in the stable window of " + cp.environment() + " (policy alert: traffic stays on green;"
                    + " contract is now refused; 'preflight cutover failback' moves it back)");
        }
        return Verdict.FAILED;
    }

    /** Concludes the window as stable unless a round breached. */
    boolean conclude(CutoverHistory h) {
        CutoverPlan cp = ctx.plan();
        if (h.breached()) {
            machine.say("the stable window had a breach; not stable");
            return false;
        }
        record(h, Verdict.PASSED, "stable window of " + compact(cp.stable().window()) + " since the switch at "
                + h.switchedAt() + " passed with no breach in " + h.rounds().size() + " monitor round(s)");
        return true;
    }

    private void record(CutoverHistory h, Verdict v, String summary) {
        // A conclusion killed between its two entries stays open otherwise, and status and readiness
        // would call the window interrupted for ever ('cutover resume' runs nothing for it).
        machine.closeOpen(h);
        int n = h.attemptsOf(Step.STABLE) + 1;
        machine.record(Outcome.WARNING, "stable attempt " + n + " started (concluding the window)",
                CutoverEvidence.attempt(h.cutoverId(), Step.STABLE, n, CutoverEvidence.STARTED));
        Outcome o = Outcome.of(v);
        long elapsedMs = Duration.between(h.switchedAt(), ctx.clock().instant()).toMillis();
        machine.record(o, "stable attempt " + n + ": " + summary, CutoverEvidence.completed(h.cutoverId(), Step.STABLE, n,
                o.label(), elapsedMs, new Concluded(h.rounds().size())));
        machine.attempted(Step.STABLE, n, v, summary, elapsedMs);
        machine.say("stable: " + o.label().toUpperCase(Locale.ROOT) + " - " + summary);
    }
}
