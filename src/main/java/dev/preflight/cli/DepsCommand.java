package dev.preflight.cli;

import dev.preflight.audit.Prober;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Progress;
import dev.preflight.core.Secrets;
import dev.preflight.deps.DepsContext;
import dev.preflight.deps.DepsEvidence;
import dev.preflight.deps.DepsReport;
import dev.preflight.deps.DepsResult;
import dev.preflight.deps.DepsReview;
import dev.preflight.deps.Targets;
import dev.preflight.exec.FleetConnector;
import dev.preflight.exec.HostConnectors;
import dev.preflight.exec.LocalProcessRunner;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import dev.preflight.report.Format;
import dev.preflight.report.Renderer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code preflight deps}: what in the lock files blocks the upgrade (runbook §3.2), from the plan or ad hoc. */
@Command(name = "deps", mixinStandardHelpOptions = true,
        description = {"Find what in composer.lock and package-lock.json blocks the upgrade targets (runbook §3.2).",
            "Targets come from the plan's 'dependencies' section, or ad hoc from --dir and --target. Blockers are grouped by package with the requirement chain and the lowest version that fixes them. Offline unless --npm-outdated.",
            "Exit 0 nothing blocks, 1 a blocker, 2 bad input (plan, options, malformed lock file), 3 a Flutter build agent could not be checked."},
        footerHeading = "%nExamples:%n",
        footer = {"  preflight deps",
            "  preflight deps --dir ./app --target 'laravel/framework=11.*' --target php=8.3 --target node=20"})
public final class DepsCommand extends BaseCommand implements RendersWith<DepsResult> {
    @Override
    public Renderer<DepsResult> renderer() {
        return DepsReport.REVIEW;
    }

    @Option(names = "--dir", paramLabel = "PATH", description = "Ad hoc: the directory with the lock files (no plan needed).")
    String dir;

    @Option(names = "--target", paramLabel = "NAME=VERSION",
            description = "Ad hoc target, e.g. 'laravel/framework=11.*', php=8.3, node=20 (repeatable).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--metadata", paramLabel = "FILE",
            description = "Packagist p2 metadata file for the forward check (repeatable).")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--npm-outdated", description = "Ad hoc: also run 'npm outdated --json' (needs the registry).")
    boolean npmOutdated;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Timeout for npm outdated.")
    int timeout;

    @Override
    public Integer call() throws Exception {
        Format format = format();
        if (dir != null || !targets.isEmpty()) {
            if (dir == null || targets.isEmpty()) {
                throw PreflightException.usage("ad-hoc review needs --dir and at least one --target",
                        "e.g. preflight deps --dir . --target 'laravel/framework=11.*' --target php=8.3 --target node=20");
            }
            Targets t;
            try {
                t = Targets.parse(targets);
            } catch (IllegalArgumentException e) {
                throw PreflightException.usage(e.getMessage(), "e.g. --target 'laravel/framework=11.*' --target php=8.3");
            }
            List<Path> md = metadata.stream().map(m -> ctx().cwd().resolve(m).normalize()).toList();
            // Ad hoc: no plan, and no ledger yet: the review is recorded below, once it was made.
            DepsContext adHoc = new DepsContext(null, null, ctx().clock(), new LocalProcessRunner(Secrets.none()),
                    HostConnectors.localOnly(Secrets.none()), new Prober(DepsContext.PROBE_TIMEOUT),
                    Duration.ofSeconds(timeout));
            DepsResult report;
            try (Progress waiting = Progress.waiting(progressOptions(), "deps" + (npmOutdated ? " (npm outdated)" : ""))) {
                report = new DepsReview(adHoc).review(new DepsReview.Request(ctx().cwd().resolve(dir).normalize(), t, md,
                        npmOutdated, List.of(), null));
            }
            try (Ledger ledger = Ledgers.open(global().ledger, ctx().cwd(), Secrets.none(), Ledgers.defaultActor(),
                    ctx().clock())) {
                DepsEvidence.record(ledger, "ad-hoc", report);
            }
            emit(renderer().render(report, format, style()));
            return report.verdict().exitCode().code();
        }
        if (!metadata.isEmpty() || npmOutdated) {
            throw PreflightException.usage("--metadata and --npm-outdated are ad-hoc options (with --dir and --target)",
                    "with a plan, set dependencies.metadata and dependencies.npm_outdated");
        }
        Plan plan = loadPlan();
        DepsReview.Request request = DepsReview.Request.of(plan);
        DepsResult report;
        try (Ledger ledger = openLedger(plan);
             FleetConnector agents = new FleetConnector(DepsReview.flutterSsh(plan), plan.secrets())) {
            DepsContext deps = new DepsContext(plan, ledger, ctx().clock(), new LocalProcessRunner(plan.secrets()), agents,
                    new Prober(DepsContext.PROBE_TIMEOUT), Duration.ofSeconds(timeout));
            try (Progress waiting = Progress.waiting(progressOptions(), "deps")) {
                report = new DepsReview(deps).run(request);
            }
        }
        emit(renderer().render(report, format, style()));
        return report.verdict().exitCode().code();
    }
}
