package dev.preflight.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.LedgerEntry;

/**
 * Which project recorded a ledger entry, where its payload says so (a {@code project} field). Two
 * projects may share one ledger (two teams on one bastion, a plan copied for a second app) and name
 * their environments alike; an entry another project recorded is not evidence for this one.
 */
public final class ProjectScope {
    /** The payload field that names the project. */
    public static final String FIELD = "project";

    private ProjectScope() {
    }

    /** The project {@code e} names, or null when it names none (recorded before projects were kept, or ad hoc). */
    public static String of(LedgerEntry e) {
        JsonNode p = Expected.payload(e).get(FIELD);
        return p != null && p.isTextual() ? p.asText() : null;
    }

    /**
     * Whether {@code e} may speak for {@code project}: it names that project, or none (and so cannot
     * be shown to be another's; its owner still judges whether it covers the plan as it is now).
     */
    public static boolean ownOrUnnamed(LedgerEntry e, String project) {
        String owner = of(e);
        return owner == null || owner.equals(project);
    }
}
