package dev.preflight.risk;

import dev.preflight.report.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The plan's risk register (runbook §5): each risk with its mitigation and the evidence that must
 * be present, passing and fresh for it to count as mitigated. There is deliberately no status
 * field: status is derived from the ledger by {@link RiskAssess}.
 */
public record RiskPlan(List<Risk> risks) {
    public RiskPlan {
        risks = List.copyOf(risks);
    }

    /** One risk of the register. */
    public record Risk(String name, String title, String mitigation, List<Control> controls) {
        public Risk {
            controls = List.copyOf(controls);
        }
    }

    /**
     * One piece of evidence a risk needs.
     *
     * @param evidence the evidence name ({@link RiskEvidence#NAMES}), e.g. {@code audit}, {@code backup-verify}
     * @param subject  the ledger subject the plan names ({@code subject:} or {@code environment:}),
     *                 or null: then the control is about every subject in {@code subjects}
     * @param maxAge   how old the newest passing evidence may be
     * @param where    payload fields the entry must carry (e.g. {@code step: failback})
     * @param subjects the subjects the control covers, each needing its own fresh passing evidence:
     *                 the named one, or every one the plan configures for the evidence
     *                 ({@link Subjects#configured}: every backup source, every audited environment, ...)
     */
    public record Control(String evidence, String subject, Duration maxAge, Map<String, String> where,
                          List<String> subjects) {
        public Control {
            where = Map.copyOf(where);
            subjects = subjects == null ? (subject == null ? List.of() : List.of(subject)) : List.copyOf(subjects);
        }

        /** A control about one subject only. */
        public Control(String evidence, String subject, Duration maxAge, Map<String, String> where) {
            this(evidence, subject, maxAge, where, null);
        }

        /** This control for one of its subjects (the unit that is fresh, stale, failing or missing). */
        public Control about(String s) {
            return new Control(evidence, s, maxAge, where, List.of(s));
        }

        /** How a reviewer reads it: {@code audit (production) within 7d}. */
        public String describe() {
            return evidence + (subject == null ? "" : " (" + subject + ")") + (where.isEmpty() ? "" : " " + where)
                    + " within " + Durations.plan(maxAge);
        }
    }
}
