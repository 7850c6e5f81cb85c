package dev.preflight.gates;

import dev.preflight.plan.Plan;

/**
 * What other capabilities still ask of the gates by this name ({@code risk.Subjects}): whether a plan
 * configures them and the subject of their ledger entries. New code uses {@link GatesContext}.
 */
public final class GateService {
    private GateService() {
    }

    /** Whether the plan configures anything the gates check. */
    public static boolean configured(Plan plan) {
        return GatesContext.configured(plan);
    }

    /** The ledger subject of this plan's gate entries: the change window's ticket, else the project. */
    public static String subject(Plan plan) {
        return GatesContext.subject(plan);
    }
}
