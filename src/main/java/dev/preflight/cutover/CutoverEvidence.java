package dev.preflight.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.EvidenceKind;
import java.util.List;

/**
 * The ledger kinds the cutover records and reads, and the payloads of its entries: the only place
 * their names and field names are spelled. The payloads are records serialised by Jackson; the
 * ledger stores them canonically (keys sorted), so a record's field order does not change the
 * bytes, which {@code golden/cutover/ledger-payloads-*.txt} pin. {@link CutoverHistory} derives the
 * state from exactly these payloads, read back through {@link Stored}.
 */
public final class CutoverEvidence {
    /** Every cutover record of an environment: begin, step attempts, monitor rounds, refusals. */
    public static final String STEP = EvidenceKind.CUTOVER_STEP.id();
    /** A failback measured against {@code failback_bound} (passed when within it). */
    public static final String FAILBACK_DRILL = EvidenceKind.FAILBACK_DRILL.id();
    /** The cutover section of {@code preflight run}. */
    public static final String READINESS = EvidenceKind.CUTOVER_READINESS.id();
    /** Recorded by the backup capability (whose classes cutover may not use); contract needs a fresh passed one. */
    static final String BACKUP = EvidenceKind.BACKUP.id();

    /** Payload phases of a {@link #STEP} entry. */
    static final String BEGIN = "begin";
    static final String STARTED = "started";
    static final String COMPLETED = "completed";
    static final String INTERRUPTED = "interrupted";
    static final String ROUND = "round";
    static final String REFUSED = "refused";

    /** What a payload that cannot be read at all reads as: it belongs to no cutover, so the history skips it. */
    private static final Stored UNREADABLE = new Stored(null, null, null, null, 0, null, 0, false, null, null);

    private CutoverEvidence() {
    }

    /** A payload of a {@link #STEP} entry: every one names its cutover and its phase. */
    sealed interface StepPayload permits BeginPayload, AttemptPayload, RoundPayload, RefusedPayload {
    }

