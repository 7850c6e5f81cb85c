package dev.preflight.cli;

import dev.preflight.core.LockProvider;
import dev.preflight.plan.Plan;

/**
 * Where a command's exclusive locks are held: in the PostgreSQL ledger database when the ledger
 * ({@code --ledger}, else the plan's {@code ledger.url}) is one, since then other machines share
 * the state the lock protects; else in lock files beside the plan.
 */
final class Locks {
    private Locks() {
    }

    /** The provider for the ledger this command opens (resolved as {@link BaseCommand#openLedger} does). */
    static LockProvider of(BaseCommand command, Plan plan) {
        String url = command.global().ledger;
        if ((url == null || url.isBlank()) && plan.ledger() != null && plan.ledger().url() != null) {
            url = plan.ledger().url().value();
        }
        return LockProvider.forLedger(url == null || url.isBlank() ? null : url,
                plan.project() == null ? null : plan.project().name());
    }
}
