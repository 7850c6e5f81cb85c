package dev.preflight.cutover;

import dev.preflight.exec.HttpCheck;
import dev.preflight.plan.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan's {@code cutover} section (runbook §4.2): the two colours, the load balancer in front of
 * them, and what each step of the cutover runs and checks. Absent optional parts are null or empty
 * lists; {@link CutoverPlanParser} fills the defaults.
 *
 * @param environment    the environment being cut over (the ledger subject and lock name)
 * @param replica        the database the green stack uses (migrations snapshot, promotion), or null
 * @param failbackBound  how fast failback must be (the runbook's 5 minutes)
 * @param backupMaxAge   how old the newest passed backup may be when contract runs
 * @param project        the plan's project name, recorded in every cutover's begin entry and failback drill:
 *                       two projects may share one ledger and name an environment alike, and one's
 *                       cutover or drill must never speak for the other's; null when the plan names none
 * @param backedUp       the origins of the databases the plan's backups section dumps: contract counts only a
 *                       backup of one of them (empty when the plan backs up no database: contract is then refused)
 */
public record CutoverPlan(String environment, Side blue, Side green, LoadBalancerConfig loadBalancer,
                          Prepare prepare, Expand expand, Plan.Endpoint replica, Promote promote, List<HttpCheck> smoke,
                          Stable stable, Contract contract, Duration failbackBound, Duration backupMaxAge, String project,
                         List<String> backedUp) {
    public CutoverPlan {
        smoke = List.copyOf(smoke);
        backedUp = List.copyOf(backedUp);
    }

    /** The side of a colour. */
    public Side side(Colour c) {
        return c == Colour.BLUE ? blue : green;
    }

    /** The two stacks. */
    public enum Colour {
        BLUE, GREEN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public Colour other() {
            return this == BLUE ? GREEN : BLUE;
        }
    }

    /**
     * One colour's stack.
     *
     * @param servers what the load balancer routes to: {@code host:port} upstream addresses for
     *                nginx, server names of the backend for haproxy
     * @param marker  text a response served by this colour contains (body or a header value), used
     *                to verify the switch through {@code load_balancer.verify_url}
     */
    public record Side(Colour colour, String name, String healthUrl, List<String> servers, String marker) {
        public Side {
            servers = List.copyOf(servers);
        }
    }

    /**
     * How to reach and drive the load balancer; which fields matter depends on {@code type}
     * ({@code nginx}, {@code haproxy} or {@code command}). A switch is verified through
     * {@code verifyUrl} when set: only the target colour answers, on new connections, for at least
     * {@code verifySettle}.
     */
    public record LoadBalancerConfig(String type, Path includeFile, String upstream, List<String> nginx,
                                     Path socket, String backend, List<String> switchToBlue,
                                     List<String> switchToGreen, List<String> verifyBlue, List<String> verifyGreen,
                                     String verifyUrl, Duration verifyTimeout, Duration verifySettle) {
        public LoadBalancerConfig {
            nginx = List.copyOf(nginx);
            switchToBlue = List.copyOf(switchToBlue);
            switchToGreen = List.copyOf(switchToGreen);
            verifyBlue = List.copyOf(verifyBlue);
            verifyGreen = List.copyOf(verifyGreen);
        }
    }

    /** Green's readiness beyond its health URL: more HTTP checks and a workers command (argv, exit 0 = up). */
    public record Prepare(List<HttpCheck> checks, List<String> workersCommand) {
        public Prepare {
            checks = List.copyOf(checks);
            workersCommand = List.copyOf(workersCommand);
        }
    }

    /**
     * The expand migrations: the command (argv, in {@code dir}), Laravel's migrations table, the
     * folder of migration files (pending ones are checked before anything runs), and the name
     * pattern that marks contract migrations.
     */
    public record Expand(List<String> command, Path dir, String table, Path migrationsDir, String contractPattern) {
        public Expand {
            command = List.copyOf(command);
        }
    }

    /**
     * Promotion of the replica: {@code lagQuery} must report at most {@code maxLag} seconds (a
     * column {@code Seconds_Behind_Master}/{@code Seconds_Behind_Source}, or the first column), then
     * {@code sql} runs, then {@code verifyQuery}'s first value must equal {@code verifyExpect}.
     */
    public record Promote(String lagQuery, int maxLag, List<String> sql, String verifyQuery, String verifyExpect) {
        public Promote {
            sql = List.copyOf(sql);
        }
    }

    /**
     * The stable window, its breach policy and what each monitor round runs every {@code interval}:
     * HTTP probes and commands (argv; a non-zero exit is a breach).
     */
    public record Stable(Duration window, String policy, Duration interval, List<MonitorCheck> checks,
                         List<List<String>> commands, Duration maxGap) {
        public Stable {
            checks = List.copyOf(checks);
            commands = commands.stream().map(List::copyOf).toList();
        }

        public boolean failbackOnBreach() {
            return "failback".equals(policy);
        }

        /**
         * The start of the watch that reaches {@code now}: the switch, unless the monitor rounds
         * since (and {@code now}, a round about to be taken) leave a gap longer than {@link #maxGap},
         * in which case the window is watched again from the end of the newest such gap. A window
         * is stable only once {@link #window} has passed since then: two probes 24 h apart watched
         * nothing in between.
         */
        public Watch watch(Instant switchedAt, List<Instant> rounds, Instant now) {
            List<Instant> points = new ArrayList<>(rounds.stream().filter(t -> !t.isBefore(switchedAt)).sorted().toList());
            points.add(0, switchedAt);
            Instant later = now;
            for (int i = points.size() - 1; i >= 0; i--) {
                Instant t = points.get(i);
                if (Duration.between(t, later).compareTo(maxGap) > 0) {
                    return new Watch(later, t, later);
                }
                later = t;
            }
            return new Watch(switchedAt, null, null);
        }
    }

    /**
     * The watch of a stable window that reaches now.
     *
     * @param since   when it began: the switch, or the end of the newest gap
     * @param gapFrom the newest gap over {@code max_gap} began (a round or the switch), or null
     * @param gapTo   and ended (the next round, or now), or null
     */
    public record Watch(Instant since, Instant gapFrom, Instant gapTo) {
    }

    /** A monitor probe: {@code samples} GETs per round; breach when the error rate or p95 latency is over. */
    public record MonitorCheck(String name, String url, int samples, double maxErrorRate, Duration maxLatency) {
    }

    /** The contract migrations: the point of no return. */
    public record Contract(List<String> command, Path dir) {
        public Contract {
            command = List.copyOf(command);
        }
    }
}
