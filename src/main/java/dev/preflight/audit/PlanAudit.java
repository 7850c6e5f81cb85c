package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.exec.FleetConnector;
import dev.preflight.exec.HostConnector;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.SshOptions;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Turns the plan's environments and requirements into audit inputs, and records audits in the ledger. */
public final class PlanAudit {
    private PlanAudit() {
    }

    /**
     * One environment's hosts (and a pseudo-host per configured server its requirements ask) with
     * the global requirements plus the environment's own, and how to reach its SSH hosts.
     */
    public record Target(String environment, List<Host> hosts, List<Requirement> requirements,
                         SshOptions ssh) {
    }

    public static List<Target> targets(Plan plan, String onlyEnvironment) {
        List<Target> out = new ArrayList<>();
        for (Plan.Environment e : plan.environments()) {
            if (onlyEnvironment != null && !onlyEnvironment.equals(e.name())) {
                continue;
            }
            List<Requirement> reqs = new ArrayList<>();
            AuditPlan.of(plan).requirementsOf(e.name()).forEach(r -> reqs.add(requirement(r)));
            List<Host> hosts = new ArrayList<>(e.hosts().stream()
                    .map(h -> new Host(e.name(), h.name(), h.uri(), h.tags(), null)).toList());
            if (!hosts.isEmpty()) {
                // Servers are asked only when a requirement needs them (the loader checked they are configured).
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

    static Requirement requirement(AuditPlan.Requirement r) {
        return new Requirement(r.name(), Tool.byId(r.tool()).orElseThrow(), Constraint.parse(r.version()), r.flavor(),
                r.command(), r.pattern() == null ? null : Pattern.compile(r.pattern()), r.hosts(),
                r.tags());
    }

    /**
     * Audits every targeted environment of the plan, records one ledger entry per environment, and
     * returns all hosts' results as one report.
     */
    public static Report run(Plan plan, String onlyEnvironment, Settings settings, Ledger ledger)
            throws InterruptedException {
        List<Waiver> waivers = plan.section("waivers", Waiver.Waivers.class).map(Waiver.Waivers::list).orElse(List.of());
        LocalDate today = LocalDate.now(settings.clock());
        List<AuditModel.HostReport> all = new ArrayList<>();
        for (Target t : targets(plan, onlyEnvironment)) {
            Report r;
            try (FleetConnector c = new FleetConnector(t.ssh(), plan.secrets())) {
                r = settings.service(c).audit(t.hosts(), t.requirements());
            } catch (IOException e) {
                // Only closing the SSH client can throw here; the audit itself is complete.
                throw new UncheckedIOException(e);
            }
            r = waive(r, waivers, today);
            record(ledger, t.environment(), r);
            all.addAll(r.hosts());
        }
        return new Report(all);
    }

    /** How an audit runs: host parallelism, per-probe timeout, and the clock waivers expire by. */
    public record Settings(int parallel, Duration timeout, Clock clock) {
        AuditService service(HostConnector connector) {
            return new AuditService(connector, new Prober(timeout), new NetworkServerProber(timeout), parallel);
        }
    }

    /**
     * Applies waivers to failures: a current waiver turns a failure into a warning that names it;
     * an expired one leaves the failure and says it expired. Pass-throughs are unchanged.
     */
    public static Report waive(Report report, List<Waiver> waivers, LocalDate today) {
        if (waivers.isEmpty()) {
            return report;
        }
        List<AuditModel.HostReport> out = new ArrayList<>();
        for (AuditModel.HostReport h : report.hosts()) {
            List<AuditModel.Check> checks = new ArrayList<>();
            for (AuditModel.Check c : h.checks()) {
                AuditModel.Check res = c;
                if (c instanceof AuditModel.Check.Failed f) {
                    Waiver current = null;
                    Waiver expired = null;
                    for (Waiver w : waivers) {
                        if (w.covers(c.requirement(), h.host())) {
                            if (w.expiredOn(today)) {
                                expired = expired == null || w.expires().isAfter(expired.expires()) ? w : expired;
                            } else if (current == null) {
                                current = w;
                            }
                        }
                    }
                    if (current != null) {
                        res = new AuditModel.Check.Waived(c.requirement(), c.found(), f.reason() + "; waived until "
                                + current.expires() + " by " + current.owner() + ": " + current.reason(), f.probe(), current);
                    } else if (expired != null) {
                        res = new AuditModel.Check.Failed(c.requirement(), c.found(), f.reason() + " (waiver by "
                                + expired.owner() + " expired " + expired.expires() + "; it no longer applies)", f.probe());
                    }
                }
                checks.add(res);
            }
            out.add(new AuditModel.HostReport(h.host(), h.unreachable(), checks, h.timing()));
        }
        return new Report(out);
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
                if (c instanceof AuditModel.Check.Failed || c instanceof AuditModel.Check.ProbeError) {
                    reasons.add(who + ": " + c.requirement().label() + ": " + c.reason());
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
                "one of: " + String.join(", ", Arrays.stream(Tool.values()).map(Tool::id).toList())));
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
        String name = "audit-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID() + ".json";
        return ledger.append(NewEntry.of("audit", subject, o, report.hosts().size() + " host(s), " + report.failures()
                        + " failure(s), " + report.warnings() + " waived, " + report.problems()
                        + " unreachable/probe error(s)",
                        Json.fields("failures", report.failures(), "warnings", report.warnings(), "problems", report.problems(),
                                "hosts", report.hosts().size()))
                .withAttachments(List.of(new NewEntry.Attachment(name, "application/json",
                        json.getBytes(StandardCharsets.UTF_8)))));
    }
}
