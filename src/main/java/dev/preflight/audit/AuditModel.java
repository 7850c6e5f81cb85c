package dev.preflight.audit;

import dev.preflight.core.Verdict;
import dev.preflight.exec.HostUri;
import dev.preflight.plan.Glob;
import dev.preflight.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The data of an audit: what to check, where, and what came out. */
public final class AuditModel {
    private AuditModel() {
    }

    /**
     * A host to audit. {@code server} is set for the pseudo-host that stands for one of an
     * environment's servers (its MySQL or Redis), which is asked over its own protocol rather than
     * through a shell.
     */
    public record Host(String environment, String name, HostUri uri, List<String> tags, Server server) {
        public Host {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        public Host(String environment, String name, HostUri uri) {
            this(environment, name, uri, List.of(), null);
        }

        /** {@code environment/name}, as reports and waivers name hosts. */
        public String qualifiedName() {
            return environment + "/" + name;
        }
    }

    /** An environment's server, asked for its version directly: {@code kind} is {@code mysql} or {@code redis}. */
    public record Server(String kind, Plan.Endpoint endpoint) {
        @Override
        public String toString() {
            return kind + "://" + endpoint.host() + ":" + endpoint.port();
        }
    }

    /**
     * One requirement as the engine runs it. {@code pattern} (a regex with a named group
     * {@code version}) replaces the tool's parser when given, and is how custom tools are read;
     * {@code hosts} (globs) and {@code tags} limit where it applies (both empty: everywhere).
     */
    public record Requirement(String name, Tool tool, Constraint constraint, String flavor, List<String> argv,
                              Pattern pattern, List<String> hosts, List<String> tags) {
        public Requirement {
            argv = argv == null ? List.of() : List.copyOf(argv);
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        public Requirement(String name, Tool tool, Constraint constraint, String flavor, List<String> argv) {
            this(name, tool, constraint, flavor, argv, null, List.of(), List.of());
        }

        /** Stable display name, e.g. {@code node 20} or the plan's name. */
        public String label() {
            return name != null && !name.equals(tool.id()) ? name : tool.id() + " " + constraint.text();
        }

        /** Whether the requirement is checked on this host (server requirements only on their server). */
        public boolean appliesTo(Host host) {
            if (host.server() != null || tool.serverKind() != null) {
                return host.server() != null && host.server().kind().equals(tool.serverKind());
            }
            if (hosts.isEmpty() && tags.isEmpty()) {
                return true;
            }
            return hosts.stream().anyMatch(g -> Glob.matches(g, host.name()) || Glob.matches(g, host.qualifiedName()))
                    || host.tags().stream().anyMatch(tags::contains);
        }
    }

    /** The outcome of one requirement on one host. */
    public sealed interface Check {
        Requirement requirement();

        /** The version found, as the tool printed it (with flavor), or "" when none was. */
        String found();

        /** What the probe saw (raw output and the rule that read it); null when no probe ran. */
        ProbeResult probe();

        /** Why it did not pass; null when it passed. */
        default String reason() {
            return null;
        }

        /** The found version satisfies the constraint (and flavor). */
        record Passed(Requirement requirement, String found, ProbeResult probe) implements Check {
        }

        /** It does not, or the tool is missing; {@code reason} says why. */
        record Failed(Requirement requirement, String found, String reason, ProbeResult probe) implements Check {
        }

        /** A failure a current waiver accepts: a warning that names the waiver, its owner and expiry. */
        record Waived(Requirement requirement, String found, String reason, ProbeResult probe, Waiver waiver)
                implements Check {
        }

        /** The probe could not tell (unreadable output, timeout). */
        record ProbeError(Requirement requirement, String found, String reason, ProbeResult probe) implements Check {
        }
    }

    /**
     * Everything found on one host; {@code unreachable} is the reason when it could not be reached.
     * {@code timing} says when the host's audit started and how long each probe took (CI reports show it).
     */
    public record HostReport(Host host, String unreachable, List<Check> checks, Timing timing) {
        public HostReport {
            checks = List.copyOf(checks);
            timing = timing == null ? Timing.UNKNOWN : timing;
        }

        public HostReport(Host host, String unreachable, List<Check> checks) {
            this(host, unreachable, checks, Timing.UNKNOWN);
        }
    }

    /**
     * When a host's audit started, how long it took in all, and each check's probe time in the order
     * of the checks ({@code perCheck} may be shorter when a time is unknown); {@code started} null: unknown.
     */
    public record Timing(Instant started, Duration total, List<Duration> perCheck) {
        /** For reports built without measuring (tests, reports read back from JSON). */
        public static final Timing UNKNOWN = new Timing(null, Duration.ZERO, List.of());

        public Timing {
            total = total == null ? Duration.ZERO : total;
            perCheck = perCheck == null ? List.of() : List.copyOf(perCheck);
        }

        /** The probe time of check {@code i}, zero when unknown. */
        public Duration of(int i) {
            return i < perCheck.size() ? perCheck.get(i) : Duration.ZERO;
        }
    }

    /**
     * The whole audit, hosts in the order given; {@code pace} says, by environment, how many hosts
     * were in flight at once: each window {@link FleetPace} used, in order (none for an audit read
     * back from the ledger).
     */
    public record Report(List<HostReport> hosts, Map<String, List<Integer>> pace) {
        public Report {
            hosts = List.copyOf(hosts);
            pace = pace == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(pace));
        }

        public Report(List<HostReport> hosts) {
            this(hosts, Map.of());
        }

        public long failures() {
            return count(Check.Failed.class);
        }

        public long warnings() {
            return count(Check.Waived.class);
        }

        public long problems() {
            return hosts.stream().filter(h -> h.unreachable() != null).count() + count(Check.ProbeError.class);
        }

        private long count(Class<? extends Check> kind) {
            return hosts.stream().flatMap(h -> h.checks().stream()).filter(kind::isInstance).count();
        }

        /**
         * The environments whose hosts all answered but where no requirement applied to any of them
         * (hosts or tags that match none): nothing was verified there, which is not a pass.
         */
        public List<String> unverified() {
            Map<String, List<HostReport>> byEnvironment = new LinkedHashMap<>();
            hosts.forEach(h -> byEnvironment.computeIfAbsent(h.host().environment(), k -> new ArrayList<>()).add(h));
            return byEnvironment.entrySet().stream().filter(e -> e.getValue().stream()
                    .allMatch(h -> h.unreachable() == null && h.checks().isEmpty())).map(Map.Entry::getKey).toList();
        }

        /**
         * Failed when a check failed or an environment had nothing to verify ({@link #unverified}),
         * incomplete when neither but a host was unreachable or a probe could not tell, else passed. A
         * waived failure is an accepted one: the audit passes and says how many it waived (as its
         * reports, the ledger and the gates have always read it).
         */
        public Verdict verdict() {
            return failures() > 0 || !unverified().isEmpty() ? Verdict.FAILED
                    : problems() > 0 ? Verdict.INCOMPLETE : Verdict.PASSED;
        }

        /** 0 all passed (warnings allowed), 1 any failure, 3 no failure but a host unreachable or a probe error. */
        public int exitCode() {
            return verdict().exitCode().code();
        }

        /** One line per {@link #unverified} environment. */
        public List<String> unverifiedLines() {
            return unverified().stream().map(env -> env + ": no requirement applies to any of its "
                    + hosts.stream().filter(h -> h.host().environment().equals(env)).count()
                    + " host(s) (check the requirements' hosts and tags): nothing was verified").toList();
        }

        /** One line per failure, unreachable host or probe error, for NO-GO reasons. */
        public List<String> reasons() {
            List<String> reasons = new ArrayList<>(unverifiedLines());
            for (HostReport h : hosts) {
                if (h.unreachable() != null) {
                    reasons.add(h.host().qualifiedName() + " unreachable: " + h.unreachable());
                }
                for (Check c : h.checks()) {
                    if (c instanceof Check.Failed || c instanceof Check.ProbeError) {
                        reasons.add(h.host().qualifiedName() + ": " + c.requirement().label() + ": " + c.reason());
                    }
                }
            }
            return reasons;
        }
    }
}
