package dev.preflight.ledger;

import java.util.List;

/**
 * A verification and what vouched for it: the chain's result (broken when a witness outside the
 * store records more or other entries than the store holds) and one line per witness consulted
 * (head file, {@code --expect-head}, signature), so a reviewer sees what was and was not checked.
 */
public record Verification(VerifyResult result, List<String> witnesses) {
    public Verification {
        witnesses = List.copyOf(witnesses);
    }
}
