package dev.preflight.cutover;

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

    private CutoverEvidence() {
    }

    /** The {@code begin} entry of a new cutover. */
    static Map<String, Object> begin(String id, CutoverState until, String blue, String green) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutover", id);
        p.put("phase", BEGIN);
        p.put("until", until.label());
        p.put("blue", blue);
        p.put("green", green);
        return p;
    }

    /** A step attempt's entry ({@code started}, {@code completed} or {@code interrupted}); callers add details. */
    static Map<String, Object> attempt(String cutover, Step step, int attempt, String phase) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutover", cutover);
        p.put("step", step.label());
        p.put("attempt", attempt);
        p.put("phase", phase);
        return p;
    }

    /** A monitor round of the stable window: one row per check or command. */
    static Map<String, Object> round(String cutover, boolean breach, List<Map<String, Object>> rows) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutover", cutover);
        p.put("phase", ROUND);
        p.put("step", Step.STABLE.label());
        p.put("breach", breach);
        p.put("checks", rows);
        return p;
    }

    /** A contract refused before it ran. */
    static Map<String, Object> refused(String cutover, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cutover", cutover);
        p.put("phase", REFUSED);
        p.put("step", Step.CONTRACT.label());
        p.put("reason", reason);
        return p;
    }
}
