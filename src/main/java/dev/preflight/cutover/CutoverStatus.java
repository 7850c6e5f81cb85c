package dev.preflight.cutover;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code cutover status}: where the cutover stands (derived from the ledger), what ran, what is
 * next and whether failback is still possible. Failed when the last attempt failed and nothing is
 * in progress.
 *
 * @param history the history it was derived from (for the text form; not serialised)
 * @param now     when it was read (the stable window's time left)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CutoverStatus(String environment, String cutover, String state, Instant begun, String target, String next,
                            String interrupted, boolean failbackPossible, Instant switchedAt, Instant stableWindowEnds,
                            boolean breach, int monitorRounds, List<Attempt> attempts,
                            @JsonIgnore CutoverHistory history, @JsonIgnore Instant now) {
    /** One attempt at a step, as recorded. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Attempt(String step, int attempt, String outcome, Instant started, long elapsedMs, String summary) {
    }

    /** Reads the status of the plan's environment from {@code history}. */
    public static CutoverStatus of(CutoverPlan cp, CutoverHistory h, Clock clock) {
        Step next = h.nextStep();
        Instant end = h.switchedAt() == null ? null : h.switchedAt().plus(cp.stable().window());
        List<Attempt> attempts = h.attempts().stream().map(a -> new Attempt(a.step().label(), a.number(), a.outcome(),
                a.started(), a.elapsedMs(), a.summary())).toList();
        return new CutoverStatus(cp.environment(), h.cutoverId(), h.state().label(), h.begun(),
                h.target() == null ? null : h.target().label(), next == null ? null : next.label(),
                h.open() == null ? null : h.open().step().label() + " attempt " + h.open().number(),
                h.failbackPossible(), h.switchedAt(), end, h.breached(), h.rounds().size(), attempts, h, clock.instant());
    }

    /** Failed when the last attempt failed and none is open; passed otherwise. */
    public Verdict verdict() {
        boolean failed = !history.attempts().isEmpty() && !history.attempts().get(history.attempts().size() - 1).good()
                && history.open() == null;
        return failed ? Verdict.FAILED : Verdict.PASSED;
    }
}
