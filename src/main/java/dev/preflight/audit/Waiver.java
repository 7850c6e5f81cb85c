package dev.preflight.audit;

import dev.preflight.plan.Glob;
import java.time.LocalDate;
import java.util.ArrayList;
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

    /**
     * Applies waivers to failures: a current waiver turns a failure into a warning that names it;
     * an expired one leaves the failure and says it expired. Pass-throughs are unchanged.
     */
    public static AuditModel.Report apply(AuditModel.Report report, List<Waiver> waivers, LocalDate today) {
        if (waivers.isEmpty()) {
            return report;
        }
        List<AuditModel.HostReport> out = new ArrayList<>();
        for (AuditModel.HostReport h : report.hosts()) {
            List<AuditModel.Check> checks = new ArrayList<>();
            for (AuditModel.Check c : h.checks()) {
                checks.add(c instanceof AuditModel.Check.Failed f ? waive(f, h.host(), waivers, today) : c);
            }
            out.add(new AuditModel.HostReport(h.host(), h.unreachable(), checks, h.timing()));
        }
        return new AuditModel.Report(out, report.pace());
    }

    private static AuditModel.Check waive(AuditModel.Check.Failed f, AuditModel.Host host, List<Waiver> waivers,
                                          LocalDate today) {
        Waiver current = null;
        Waiver expired = null;
        for (Waiver w : waivers) {
            if (w.covers(f.requirement(), host)) {
                if (w.expiredOn(today)) {
                    expired = expired == null || w.expires().isAfter(expired.expires()) ? w : expired;
                } else if (current == null) {
                    current = w;
                }
            }
        }
        if (current != null) {
            return new AuditModel.Check.Waived(f.requirement(), f.found(), f.reason() + "; waived until "
                    + current.expires() + " by " + current.owner() + ": " + current.reason(), f.probe(), current);
        } else if (expired != null) {
            return new AuditModel.Check.Failed(f.requirement(), f.found(), f.reason() + " (waiver by "
                    + expired.owner() + " expired " + expired.expires() + "; it no longer applies)", f.probe());
        }
        return f;
    }

    /** The plan's waivers, as read by {@link WaiversParser}. */
    public record Waivers(List<Waiver> list) {
        public Waivers {
            list = List.copyOf(list);
        }
    }
}
