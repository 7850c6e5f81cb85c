package dev.preflight.audit;

import dev.preflight.core.Phases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * How many hosts an audit has in flight at once. Adaptive (the default) starts with four and doubles
 * the window while hosts finished per second does not fall; where it falls, it looks between the
 * last good window and that one, and settles on the best it measured, never above
 * {@code --parallel}; where the first window was the best, it halves the window while that is
 * faster still. Fixed keeps {@code --parallel} from the start.
 *
 * <p>Why hosts finished per second, and why growing while it is merely flat: on a machine where
 * every process start was dear, 32 sshd hosts sharing the client's 2 cores thrashed at 32 at once
 * and took 2.6x as long as at 4 (78.0 s against 29.5 s; the hosts' CPU 146 s against 51 s), while on
 * hosts with their own CPU 32 at once beat 8 (2.17 s against 2.64 s for 100 hosts), although the
 * client's CPU was as busy at 8 as at 32, so hosts per second looked flat between them. Latency
 * cannot tell these apart (it rises with the window in both); a fall in hosts per second is the
 * thrash, and a flat rate costs nothing to grow through.
 *
 * <p>A host still running long after the others (a probe that hangs), or one whose address has not
 * answered within {@link #UNANSWERED_NANOS} (a black hole waiting for its connect timeout), is a
 * straggler: it keeps its thread but stops counting against the window, so a few dead hosts never
 * serialise the live ones. Thread-safe.
 */
final class FleetPace {
    /**
     * The first window. From 2 the ramp cost 0.3 s of a 1.5 s audit of 100 recorded hosts (a cold
     * client's first hosts are slow at any window); from 4 it was within the noise. The pace goes
     * below it only where a larger window was worse and half of it is faster (see {@link #finish}).
     */
    static final int START = 4;
    /**
     * A window finishing hosts this much slower than the fastest so far, twice in a row (once for a
     * look longer than {@link #BELIEVED_LOOK_NANOS}), is worse (a thrash); within it, as good, and
     * the pace grows through it. In a cold client's first second,
     * 8 hosts at once measured anywhere from 23 to 49 hosts/s on recorded hosts (its compiler at
     * work), so one slow look is not believed; the thrash it guards against was 2.6x.
     */
    static final double DROP = 0.25;
    /**
     * Hosts in flight this many times the mean host time, and overtaken by {@link #OVERTAKEN} hosts
     * started after them, are stragglers.
     */
    static final int STRAGGLER_FACTOR = 4;
    /**
     * How many hosts started later must have finished before a slow host is a straggler. Time alone
     * was not enough: where a larger window makes every host slower (a thrash), the hosts of that
     * window outlived 4x the mean measured at the smaller one, each turned straggler, a host started
     * for each, and the pace judged 8 with 22 in flight (simulated: 19.9 s for that look; 52.8 s for
     * the fleet against 14 s for its live hosts at 2 at once). In a thrash hosts still finish about
     * in the order they started; a hung one is passed by the others.
     */
    static final int OVERTAKEN = 4;
    /** Below this an answered host is never a straggler. */
    static final long STRAGGLER_FLOOR_NANOS = 2_000_000_000L;
    /**
     * A host whose address has not answered by then is a straggler, even before any host finished
     * (see {@link #answered}). Linux sends an unanswered SYN again after 1 s, so by then its first
     * was lost: a dead address, not a slow one. With 4 silent addresses first among 100 recorded
     * hosts and a 3 s connect timeout, 2 s here took 5.8 s against 5.2 s for all 32 at once, 1 s
     * 5.5 s against 5.4 s (3 rounds each; all 32 at once also lost 28 live hosts to that timeout).
     */
    static final long UNANSWERED_NANOS = 1_000_000_000L;
    /**
     * A look at least this long that finds its window worse is believed at once. The second look
     * is for a cold client's noise, which lasts about a second (see {@link #DROP}); on 100 real sshd
     * hosts sharing 2 cores looks took 3-14 s (4 at once 0.77 hosts/s, 8 0.57, 2 1.23), and a run
     * that looked twice at 8 and at 16 took 179 s against 114 s for one that went down to 2.
     */
    static final long BELIEVED_LOOK_NANOS = 3_000_000_000L;
    /** Fewest hosts a window is judged on. */
    static final int MIN_SAMPLES = 4;

    /** Whether the window adapts or stays at the bound. */
    enum Mode {
        ADAPTIVE, FIXED
    }

    /**
     * One started host: its number (tickets of one step started in the same nanosecond stay
     * distinct), the step it was started in and when.
     */
    record Ticket(int number, int step, long started) {
    }

    private final int max;
    private final LongSupplier nanos;
    private final List<Ticket> inFlight = new ArrayList<>();
    /** The tickets in flight whose address answered (a connection was accepted). */
    private final Set<Ticket> answered = new HashSet<>();
    /** Per ticket in flight, how many answered hosts started after it have finished. */
    private final Map<Ticket, Integer> overtaken = new HashMap<>();
    private final List<Integer> path = new ArrayList<>();
    /** Hosts started so far. */
    private int started;
    private int window;
    private boolean settled;
    // The window being judged: its number, when its first host that answered started, its hosts
    // that answered finished so far.
    private int step;
    private long stepStart = -1;
    private int stepDone;
    /** The fastest rate measured (hosts per nanosecond) and its window. */
    private double peakRate;
    private int peakWindow;
    /** The largest window measured as good as the peak, below {@link #worseWindow}. */
    private int goodWindow;
    /** Whether the window now judged already looked worse once (a second look decides). */
    private boolean doubted;
    /** The smallest window measured worse than the peak (max + 1 while none). */
    private int worseWindow;
    /** Below the start, halving while each window beats every one measured (see {@link #finish}). */
    private boolean descending;
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

    /**
     * The host of this ticket answered: its address accepted a connection, so it is alive and, from
     * here on, a straggler only by the fleet's host time and the hosts that passed it. Hosts that
     * are not reached over a network answer when they start.
     */
    synchronized void answered(Ticket t) {
        if (inFlight.contains(t)) {
            answered.add(t);
            if (t.step() == step && (stepStart < 0 || t.started() < stepStart)) {
                stepStart = t.started();
            }
        }
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
        Ticket t = new Ticket(started++, step, now);
        inFlight.add(t);
        return t;
    }

    void finish(Ticket t, long now) {
        if (!inFlight.remove(t)) {
            return;
        }
        overtaken.remove(t);
        if (!answered.remove(t)) {
            // A host whose address never answered (refused at once, or silent until its timeout)
            // says nothing about what the fleet carries: neither the host time nor the window's
            // rate counts it. Four black holes at the head of the list, counted, made the first
            // window look slow and the pace grew into a thrash (simulated: 58.6 s against 30.6 s).
            return;
        }
        for (Ticket u : inFlight) {
            if (u.number() < t.number()) {
                overtaken.merge(u, 1, Integer::sum);
            }
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
        if (Phases.on()) {
            // How bench/audit sees why the pace moved: each look, its rate, the fastest so far.
            Phases.mark("pace-look window=" + window + " hosts=" + stepDone + " ms=" + (now - stepStart) / 1_000_000
                    + " in-flight=" + inFlight.size() + " per-s=" + Math.round(rate * 1e11) / 100.0
                    + " fastest=" + Math.round(Math.max(rate, peakRate) * 1e11) / 100.0 + "@"
                    + (rate > peakRate ? window : peakWindow) + (doubted ? " second-look" : ""));
        }
        if (rate > peakRate) {
            peakRate = rate;
            peakWindow = window;
        }
        if (descending) {
            // Below the start a window is kept only while it is the fastest of all measured: half
            // of it is tried next, else the pace settles on the fastest. No second look here: the
            // windows above were already measured worse twice.
            moveTo(peakWindow == window && window > 1 ? window / 2 : peakWindow, peakWindow != window || window == 1);
            return;
        }
        boolean worse = rate < peakRate * (1 - DROP);
        if (worse && !doubted && now - stepStart < BELIEVED_LOOK_NANOS) {
            // Judged again at the same window, from a fresh start.
            doubted = true;
            step++;
            stepStart = -1;
            stepDone = 0;
            return;
        }
        doubted = false;
        int next;
        boolean bisecting = worseWindow <= max;
        if (!worse) {
            // As good as the fastest (the fastest is the highest rate seen, so a slow slide over
            // several flat steps still counts as a fall): the next window is tried above it,
            // doubling until one is worse, then once halfway back to the last good one.
            goodWindow = window;
            next = worseWindow > max ? Math.min(max, window * 2) : (window + worseWindow) / 2;
        } else {
            worseWindow = Math.min(worseWindow, window);
            next = (goodWindow + worseWindow) / 2;
        }
        if (bisecting || next <= goodWindow || next >= worseWindow || next == window) {
            // One look between the last good and the first worse window (each look at a window
            // near a thrash costs a window's worth of slow hosts), then the bound when no window
            // was worse, else the fastest measured.
            next = worseWindow > max ? window : peakWindow;
            settled = true;
            if (worseWindow <= max && peakWindow == path.get(0) && peakWindow > 1) {
                // The first window was the fastest and a larger one thrashed: the machine may carry
                // fewer hosts still (real sshd hosts sharing 2 cores where every process start was
                // dear: 4 at once 119 s, 32 at once 225 s, one at a time 113 s), so half is looked at.
                next = peakWindow / 2;
                settled = false;
                descending = true;
            }
        }
        moveTo(next, settled);
    }

    /** Moves to window {@code next} (settled there, or to be judged) and starts judging it afresh. */
    private void moveTo(int next, boolean settle) {
        settled = settle;
        if (next != window) {
            path.add(next);
        }
        window = next;
        step++;
        stepStart = -1;
        stepDone = 0;
    }

    /** Nanoseconds until the next host in flight turns straggler, or 0 when none will. */
    long wakeAfter(long now) {
        long soonest = 0;
        for (Ticket t : inFlight) {
            long limit = limit(t);
            long left = limit < 0 ? 0 : t.started() + limit - now;
            if (left > 0 && (soonest == 0 || left < soonest)) {
                soonest = left;
            }
        }
        return soonest;
    }

    int stragglers(long now) {
        int n = 0;
        for (Ticket t : inFlight) {
            long limit = limit(t);
            if (limit >= 0 && now - t.started() >= limit) {
                n++;
            }
        }
        return n;
    }

    /**
     * How long this host may be in flight before it is a straggler, or -1 (not yet known). A host
     * whose address has not answered is one after {@link #UNANSWERED_NANOS} whatever the others do:
     * a connect that waits uses no CPU anywhere, so it says nothing about what the fleet carries,
     * and four black holes at the head of the list held the first window until their timeout.
     */
    private long limit(Ticket t) {
        if (!answered.contains(t)) {
            return UNANSWERED_NANOS;
        }
        // Not yet passed by enough later hosts: no time makes it a straggler (a finish re-checks).
        return overtaken.getOrDefault(t, 0) < OVERTAKEN ? -1 : stragglerAfter();
    }

    /**
     * How long an answered host is in flight before it is a straggler; -1 (never) until such a host has finished.
     * Before that no host time is known: the floor alone had made the first window's hosts
     * stragglers after 2 s where every host took longer (real sshd hosts on a machine where process
     * start-up was dear), so a second window's worth started beside them, the first judgement was
     * of twice the window, and the pace grew into the thrash it guards against (4 -> 8 -> 16 -> 12:
     * 187.5 s against 96.8 s for the sequential loop). An address that has not answered is judged
     * on its own ({@link #limit}).
     */
    private long stragglerAfter() {
        if (finished == 0) {
            return -1;
        }
        return Math.max(STRAGGLER_FLOOR_NANOS, STRAGGLER_FACTOR * (finishedNanos / finished));
    }
}
