package dev.preflight.restore;

import dev.preflight.core.Errors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The undo actions of one restore test (drop the scratch database, stop the scratch Redis, remove
 * its directory), run once: at the end of the test, on failure, or from a JVM shutdown hook on
 * Ctrl-C or SIGTERM, whichever comes first; from the hook it also says what it undid, since the
 * command's own report will never be printed. Thread-safe and idempotent.
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
    private final Consumer<String> onSignal;
    private boolean hooked;
    private boolean ran;

    /** Undo actions whose results are not reported when a signal runs them. */
    Cleanup() {
        this(line -> { });
    }

    /** @param onSignal told, line by line, what the actions undid when a signal (the shutdown hook) runs them */
    Cleanup(Consumer<String> onSignal) {
        this.onSignal = onSignal;
    }

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
            boolean signalled = Thread.currentThread() == hook;
            while (!actions.isEmpty()) {
                Action a = actions.pop();
                String what;
                try {
                    what = a.run();
                } catch (Exception e) {
                    what = "FAILED: " + Errors.describe(e);
                }
                done.add(what);
                if (signalled && !what.isBlank()) {
                    onSignal.accept(what);
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
