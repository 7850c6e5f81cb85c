package dev.preflight.deps;

import dev.preflight.audit.Constraint;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.deps.DepsModel.Finding;
import dev.preflight.deps.DepsModel.Report;
import dev.preflight.deps.DepsModel.Severity;
import dev.preflight.exec.SshOptions;
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
import java.util.UUID;

/** Turns the plan's {@code dependencies} section into a review request, and records reviews in the ledger. */
public final class PlanDeps {
    private PlanDeps() {
    }

    /** The review the plan asks for; a usage error when the plan has no {@code dependencies} section. */
    public static DepsService.Request request(Plan plan) {
        DepsPlan d = plan.section("dependencies", DepsPlan.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no 'dependencies' section", "add one (see docs/plan-reference.md), or use --dir and --target"));
        List<FlutterCheck.Agent> agents = new ArrayList<>();
        Constraint version = null;
        if (d.flutter() != null) {
            Plan.Environment env = plan.environment(d.flutter().environment()).orElseThrow();
            env.hosts().forEach(h -> agents.add(new FlutterCheck.Agent(env.name(), h.name(), h.uri())));
            version = d.flutter().version() == null ? null : Constraint.parse(d.flutter().version());
        }
        return new DepsService.Request(d.dir(), Targets.parse(d.targets()), d.metadata(), d.npmOutdated(), agents, version);
    }

    /** The SSH settings of the Flutter build agents' environment (null: OpenSSH's defaults, or no agents). */
    public static SshOptions flutterSsh(Plan plan) {
        return plan.section("dependencies", DepsPlan.class).map(DepsPlan::flutter)
                .flatMap(f -> plan.environment(f.environment())).map(Plan.Environment::ssh).orElse(null);
    }

    /** Appends the review (kind {@code deps}) with the JSON report attached. */
    public static LedgerEntry record(Ledger ledger, String subject, Report r) {
        Outcome o = switch (r.exitCode()) {
            case 0 -> r.count(Severity.WARNING) > 0 ? Outcome.WARNING : Outcome.PASSED;
            case 1 -> Outcome.FAILED;
            default -> Outcome.ERROR;
        };
        String json = DepsReports.render(r, Format.JSON, Style.PLAIN);
        String name = "deps-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID() + ".json";
        return ledger.append(NewEntry.of("deps", subject, o, DepsReports.verdict(r) + ": " + r.summary(),
                        Json.fields("dir", r.dir(), "targets", r.targets(), "blockers", r.count(Severity.BLOCKER),
                                "warnings", r.count(Severity.WARNING), "exitCode", r.exitCode()))
                .withAttachments(List.of(new NewEntry.Attachment(name, "application/json",
                        json.getBytes(StandardCharsets.UTF_8)))));
    }

    /** One line per blocker (and unchecked Flutter host), for NO-GO reasons. */
    public static List<String> reasons(Report r) {
        List<String> out = new ArrayList<>();
        for (Finding f : r.findings()) {
            if (f.severity() == Severity.BLOCKER) {
                out.add(f.subject() + (f.devOnly() ? " (dev-only)" : "") + ": " + f.message());
            }
        }
        r.flutter().stream().filter(DepsModel.FlutterHost::problem)
                .forEach(h -> out.add("flutter " + h.environment() + "/" + h.host() + " " + h.status() + ": " + h.detail()));
        return out;
    }
}
