package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns the plan's environments and requirements into audit inputs, and records audits in the ledger. */
public final class PlanAudit {
    private PlanAudit() {
    }

    /** One environment's hosts with the global requirements plus the environment's own. */
    public record Target(String environment, List<Host> hosts, List<Requirement> requirements) {
    }

    public static List<Target> targets(Plan plan, String onlyEnvironment) {
        List<Target> out = new ArrayList<>();
        for (Plan.Environment e : plan.environments()) {
            if (onlyEnvironment != null && !onlyEnvironment.equals(e.name())) {
                continue;
            }
            List<Requirement> reqs = new ArrayList<>();
            plan.requirements().forEach(r -> reqs.add(requirement(r)));
            e.requirements().forEach(r -> reqs.add(requirement(r)));
            List<Host> hosts = e.hosts().stream().map(h -> new Host(e.name(), h.name(), h.uri())).toList();
            if (!reqs.isEmpty() && !hosts.isEmpty()) {
                out.add(new Target(e.name(), hosts, reqs));
            }
        }
        if (onlyEnvironment != null && plan.environment(onlyEnvironment).isEmpty()) {
            throw PreflightException.usage("no environment '" + onlyEnvironment + "' in the plan",
                    "environments: " + String.join(", ", plan.environments().stream().map(Plan.Environment::name).toList()));
        }
        return out;
    }

    static Requirement requirement(Plan.Requirement r) {
        if ("custom".equals(r.tool())) {
            // Refused rather than skipped: a requirement we cannot check must not look satisfied.
            throw PreflightException.usage("custom tool requirement '" + r.name() + "' is not supported by this build yet",
                    "remove it or wait for custom probes (issue #3)");
        }
        return new Requirement(r.name(), Tool.byId(r.tool()).orElseThrow(), Constraint.parse(r.version()), r.flavor(),
                r.command());
    }

    /**
     * Audits every targeted environment of the plan, records one ledger entry per environment, and
     * returns all hosts' results as one report.
     */
    public static Report run(Plan plan, String onlyEnvironment, AuditService service, Ledger ledger)
            throws InterruptedException {
        List<AuditModel.HostReport> all = new ArrayList<>();
        for (Target t : targets(plan, onlyEnvironment)) {
            Report r = service.audit(t.hosts(), t.requirements());
            record(ledger, t.environment(), r);
            all.addAll(r.hosts());
        }
        return new Report(all);
    }

    /** One line per failure, unreachable host or probe error, for NO-GO reasons. */
    public static List<String> reasons(Report report) {
        List<String> reasons = new ArrayList<>();
        for (AuditModel.HostReport h : report.hosts()) {
            String who = h.host().environment() + "/" + h.host().name();
            if (h.unreachable() != null) {
                reasons.add(who + " unreachable: " + h.unreachable());
            }
            for (AuditModel.Check c : h.checks()) {
                if (c instanceof AuditModel.Check.Failed f) {
                    reasons.add(who + ": " + c.requirement().label() + ": " + f.reason());
                } else if (c instanceof AuditModel.Check.ProbeError e) {
                    reasons.add(who + ": " + c.requirement().label() + ": " + e.reason());
                }
            }
        }
        return reasons;
    }

    /** Parses an ad-hoc {@code tool=constraint} from the command line. */
    public static Requirement adHoc(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw PreflightException.usage("--require '" + spec + "' is not TOOL=CONSTRAINT",
                    "e.g. --require node=20 --require 'mysql=>=8.0.36 <8.1'");
        }
        String tool = spec.substring(0, eq).strip();
        Tool t = Tool.byId(tool).orElseThrow(() -> PreflightException.usage("unknown tool '" + tool + "' in --require",
                "one of: " + String.join(", ", java.util.Arrays.stream(Tool.values()).map(Tool::id).toList())));
        try {
            return new Requirement(null, t, Constraint.parse(spec.substring(eq + 1).strip()), null, List.of());
        } catch (Constraint.ParseException e) {
            throw PreflightException.usage("--require '" + spec + "': " + e.getMessage(), null);
        }
    }

    /** Appends the audit to the ledger (kind {@code audit}) with the JSON report attached. */
    public static LedgerEntry record(Ledger ledger, String subject, Report report) {
        Outcome o = report.exitCode() == 0 ? Outcome.PASSED : report.exitCode() == 1 ? Outcome.FAILED : Outcome.ERROR;
        String json = AuditReports.render(report, Format.JSON, Style.PLAIN);
        String name = "audit-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + java.util.UUID.randomUUID() + ".json";
        return ledger.append(NewEntry.of("audit", subject, o, report.hosts().size() + " host(s), " + report.failures()
                        + " failure(s), " + report.problems() + " unreachable/probe error(s)",
                        Map.of("failures", report.failures(), "problems", report.problems(), "hosts", report.hosts().size()))
                .withAttachments(List.of(new NewEntry.Attachment(name, "application/json",
                        json.getBytes(StandardCharsets.UTF_8)))));
    }
}
