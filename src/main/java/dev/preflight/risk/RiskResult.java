package dev.preflight.risk;

import java.time.Instant;
import java.util.List;

/**
 * A risk's derived status with the result of each of its controls. Never typed by hand: computed
 * from the ledger at a point in time.
 */
public record RiskResult(RiskPlan.Risk risk, Status status, List<ControlResult> controls) {
    public RiskResult {
        controls = List.copyOf(controls);
    }

    /** Mitigated: every control fresh and passing; At risk: some evidence stale; Open: missing or failing. */
    public enum Status {
        MITIGATED("Mitigated"), AT_RISK("At risk"), OPEN("Open");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One reason line per control that is not fine. */
    public List<String> reasons() {
        return controls.stream().filter(c -> !(c instanceof ControlResult.Fresh)).map(ControlResult::reason).toList();
    }

    /** How one control stands. */
    public sealed interface ControlResult {
        RiskPlan.Control control();

        String reason();

        /** {@code fresh}, {@code stale}, {@code failing} or {@code missing}. */
        default String state() {
            return this instanceof Fresh ? "fresh" : this instanceof Stale ? "stale"
                    : this instanceof Failing ? "failing" : "missing";
        }

        /** Passing evidence within the control's max age. */
        record Fresh(RiskPlan.Control control, long seq, Instant at, String reason) implements ControlResult {
        }

        /** The newest evidence passed but is older than the max age. */
        record Stale(RiskPlan.Control control, long seq, Instant at, String reason) implements ControlResult {
        }

        /** The newest evidence failed. */
        record Failing(RiskPlan.Control control, long seq, Instant at, String reason) implements ControlResult {
        }

        /** No such evidence has ever been recorded. */
        record Missing(RiskPlan.Control control, String reason) implements ControlResult {
        }
    }
}
