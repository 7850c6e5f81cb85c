package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.core.Errors;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.exec.HostConnectors;
import dev.preflight.exec.SshConnector;
import dev.preflight.exec.SshOptions;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The ad-hoc {@code preflight audit --local/--host ... --require ...}: given hosts and requirements,
 * no plan. The caller records the report (subject {@link #SUBJECT}) once it has the ledger open.
 */
public final class AuditHosts {
    /** The ledger subject of an ad-hoc audit. */
    public static final String SUBJECT = "ad-hoc";

    private final AuditContext ctx;

    public AuditHosts(AuditContext ctx) {
        this.ctx = ctx;
    }

    /** Audits the hosts; SSH hosts are reached with {@code ssh} (strict host keys, no plan secrets). */
    public Report run(List<Host> hosts, List<Requirement> requirements, SshOptions ssh) throws InterruptedException {
        if (hosts.stream().allMatch(h -> h.uri().isLocal())) {
            return ctx.service(HostConnectors.localOnly(Secrets.none())).audit(hosts, requirements);
        }
        try (SshConnector c = new SshConnector(ssh, Secrets.none())) {
            return ctx.service(c).audit(hosts, requirements);
        } catch (IOException e) {
            throw PreflightException.usage(Errors.describe(e), "give --known-hosts FILE and -i KEY");
        }
    }

    /** Parses an ad-hoc {@code tool=constraint} from the command line. */
    public static Requirement requirement(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw PreflightException.usage("--require '" + spec + "' is not TOOL=CONSTRAINT",
                    "e.g. --require node=20 --require 'mysql=>=8.0.36 <8.1'");
        }
        String tool = spec.substring(0, eq).strip();
        Tool t = Tool.byId(tool).orElseThrow(() -> PreflightException.usage("unknown tool '" + tool + "' in --require",
                "one of: " + String.join(", ", Arrays.stream(Tool.values()).map(Tool::id).toList())));
        try {
            return new Requirement(null, t, Constraint.parse(spec.substring(eq + 1).strip()), null, List.of());
        } catch (Constraint.ParseException e) {
            throw PreflightException.usage("--require '" + spec + "': " + e.getMessage(), null);
        }
    }
}
