package dev.preflight.cutover;

import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cutover's state and history, derived only from the ledger's {@code cutover-step} entries of one
 * environment of one project (there is no other state file). The newest {@code begin} entry of the
 * project starts the current cutover; every step attempt is a {@code started} entry followed by a
 * {@code completed} one, so an attempt whose process died shows as started and never completed.
 * Two projects may share a ledger and name an environment alike: another project's cutover is not
 * this one's. A begin entry that names no project (recorded before projects were kept) is taken as
 * this project's, so a cutover begun by an older version can still be resumed or failed back; it
 * never makes a failback drill count (see {@link CutoverReadiness}).
 *
 * @param cutoverId  the current cutover's id, or null when none was ever started
 * @param target     the state the cutover's run was asked to reach ({@code start --until})
 * @param attempts   every attempt of the current cutover, oldest first
 * @param open       an attempt that started and never completed (the tool died), or null
 * @param rounds     the stable window's monitor rounds
 * @param switchedAt when traffic moved to green (the stable window starts), or null
 */
public record CutoverHistory(String environment, String cutoverId, Instant begun, CutoverState target,
                             CutoverState state, List<Attempt> attempts, Attempt open, List<Round> rounds,
                             Instant switchedAt) {
    /** The ledger kind of every cutover record. */
    public static final String KIND = CutoverEvidence.STEP;

    public CutoverHistory {
        attempts = List.copyOf(attempts);
        rounds = List.copyOf(rounds);
    }

    /**
     * One attempt at a step.
     *
     * @param outcome {@code started} (never completed), {@code passed}, {@code warning},
     *                {@code failed}, {@code error}, or {@code interrupted}
     * @param before  the migrations snapshot its newest entry carries (expand's started entry, so
     *                only while the attempt has not concluded), or null
     */
    public record Attempt(Step step, int number, Instant started, Instant ended, String outcome, long elapsedMs,
                          String summary, List<Migrations.Row> before) {
        public Attempt {
            // toList, not List.copyOf: a stored snapshot read leniently may hold a null row, which must not throw.
            before = before == null ? null : before.stream().toList();
        }

        public boolean good() {
            return outcome.equals("passed") || outcome.equals("warning");
        }
    }

    /** One monitor round of the stable window; {@code breach} lists what was over its limit. */
    public record Round(Instant time, boolean breach, String summary) {
    }

    public boolean breached() {
        return rounds.stream().anyMatch(Round::breach);
    }

    public boolean failedBack() {
        return attempts.stream().anyMatch(a -> a.step() == Step.FAILBACK && a.good());
    }

    /**
     * Whether traffic may be moved back to blue: from switched or stable, to retry a failed or
     * interrupted failback, and from promoted after a switch attempt that failed or died (it may
     * have moved traffic); never once contract has run or started.
     */
    public boolean failbackPossible() {
        if (state == CutoverState.CONTRACTED || (open != null && open.step() == Step.CONTRACT)
                || last(Step.CONTRACT) != null) {
            return false;
        }
        if (nextStep() == Step.FAILBACK || state.failbackPossible()) {
            return true;
        }
        Attempt sw = last(Step.SWITCH);
        return state == CutoverState.PROMOTED && sw != null && !sw.good();
    }

    /**
     * The first failback attempt of this cutover whatever its outcome, or null. One that died or
     * failed may still have moved traffic to blue: no stable window or contract follows it.
     */
    public Attempt failbackAttempt() {
        return attempts.stream().filter(a -> a.step() == Step.FAILBACK).findFirst().orElse(null);
    }

    /** The newest failback attempt's outcome as words: "never completed" for one whose process died. */
    public String failbackOutcome() {
        Attempt a = last(Step.FAILBACK);
        return a == null ? "none" : a.outcome().equals("started") ? "never completed" : a.outcome();
    }

    /** The last attempt of a step, or null. */
    public Attempt last(Step s) {
        Attempt out = null;
        for (Attempt a : attempts) {
            if (a.step() == s) {
                out = a;
            }
        }
        return out;
    }

    /** How many attempts a step has had (the next one is this plus one). */
    public int attemptsOf(Step s) {
        return (int) attempts.stream().filter(a -> a.step() == s).count();
    }

    /** The step {@code resume} runs next: an interrupted or failed one, else the next forward step. */
    public Step nextStep() {
        if (open != null) {
            return open.step();
        }
        if (!attempts.isEmpty()) {
            Attempt last = attempts.get(attempts.size() - 1);
            if (!last.good() && last.step() != Step.STABLE) {
                return last.step();
            }
        }
        return state.next();
    }

    /** Reads the history of {@code environment} of {@code project} from the ledger. */
    public static CutoverHistory read(Ledger ledger, String environment, String project) {
        return of(environment, project, ledger.query(new LedgerQuery(KIND, environment, null, 0, false)));
    }

    /** Derives the history of {@code project} from the entries (oldest first) of one environment. */
    public static CutoverHistory of(String environment, String project, List<LedgerEntry> entries) {
        List<CutoverEvidence.Stored> payloads = entries.stream().map(e -> CutoverEvidence.read(e.payload())).toList();
        int begin = -1;
        for (int i = 0; i < payloads.size(); i++) {
            CutoverEvidence.Stored p = payloads.get(i);
            if (CutoverEvidence.BEGIN.equals(p.phase()) && (p.project() == null || p.project().equals(project))) {
                begin = i;
            }
        }
        if (begin < 0) {
            return new CutoverHistory(environment, null, null, null, CutoverState.NONE, List.of(), null, List.of(), null);
        }
        CutoverEvidence.Stored b = payloads.get(begin);
        String id = b.cutover();
        // A begin entry without 'until' reads as a run to switched, as the history always read it.
        CutoverState target = CutoverState.parse(b.until() == null ? "switched" : b.until());
        Map<String, Attempt> byKey = new LinkedHashMap<>();
        List<Round> rounds = new ArrayList<>();
        CutoverState state = CutoverState.PLANNED;
        Instant switchedAt = null;
        for (int i = begin + 1; i < entries.size(); i++) {
            LedgerEntry e = entries.get(i);
            CutoverEvidence.Stored p = payloads.get(i);
            if (!id.equals(p.cutover())) {
                continue;
            }
            String phase = p.phase();
            if (phase.equals(CutoverEvidence.ROUND)) {
                rounds.add(new Round(e.time(), p.breach(), e.summary()));
                continue;
            }
            Step step = Step.parse(p.step());
            int n = p.attempt();
            String key = step + "#" + n;
            switch (phase) {
                case CutoverEvidence.STARTED -> byKey.put(key, new Attempt(step, n, e.time(), null, "started", 0, e.summary(),
                        p.before()));
                case CutoverEvidence.COMPLETED, CutoverEvidence.INTERRUPTED -> {
                    Attempt s = byKey.get(key);
                    String outcome = phase.equals(CutoverEvidence.INTERRUPTED) ? CutoverEvidence.INTERRUPTED : p.outcome();
                    // The snapshot stays the one its started entry took: a completed or interrupted entry
                    // carries none, and a re-run must diff against what was there before the first attempt.
                    byKey.put(key, new Attempt(step, n, s == null ? e.time() : s.started(), e.time(), outcome,
                            p.elapsedMs(), e.summary(), p.before() != null || s == null ? p.before() : s.before()));
                    if (phase.equals(CutoverEvidence.COMPLETED) && (outcome.equals("passed") || outcome.equals("warning"))) {
                        state = step.reaches();
                        if (step == Step.SWITCH) {
                            switchedAt = e.time();
                        }
                    }
                }
                default -> {
                }
            }
        }
        Attempt open = byKey.values().stream().filter(a -> a.outcome().equals("started")).reduce((x, y) -> y)
                .orElse(null);
        return new CutoverHistory(environment, id, entries.get(begin).time(), target, state,
                new ArrayList<>(byKey.values()), open, rounds, switchedAt);
    }
}
