package dev.preflight.audit;

import dev.preflight.plan.Glob;
import java.time.LocalDate;
import java.util.List;

/**
 * An accepted, time-boxed exception to a requirement (plan section {@code waivers}): a failure it
 * covers is reported as a WARNING naming the waiver, until {@code expires}; from the day after, it
 * no longer applies and the report says so.
 *
 * @param requirement the requirement's name as reports show it (the plan's {@code name}, or the tool)
 * @param hosts       host globs, matched against {@code name} and {@code environment/name}
 * @param expires     last day the waiver applies (inclusive)
 */
public record Waiver(String requirement, List<String> hosts, String reason, String owner, LocalDate expires) {
    public Waiver {
        hosts = List.copyOf(hosts);
    }

    /** Whether this waiver is about that requirement on that host (whatever its expiry). */
    public boolean covers(AuditModel.Requirement r, AuditModel.Host host) {
        boolean req = requirement.equals(r.label()) || requirement.equals(r.name()) || requirement.equals(r.tool().id());
        return req && hosts.stream().anyMatch(g -> Glob.matches(g, host.name()) || Glob.matches(g, host.qualifiedName()));
    }

    public boolean expiredOn(LocalDate today) {
        return today.isAfter(expires);
    }

    /** The plan's waivers, as read by {@link WaiversParser}. */
    public record Waivers(List<Waiver> list) {
        public Waivers {
            list = List.copyOf(list);
        }
    }
}
