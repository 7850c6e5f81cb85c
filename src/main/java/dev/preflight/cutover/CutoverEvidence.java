package dev.preflight.cutover;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.preflight.core.Json;
import dev.preflight.ledger.EvidenceKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger kinds the cutover records and reads, and the payloads of its {@link #STEP} entries:
 * the only place their names and field names are spelled. {@link CutoverHistory} derives the state
 * from exactly these payloads.
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

    private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() {
    };

    private CutoverEvidence() {
    }

    /** The payload that begins a cutover: its id, the state it runs to, the two colours. */
    record BeginPayload(String cutover, String phase, String until, String blue, String green) {
    }

    /**
     * The head of a step attempt's payload ({@code started}, {@code completed}, {@code interrupted});
     * the machine and the steps add their details beside these fields (outcome, elapsed time, checks).
     */
    record AttemptPayload(String cutover, String step, int attempt, String phase) {
    }

    /** A monitor round of the stable window; {@code checks} are the rows the window measured (checks and commands). */
    record RoundPayload(String cutover, String phase, String step, boolean breach, List<Map<String, Object>> checks) {
    }

    /** A contract refused before it ran, and why. */
    record RefusedPayload(String cutover, String phase, String step, String reason) {
    }

    /** The {@code begin} entry of a new cutover. */
    static Map<String, Object> begin(String id, CutoverState until, String blue, String green) {
        return fields(new BeginPayload(id, BEGIN, until.label(), blue, green));
    }

    /** A step attempt's entry ({@code started}, {@code completed} or {@code interrupted}); callers add details. */
    static Map<String, Object> attempt(String cutover, Step step, int attempt, String phase) {
        return fields(new AttemptPayload(cutover, step.label(), attempt, phase));
    }

    /** A monitor round of the stable window: one row per check or command. */
    static Map<String, Object> round(String cutover, boolean breach, List<Map<String, Object>> rows) {
        return fields(new RoundPayload(cutover, ROUND, Step.STABLE.label(), breach, rows));
    }

    /** A contract refused before it ran. */
    static Map<String, Object> refused(String cutover, String reason) {
        return fields(new RefusedPayload(cutover, REFUSED, Step.CONTRACT.label(), reason));
    }

    /**
     * A payload record's fields as the mutable map the machine records: callers add a step's details
     * beside them, so the payload stays one flat object, the shape old ledgers hold. The ledger
     * stores it canonically (keys sorted), so the bytes do not depend on this map's order.
     */
    private static Map<String, Object> fields(Record payload) {
        return Json.mapper().convertValue(payload, FIELDS);
    }
}
