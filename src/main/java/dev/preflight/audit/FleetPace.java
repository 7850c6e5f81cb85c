package dev.preflight.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How many hosts an audit has in flight at once. Adaptive (the default) starts with a few, doubles
 * the window while hosts finished per second grows, and settles on the best window it measured,
 * never above {@code --parallel}; fixed keeps {@code --parallel} from the start.
 *
 * <p>Why throughput and not latency: on a fleet whose hosts share the client's cores (or a loaded
 * host pool behind one hypervisor), 32 hosts at once thrashed and took 2.6x as long as 4 at once
 * (78.0 s against 29.5 s for 32 sshd hosts on 2 cores); on hosts with their own CPU, 32 at once beat
 * 8 (2.17 s against 2.64 s for 100 hosts). No fixed number wins both, and latency alone cannot
 * tell them apart (it rises with the window in both, from the client's own CPU), while hosts
 * finished per second stops rising exactly where more at once stops helping.
 *
 * <p>A host still running long after the others (a black-holed address waiting for its connect
 * timeout, a probe that hangs) is a straggler: it keeps its thread but stops counting against the
 * window, so a few dead hosts never serialise the live ones. Thread-safe.
 */
final class FleetPace {
    /** The first window: two hosts, as a two-core client reaching hosts that share its cores does best near it. */
    static final int START = 2;
    /** A window is kept over the best only when it finishes hosts this much faster (noise is larger below). */
    static final double GAIN = 0.10;
    /** Hosts in flight this many times the mean host time are stragglers. */
    static final int STRAGGLER_FACTOR = 4;
    /** Below this a host is never a straggler (nor before any host finished). */
    static final long STRAGGLER_FLOOR_NANOS = 2_000_000_000L;
    /** Fewest hosts a window is judged on. */
    static final int MIN_SAMPLES = 4;

    /** Whether the window adapts or stays at the bound. */
    enum Mode {
        ADAPTIVE, FIXED
    }

    /** One started host: the step it was started in and when. */
    record Ticket(int step, long started) {
    }

    private final int max;
    private final LongSupplier nanos;
    private final List<Ticket> inFlight = new ArrayList<>();
    private final List<Integer> path = new ArrayList<>();
    private int window;
    private boolean settled;
    // The window being judged: its number, when its first host started, its hosts finished so far.
    private int step;
    private long stepStart = -1;
    private int stepDone;
    private double bestRate;
    private int bestWindow;
    /** The smallest window measured no better than the best (max + 1 while none). */
    private int worseWindow;
    // Mean host time, for stragglers.
    private long finished;
    private long finishedNanos;

    FleetPace(Mode mode, int max, LongSupplier nanos) {
        this.max = Math.max(1, max);
        this.nanos = nanos;
        this.window = mode == Mode.FIXED ? this.max : Math.min(START, this.max);
        this.settled = mode == Mode.FIXED || window == this.max;
        this.worseWindow = this.max + 1;
        path.add(window);
    }

    /** Blocks until a host may start, and starts it. */
    synchronized Ticket enter() throws InterruptedException {
        while (true) {
            long now = nanos.getAsLong();
            if (canStart(now)) {
                return start(now);
            }
            long wake = wakeAfter(now);
            // Woken by leave(); otherwise when the oldest host turns straggler.
            wait(wake <= 0 ? 0 : Math.max(1, wake / 1_000_000));
        }
    }

    /** The host of this ticket finished (whatever its outcome). */
    synchronized void leave(Ticket t) {
        finish(t, nanos.getAsLong());
        notifyAll();
    }

    /** The windows used, in order (the first is where it started; one entry when it never changed). */
    synchronized List<Integer> path() {
        return List.copyOf(path);
    }

    synchronized int window() {
        return window;
    }

    // The pure part below takes the time as an argument, so a simulated fleet can drive it.

    boolean canStart(long now) {
        return inFlight.size() < max && inFlight.size() - stragglers(now) < window;
    }

    Ticket start(long now) {
        if (stepStart < 0) {
            stepStart = now;
        }
        Ticket t = new Ticket(step, now);
        inFlight.add(t);
        return t;
    }

    void finish(Ticket t, long now) {
        if (!inFlight.remove(t)) {
            return;
        }
        finished++;
        finishedNanos += now - t.started();
        if (settled || t.step() != step) {
            return;
        }
        stepDone++;
        if (stepDone < Math.max(window, MIN_SAMPLES)) {
            return;
        }
        double rate = stepDone / (double) Math.max(1, now - stepStart);
        int next;
        if (rate > bestRate * (1 + GAIN)) {
            bestRate = rate;
            bestWindow = window;
            // Doubling until one is no better, then halving the gap to it.
            next = worseWindow > max ? Math.min(max, window * 2) : (window + worseWindow) / 2;
        } else {
            worseWindow = Math.min(worseWindow, window);
            next = (bestWindow + worseWindow) / 2;
        }
        if (next <= bestWindow || next >= worseWindow || next == window) {
            next = bestWindow;
            settled = true;
        }
        if (next != window) {
            path.add(next);
        }
        window = next;
        step++;
        stepStart = -1;
        stepDone = 0;
    }

    /** Nanoseconds until the oldest non-straggler turns straggler, or 0 when none will. */
    long wakeAfter(long now) {
        long limit = stragglerAfter();
        long soonest = 0;
        for (Ticket t : inFlight) {
            long left = t.started() + limit - now;
            if (left > 0 && (soonest == 0 || left < soonest)) {
                soonest = left;
            }
        }
        return soonest;
    }

    private int stragglers(long now) {
        long limit = stragglerAfter();
        int n = 0;
        for (Ticket t : inFlight) {
            if (now - t.started() >= limit) {
                n++;
            }
        }
        return n;
    }

    private long stragglerAfter() {
        long mean = finished == 0 ? 0 : finishedNanos / finished;
        return Math.max(STRAGGLER_FLOOR_NANOS, STRAGGLER_FACTOR * mean);
    }
}
