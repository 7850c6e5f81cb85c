package dev.preflight.cli;

import dev.preflight.audit.AuditContext;
import dev.preflight.audit.AuditEnvironments;
import dev.preflight.audit.AuditEvidence;
import dev.preflight.audit.AuditHosts;
import dev.preflight.audit.AuditModel.Host;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.audit.AuditModel.Requirement;
import dev.preflight.audit.AuditReport;
import dev.preflight.audit.AuditTargets;
import dev.preflight.core.Phases;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Secrets;
import dev.preflight.exec.HostUri;
import dev.preflight.exec.SshOptions;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code preflight audit}: required tool versions on every host, every result reported (runbook §3.1). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Check the tool versions every host of the plan's environments must run, or ad hoc with --local/--host and --require.",
            "Versions are compared as versions (20 is >=20.0.0 <21), and every failure is reported, not just the first.",
            "Exit 0 all passed (warnings allowed), 1 a check failed, 3 no failure but a host was unreachable or a probe failed."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight audit --env staging",
            "  preflight audit --local --require java=17 --require 'node=>=20 <21'",
            "  preflight audit --host ssh://deploy@app-1:22 --known-hosts ~/.ssh/known_hosts --require php=8.3 --format junit -o audit.xml"})
public final class AuditCommand extends BaseCommand implements RendersWith<Report> {
    @Override
    public Renderer<Report> renderer() {
        return AuditReport.REPORT;
    }

    @Option(names = "--env", paramLabel = "NAME", description = "Only this environment of the plan.")
    String env;

    @Option(names = "--local", description = "Ad hoc: audit this machine (no plan needed).")
    boolean local;

    @Option(names = "--host", paramLabel = "URI", description = "Ad hoc: audit this host (local or ssh://user@host:port).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--require", paramLabel = "TOOL=CONSTRAINT",
            description = "Ad hoc requirement, e.g. node=20, php=8.3, 'mysql=>=8.0.36 <8.1' (repeatable).")
    List<String> requires = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "32",
            description = "Most hosts audited at once (default 32); --pace says whether fewer may do better.")
    int parallel;

    @Option(names = "--pace", paramLabel = "adaptive|fixed", defaultValue = "adaptive",
            description = "adaptive (default): start with 4 hosts at once and double while hosts finished per second "
                    + "does not fall, up to --parallel (hosts that share CPU thrash when all start at once); "
                    + "fixed: --parallel from the start. --verbose prints the numbers used.")
    String pace;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Per-probe timeout.")
    int timeout;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "Ad hoc: known_hosts file for --host ssh://... (default ~/.ssh/known_hosts; checked strictly).")
    String knownHosts;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "Ad hoc: private key for --host ssh://... (repeatable; default the usual ~/.ssh/id_* files).")
    List<String> identities = new ArrayList<>();

    @Option(names = "--login-shell", description = "Ad hoc: run probes on SSH hosts in a login shell (bash -lc).")
    boolean loginShell;

    /** Whether the pace adapts; a usage error (exit 2) for a --pace or --parallel out of range. */
    private boolean adaptive() {
        if (parallel < 1) {
            throw PreflightException.usage("--parallel must be at least 1, not " + parallel, null);
        }
        return switch (pace) {
            case "adaptive" -> true;
            case "fixed" -> false;
            default -> throw PreflightException.usage("--pace is adaptive or fixed, not '" + pace + "'", null);
        };
    }

    @Override
    public Integer call() throws Exception {
        Format format = format();
        boolean adaptive = adaptive();
        boolean adHoc = local || !hosts.isEmpty() || !requires.isEmpty();
        Report report;
        if (adHoc) {
            if (requires.isEmpty() || (!local && hosts.isEmpty())) {
                throw PreflightException.usage("ad-hoc audit needs --local or --host, and at least one --require",
                        "e.g. preflight audit --local --require node=20 --require php=8.3");
            }
            List<Requirement> reqs = requires.stream().map(AuditHosts::requirement).toList();
            List<Host> targets = new ArrayList<>();
            if (local) {
                targets.add(new Host(AuditHosts.SUBJECT, "local", HostUri.LOCAL));
            }
            for (String h : hosts) {
                try {
                    HostUri u = HostUri.parse(h);
                    targets.add(new Host(AuditHosts.SUBJECT, u.isLocal() ? "local" : u.host(), u));
                } catch (IllegalArgumentException e) {
                    throw PreflightException.usage("--host " + h + ": " + e.getMessage(), null);
                }
            }
            SshOptions d = SshOptions.defaults();
            SshOptions ssh = new SshOptions(knownHosts == null ? d.knownHosts() : ctx().cwd().resolve(knownHosts),
                    identities.isEmpty() ? d.identityFiles() : identities.stream().map(ctx().cwd()::resolve).toList(),
                    true, loginShell, Duration.ofSeconds(10));
            report = new AuditHosts(new AuditContext(null, null, ctx().clock(), parallel, Duration.ofSeconds(timeout),
                    adaptive))
                    .run(targets, reqs, ssh);
            Phases.mark("audited");
            // Recorded once the audit ran: an ad-hoc audit needs no ledger to start.
            try (Ledger ledger = Ledgers.open(global().ledger, ctx().cwd(), Secrets.none(), Ledgers.defaultActor(),
                    ctx().clock())) {
                AuditEvidence.record(ledger, AuditHosts.SUBJECT, report);
            }
        } else {
            Plan plan = loadPlan();
            if (AuditTargets.of(plan, env).isEmpty()) {
                throw PreflightException.usage("the plan has no requirements for any host" + (env == null ? "" : " of " + env),
                        "add 'requirements:' to the plan, or use --local --require TOOL=CONSTRAINT");
            }
            try (Ledger ledger = openLedger(plan)) {
                report = new AuditEnvironments(new AuditContext(plan, ledger, ctx().clock(), parallel,
                        Duration.ofSeconds(timeout), adaptive)).run(env);
                Phases.mark("audited");
            }
        }
        if (global().verbose) {
            // How many hosts were in flight at once, for a user tuning --parallel or --pace.
            report.pace().forEach((environment, windows) -> ctx().err().println("preflight: " + environment
                    + ": hosts at once " + windows.stream().map(String::valueOf).collect(Collectors.joining(" -> "))
                    + " (--pace " + pace + ", --parallel " + parallel + ")"));
            ctx().err().flush();
        }
        String shown = renderer().render(report, format, style());
        Phases.mark("report-rendered");
        emit(shown);
        return report.verdict().exitCode().code();
    }
}
