package dev.preflight.audit;

import dev.preflight.exec.HostUri;
import java.util.List;

/** The data of an audit: what to check, where, and what came out. */
public final class AuditModel {
    private AuditModel() {
    }

    /** A host to audit. */
    public record Host(String environment, String name, HostUri uri) {
    }

    /** One requirement as the engine runs it. */
    public record Requirement(String name, Tool tool, Constraint constraint, String flavor, List<String> argv) {
        public Requirement {
            argv = argv == null ? List.of() : List.copyOf(argv);
        }

        /** Stable display name, e.g. {@code node 20} or the plan's name. */
        public String label() {
            return name != null && !name.equals(tool.id()) ? name : tool.id() + " " + constraint.text();
        }
    }

    /** The outcome of one requirement on one host. */
    public sealed interface Check {
        Requirement requirement();

        String found();

        /** The found version satisfies the constraint (and flavor). */
        record Passed(Requirement requirement, String found, ProbeResult probe) implements Check {
        }

        /** It does not, or the tool is missing; {@code reason} says why. */
        record Failed(Requirement requirement, String found, String reason, ProbeResult probe) implements Check {
        }

        /** The probe could not tell (unreadable output, timeout). */
        record ProbeError(Requirement requirement, String found, String reason, ProbeResult probe) implements Check {
        }
    }

    /** Everything found on one host; {@code unreachable} is the reason when it could not be reached. */
    public record HostReport(Host host, String unreachable, List<Check> checks) {
        public HostReport {
            checks = List.copyOf(checks);
        }
    }

    /** The whole audit, hosts in the order given. */
    public record Report(List<HostReport> hosts) {
        public Report {
            hosts = List.copyOf(hosts);
        }

        public long failures() {
            return hosts.stream().flatMap(h -> h.checks().stream()).filter(c -> c instanceof Check.Failed).count();
        }

        public long problems() {
            return hosts.stream().filter(h -> h.unreachable() != null).count()
                    + hosts.stream().flatMap(h -> h.checks().stream()).filter(c -> c instanceof Check.ProbeError).count();
        }

        /** 0 all passed, 1 any failure, 3 no failure but a host unreachable or a probe error. */
        public int exitCode() {
            return failures() > 0 ? 1 : problems() > 0 ? 3 : 0;
        }
    }
}
