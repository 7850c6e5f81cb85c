package dev.preflight.cutover;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Verdict;
import java.util.List;

/**
 * What one cutover command ({@code start}, {@code resume}, {@code switch}, {@code monitor},
 * {@code failback}, {@code contract}) did: its verdict, the state it left, the step attempts it
 * concluded and every progress line it printed, in order.
 *
 * @param state the cutover's state when the command ended
 * @param log   the progress lines, as shown while the command ran
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CutoverRun(String command, String environment, boolean dryRun, Verdict verdict, String state,
                         List<Attempt> attempts, List<String> log) {
    public CutoverRun {
        attempts = List.copyOf(attempts);
        log = List.copyOf(log);
    }

    /** One step attempt this command concluded. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Attempt(String step, int attempt, Verdict verdict, String summary, long elapsedMs) {
    }
}
