package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.SshOptions;
import dev.preflight.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Turns the plan's environments and the audit's requirements into what the engine audits. */
public final class AuditTargets {
    private AuditTargets() {
    }

    /**
     * One environment's hosts (and a pseudo-host per configured server its requirements ask) with
     * the global requirements plus the environment's own, and how to reach its SSH hosts.
     */
    public record Target(String environment, List<Host> hosts, List<Requirement> requirements, SshOptions ssh) {
    }

    /** Every environment (or only {@code onlyEnvironment}) that has hosts and requirements. */
    public static List<Target> of(Plan plan, String onlyEnvironment) {
        AuditPlan audit = AuditPlan.of(plan);
        List<Target> out = new ArrayList<>();
        for (Plan.Environment e : plan.environments()) {
            if (onlyEnvironment != null && !onlyEnvironment.equals(e.name())) {
                continue;
            }
            List<Requirement> reqs = audit.requirementsOf(e.name()).stream().map(AuditTargets::requirement).toList();
            List<Host> hosts = new ArrayList<>(e.hosts().stream()
                    .map(h -> new Host(e.name(), h.name(), h.uri(), h.tags(), null)).toList());
            if (!hosts.isEmpty()) {
                // Servers are asked only when a requirement needs them (the parser checked they are configured).
                for (String kind : List.of("mysql", "redis")) {
                    Plan.Endpoint ep = kind.equals("mysql") ? e.connections().mysql() : e.connections().redis();
                    if (ep != null && reqs.stream().anyMatch(r -> kind.equals(r.tool().serverKind()))) {
                        AuditModel.Server srv = new AuditModel.Server(kind, ep);
                        hosts.add(new Host(e.name(), srv.toString(), HostUri.LOCAL, List.of(), srv));
                    }
                }
            }
            if (!reqs.isEmpty() && !hosts.isEmpty()) {
                out.add(new Target(e.name(), hosts, reqs, e.ssh()));
            }
        }
        if (onlyEnvironment != null && plan.environment(onlyEnvironment).isEmpty()) {
            throw PreflightException.usage("no environment '" + onlyEnvironment + "' in the plan",
                    "environments: " + String.join(", ", plan.environments().stream().map(Plan.Environment::name).toList()));
        }
        return out;
    }

    /**
     * What an audit of one target checks, as a SHA-256 hex: each host (name, address, tags), each
     * server asked, every requirement as the plan writes it, and the waivers that apply to them. The
     * audit records it with its evidence and readiness compares it with the plan as it is now, so an
     * audit of weaker requirements, of other hosts or under a waiver since withdrawn never passes for
     * the plan as edited since. And the SSH options that change what a probe sees: {@code login_shell}
     * (the PATH a tool is found in) and {@code strict_host_key_checking} (whether the host that answered
     * was shown to be the plan's); the connect timeout, known_hosts and identity files change only
     * whether a host is reached. Those two are added only when not the defaults, so a plan with the
     * defaults keeps the fingerprint audits recorded before they were part of it.
     */
    public static String fingerprint(Plan plan, Target t) {
        return fingerprint(plan, t, t.ssh() != null && t.ssh().loginShell(), t.ssh() == null || t.ssh().strictHostKeys());
    }

    /**
     * The SSH options of the target an audit with fingerprint {@code recorded} was taken under, when it
     * differs from the plan as it is now only in them ({@code login_shell true, strict_host_key_checking
     * true}); null otherwise (the hosts, requirements or waivers changed too, or nothing did).
     */
    public static String sshOptionsOf(Plan plan, Target t, String recorded) {
        for (boolean login : new boolean[] {false, true}) {
            for (boolean strict : new boolean[] {true, false}) {
                if (fingerprint(plan, t, login, strict).equals(recorded)) {
                    return ssh(login, strict);
                }
            }
        }
        return null;
    }

    /** How the target's SSH options that are part of its fingerprint read in a message. */
    public static String sshOptions(Target t) {
        return ssh(t.ssh() != null && t.ssh().loginShell(), t.ssh() == null || t.ssh().strictHostKeys());
    }

    private static String ssh(boolean login, boolean strict) {
        return "login_shell " + login + ", strict_host_key_checking " + strict;
    }

    private static String fingerprint(Plan plan, Target t, boolean loginShell, boolean strictHostKeys) {
        StringBuilder b = new StringBuilder("audit-targets/1\n").append(Json.canonical(t.environment())).append('\n');
        if (loginShell) {
            b.append("ssh login_shell\n");
        }
        if (!strictHostKeys) {
            b.append("ssh no_strict_host_key_checking\n");
        }
        for (Host h : t.hosts()) {
            b.append("host ").append(Json.canonical(List.of(h.name(), h.uri().toString(), h.tags())));
            if (h.server() != null) {
                Plan.Endpoint ep = h.server().endpoint();
                b.append(" server ").append(Json.canonical(List.of(h.server().toString(), String.valueOf(ep.user()),
                        String.valueOf(ep.database()))));
            }
            b.append('\n');
        }
        for (AuditPlan.Requirement r : AuditPlan.of(plan).requirementsOf(t.environment())) {
            b.append("requirement ").append(Json.canonical(r)).append('\n');
        }
        List<Waiver> waivers = plan.section("waivers", Waiver.Waivers.class).map(Waiver.Waivers::list).orElse(List.of());
        for (Waiver w : waivers) {
            if (t.requirements().stream().anyMatch(r -> t.hosts().stream().anyMatch(h -> w.covers(r, h)))) {
                b.append("waiver ").append(Json.canonical(List.of(w.requirement(), w.hosts(), w.expires().toString())))
                        .append('\n');
            }
        }
        return Hashing.sha256Hex(b.toString());
    }

    /** A requirement of the plan as the engine runs it (the parser validated tool, constraint and pattern). */
    static Requirement requirement(AuditPlan.Requirement r) {
        return new Requirement(r.name(), Tool.byId(r.tool()).orElseThrow(), Constraint.parse(r.version()), r.flavor(),
                r.command(), r.pattern() == null ? null : Pattern.compile(r.pattern()), r.hosts(), r.tags());
    }
}
