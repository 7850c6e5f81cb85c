package dev.preflight.gates;

import java.time.Instant;
import java.util.List;

/**
 * One on-call entry as PagerDuty's {@code GET /oncalls} returns it: who, at which escalation level
 * (1 primary, 2 secondary), from when to when ({@code null} start/end: permanently on call).
 */
public record OnCall(int level, String userId, String userName, String email, Instant start, Instant end) {
    /** Where on-call entries come from (PagerDuty, or a fake in tests). */
    public interface Source {
        /** Every entry overlapping {@code [since, until]}, all pages. */
        List<OnCall> oncalls(Instant since, Instant until);
    }

    /**
     * Whether {@code name} is this person: PagerDuty's user id (exactly), or its user summary (name)
     * or e-mail, ignoring case. A name can be several people's: {@link OncallGate} asks who else answers to it.
     */
    public boolean isPerson(String name) {
        return name != null && ((!userId.isEmpty() && name.strip().equals(userId))
                || name.strip().equalsIgnoreCase(userName) || name.strip().equalsIgnoreCase(email));
    }
}
