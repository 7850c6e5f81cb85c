package dev.preflight.restore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The undo actions of one restore test (drop the scratch database, stop the scratch Redis, remove
 * its directory), run once: at the end of the test, on failure, or from a JVM shutdown hook on
 * Ctrl-C, whichever comes first. Thread-safe and idempotent.
 */
final class Cleanup implements AutoCloseable {
    /** One undo action; what it did is reported. */
    @FunctionalInterface
    interface Action {
        String run() throws Exception;
    }

    private final Deque<Action> actions = new ArrayDeque<>();
    private final List<String> done = new ArrayList<>();
    private final Thread hook = new Thread(this::runAll, "preflight-restore-cleanup");
    private boolean hooked;
    private boolean ran;

    /** Registers an action (run last-in first-out) and, the first time, the shutdown hook. */
    synchronized void add(Action a) {
        if (ran) {
            throw new IllegalStateException("cleanup already ran");
        }
        actions.push(a);
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        }
    }

    /** Runs every action once; returns what each did (or why it failed). */
    synchronized List<String> runAll() {
        if (!ran) {
            ran = true;
            while (!actions.isEmpty()) {
                Action a = actions.pop();
                try {
                    done.add(a.run());
                } catch (Exception e) {
                    done.add("FAILED: " + dev.preflight.core.Errors.describe(e));
                }
            }
        }
        return List.copyOf(done);
    }

    /** Forgets the actions without running them ({@code --keep}). */
    synchronized void forget() {
        actions.clear();
        ran = true;
    }

    @Override
    public synchronized void close() {
        if (hooked && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook runs the (idempotent) actions itself.
            }
            hooked = false;
        }
    }
}