    /**
     * The payload that begins a cutover: its id, the state it runs to, the two colours and the
     * project whose plan began it (absent in entries recorded before it was kept, and when the plan
     * names no project).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BeginPayload(String cutover, String phase, String until, String blue, String green, String project)
            implements StepPayload {
    }

    /**
     * A step attempt's payload ({@code started}, {@code completed}, {@code interrupted}): one flat
     * object, the shape old ledgers hold, so the step's details are unwrapped beside the head.
     *
     * @param outcome   the ledger outcome of a completed attempt; null (absent) otherwise
     * @param elapsedMs how long a completed attempt took; null (absent) otherwise
     * @param details   what the step adds (expand's snapshot in its started entry, a step's result in
     *                  its completed one); null when it adds nothing
     * @param project   the project whose cutover it is, on a failback's entries only: they are read on
     *                  their own, as a failback drill, where the begin entry that names the project is not
     *                  at hand; null (absent) on the other steps' entries
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AttemptPayload(String cutover, String step, int attempt, String phase, String outcome, Long elapsedMs,
                          @JsonUnwrapped Details details, String project) implements StepPayload {
        /** The same payload naming its project when it is a failback's (see {@code project}). */
        AttemptPayload of(String owner) {
            return step.equals(Step.FAILBACK.label())
                    ? new AttemptPayload(cutover, step, attempt, phase, outcome, elapsedMs, details, owner) : this;
        }
    }

    /** A monitor round of the stable window; {@code checks} are the rows the window measured (checks and commands). */
    record RoundPayload(String cutover, String phase, String step, boolean breach, List<MonitorRow> checks)
            implements StepPayload {
    }

    /** A contract refused before it ran, and why. */
    record RefusedPayload(String cutover, String phase, String step, String reason) implements StepPayload {
    }

    /**
     * The {@link #READINESS} entry: the state and what stands in the way (or what was found), and the
     * project it was checked for (absent in entries recorded before it was kept).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReadinessPayload(String state, List<String> facts, List<String> problems, String project) {
    }

    /**
     * What a step adds to its attempt's entries, one record per shape. Each keeps the fields (and the
     * absent ones) the maps it replaces wrote: a field that was only put when it was reached is a
     * nullable field left out when null.
     */
    public sealed interface Details permits Checks, Switched, FailedBack, Snapshot, Expanded, Lag, Promoted, Contracted,
            Concluded {
    }

    /** One HTTP check a step ran (health, smoke, the prepare checks). */
    record CheckRow(String name, String url, boolean passed, String detail) {
    }

    /** The HTTP checks of prepare (and of a smoke suite that failed before the switch). */
    record Checks(List<CheckRow> checks) implements Details {
    }

    /**
     * Traffic moved and verified: the checks that came before (switch's smoke suite; none for a
     * failback's move) and the load balancer that now routes.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Switched(List<CheckRow> checks, String loadBalancer) implements Details {
    }

    /** A failback that moved traffic: blue's health and the time it took against the bound. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FailedBack(String loadBalancer, List<CheckRow> checks, long failbackMs, long boundMs, boolean withinBound)
            implements Details {
    }

    /**
     * Expand's started entry: the migrations table before the first attempt, or why it could not be
     * read (one of the two is set).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Snapshot(List<Migrations.Row> before, String beforeError) implements Details {
    }

    /**
     * Expand's result: the rows before, the pending files (when the plan names the migrations
     * folder), then, once the command ran, its exit, the rows after and the new ones.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Expanded(int beforeCount, List<String> pending, Integer commandExit, Integer afterCount,
                    @JsonProperty("new") List<Migrations.Row> added) implements Details {
    }

    /** Promote stopped at the replica's lag; null when replication is not running (written as null). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Lag(Long lagSeconds) implements Details {
    }

    /** Promote ran its SQL: the lag it found and what the verify query gave (null when no row, written as null). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Promoted(long lagSeconds, String verify) implements Details {
    }

    /** Contract's result: the command's exit and, when the migrations table is known, the new rows. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Contracted(int commandExit, @JsonProperty("new") List<Migrations.Row> added) implements Details {
    }

    /** The stable window concluded: how many monitor rounds it had. */
    record Concluded(int rounds) implements Details {
    }

    /** A row of a monitor round: an HTTP check sampled, or a command run. */
    sealed interface MonitorRow permits Sampled, Ran {
    }

    /** An HTTP monitor check: its error rate over the samples and the p95 latency of those that answered. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Sampled(String name, double errorRate, @JsonProperty("p95_ms") long p95Ms, int samples) implements MonitorRow {
    }

    /** A monitor command and its exit code. */
    record Ran(String command, int exit) implements MonitorRow {
    }

    /**
     * A {@link #STEP} payload as {@link CutoverHistory} reads it back, whatever its phase: every field
     * of every phase the history needs, read leniently (fields it does not know are skipped). Text
     * fields read as {@code ""} when absent, numbers as 0, as the history always read them.
     *
     * @param until   the state a begin entry's run goes to; null when absent
     * @param before  expand's migrations snapshot (its started entry); null when absent
     * @param project the project a begin, failback or readiness entry names; null when absent (an entry
     *                recorded before projects were kept, or of a plan without one)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Stored(String cutover, String phase, String until, String step, int attempt, String outcome,
                         long elapsedMs, boolean breach, List<Migrations.Row> before, String project) {
        Stored {
            cutover = cutover == null ? "" : cutover;
            phase = phase == null ? "" : phase;
            step = step == null ? "" : step;
            outcome = outcome == null ? "" : outcome;
        }
    }

    /** The {@code begin} entry of a new cutover. */
    static BeginPayload begin(String id, CutoverState until, String blue, String green, String project) {
        return new BeginPayload(id, BEGIN, until.label(), blue, green, project);
    }

    /** A step attempt's {@code started} or {@code interrupted} entry, with no details. */
    static AttemptPayload attempt(String cutover, Step step, int attempt, String phase) {
        return started(cutover, step, attempt, phase, null);
    }

    /** A step attempt's entry before it concluded ({@code started}, {@code interrupted}), with what the step adds. */
    static AttemptPayload started(String cutover, Step step, int attempt, String phase, Details details) {
        return new AttemptPayload(cutover, step.label(), attempt, phase, null, null, details, null);
    }

    /** A step attempt's {@code completed} entry: its outcome, elapsed time and the step's details. */
    static AttemptPayload completed(String cutover, Step step, int attempt, String outcome, long elapsedMs,
                                    Details details) {
        return new AttemptPayload(cutover, step.label(), attempt, COMPLETED, outcome, elapsedMs, details, null);
    }

    /** A monitor round of the stable window: one row per check or command. */
    static RoundPayload round(String cutover, boolean breach, List<MonitorRow> rows) {
        return new RoundPayload(cutover, ROUND, Step.STABLE.label(), breach, List.copyOf(rows));
    }

    /** A contract refused before it ran. */
    static RefusedPayload refused(String cutover, String reason) {
        return new RefusedPayload(cutover, REFUSED, Step.CONTRACT.label(), reason);
    }

    /**
     * Whether a ledger entry is a {@link #STEP} entry of {@code step} (any phase): how risk finds a
     * failback drill without reading the payload itself. A payload whose other fields do not fit
     * {@link Stored} still counts by its {@code step} field: a garbled newer failure of a failback
     * must not be skipped in favour of an older pass. What is not JSON is no step.
     */
    public static boolean isStep(LedgerEntry e, Step step) {
        if (!STEP.equals(e.kind())) {
            return false;
        }
        try {
            JsonNode node = Json.parse(e.payload());
            Stored stored = Json.readLenient(node, Stored.class).orElse(null);
            String label = stored != null ? stored.step() : node.path("step").asText();
            return label.equals(step.label());
        } catch (IllegalArgumentException notJson) {
            return false;
        }
    }

    /**
     * The project a cutover entry names (a begin, a failback's attempt, a failback drill, a readiness
     * check), or null when it names none: recorded before projects were kept, or not JSON. Two
     * projects may share a ledger and name an environment alike; an entry of another project is not
     * evidence for this one, and one that names none cannot be shown to be this project's.
     */
    public static String project(LedgerEntry e) {
        try {
            return read(e.payload()).project();
        } catch (IllegalArgumentException notJson) {
            return null;
        }
    }

    /**
     * A stored {@link #STEP} payload read back. What is not JSON fails as it always did; an object
     * that does not fit (a field of the wrong type) reads as belonging to no cutover.
     */
    static Stored read(String payload) {
        return Json.readLenient(Json.parse(payload), Stored.class).orElse(UNREADABLE);
    }
}
