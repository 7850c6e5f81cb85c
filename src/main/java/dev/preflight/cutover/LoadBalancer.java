package dev.preflight.cutover;

import dev.preflight.cutover.CutoverPlan.Colour;
import java.io.IOException;
import java.util.List;

/**
 * The load balancer in front of blue and green, as the cutover drives it. {@link #switchTo} is
 * idempotent (switching to the colour already active changes nothing harmful) and returns only when
 * the load balancer itself confirms the new routing.
 */
public interface LoadBalancer {
    /** For reports: type and where it is. */
    String describe();

    /** What {@link #switchTo} would do, one line per action (for {@code cutover plan} and {@code --dry-run}). */
    List<String> actions(Colour to);

    /** Routes all new traffic to {@code to}, then checks the load balancer's own state says so. */
    void switchTo(Colour to) throws IOException, InterruptedException, LoadBalancerException;

    /**
     * The colour the load balancer routes to now, read from its state, or null when it cannot
     * tell or routes to both.
     */
    Colour active() throws IOException, InterruptedException;

    /** A switch the load balancer refused or that did not take effect; the message says which. */
    final class LoadBalancerException extends Exception {
        private static final long serialVersionUID = 1L;

        public LoadBalancerException(String message) {
            super(message);
        }
    }
}
