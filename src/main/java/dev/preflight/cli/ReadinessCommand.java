package dev.preflight.cli;

import dev.preflight.core.ExitCode;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.report.EvidenceDigest;
import dev.preflight.report.Format;
import dev.preflight.report.HtmlReport;
import dev.preflight.report.ReadinessReport;
import dev.preflight.risk.RiskPlan;
import dev.preflight.risk.RiskReports;
import dev.preflight.risk.RiskService;
import dev.preflight.run.Readiness;
import dev.preflight.run.RunContext;
import dev.preflight.run.RunService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code preflight readiness}: the go/no-go answer from the evidence on record (runbook §6-§7):
 * GO only when the ledger verifies, every gate passes and every risk is mitigated.
 */
@Command(name = "readiness", mixinStandardHelpOptions = true, subcommands = ReadinessCommand.Sign.class,
        description = {"The go/no-go verdict from the evidence on record: GO only when the ledger verifies, every",
            "change-control gate passes and every risk is mitigated by fresh evidence. --format html writes one",
            "self-contained page (verdict, checks, risks, audit matrix, backups with checksums, restore tests,",
            "flags, cutover, gates, sign-offs, ledger head). Exit 0 GO, 1 NO-GO."})
public final class ReadinessCommand extends BaseCommand {
    static final Set<String> REQUIRED = Set.of("gates", "risks");

    @Override
    public Integer call() {
        Format format = format(Format.TEXT, Format.JSON, Format.MARKDOWN, Format.HTML);
        Plan plan = loadPlan();
        try (Ledger ledger = openLedger(plan, dev.preflight.ledger.LedgerAccess.APPEND)) {
            Readiness r = assess(plan, ledger);
            emit(render(plan, ledger, r, format));
            return r.go() ? ExitCode.OK.code() : ExitCode.CHECKS_FAILED.code();
        }
    }

    private Readiness assess(Plan plan, Ledger ledger) {
        RunContext rc = new RunContext(plan, ledger, ctx().clock(), ctx().err());
        return new RunService(Runbook.readiness(), "readiness", REQUIRED).run(rc);
    }

    private String render(Plan plan, Ledger ledger, Readiness r, Format format) {
        String project = plan.project().name();
        List<Map<String, Object>> risks = plan.section("risks", RiskPlan.class)
                .map(rp -> RiskReports.json(new RiskService(ledger, ctx().clock()).assess(rp))).orElse(List.of());
        return switch (format) {
            case HTML -> HtmlReport.render(project, "Readiness", r, risks, EvidenceDigest.read(ledger), ctx().clock().instant());
            case MARKDOWN -> ReadinessReport.render(r, project, format, style())
                    + plan.section("risks", RiskPlan.class).map(rp -> "\n" + RiskReports.markdown(
                            new RiskService(ledger, ctx().clock()).assess(rp))).orElse("");
            default -> ReadinessReport.render(r, project, format, style());
        };
    }

    /** {@code preflight readiness sign}: records a sign-off of a GO verdict in the ledger. */
    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Record a sign-off (who, role, the verdict and the ledger head it was given on).",
                "Refused (exit 1) when the verdict is NO-GO: a sign-off vouches for verified readiness."})
    public static final class Sign extends BaseCommand {
        @Option(names = "--by", required = true, paramLabel = "NAME", description = "Who signs off.")
        String by;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "In what role (e.g. EPM, CAB chair).")
        String role;

        @Override
        public Integer call() {
            format(Format.TEXT);
            Plan plan = loadPlan();
            try (Ledger ledger = openLedger(plan, dev.preflight.ledger.LedgerAccess.APPEND)) {
                Readiness r = new RunService(Runbook.readiness(), "readiness", REQUIRED)
                        .run(new RunContext(plan, ledger, ctx().clock(), ctx().err()));
                if (!r.go()) {
                    emit(ReadinessReport.render(r, plan.project().name(), Format.TEXT, style())
                            + "Sign-off NOT recorded: the verdict is NO-GO.\n");
                    return ExitCode.CHECKS_FAILED.code();
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("by", by);
                payload.put("role", role);
                payload.put("verdict", "GO");
                payload.put("ledger_head", r.ledgerHead());
                LedgerEntry e = ledger.append(NewEntry.of("sign-off", plan.project().name(), Outcome.PASSED,
                        "GO signed off by " + by + " (" + role + ")", payload));
                emit("Signed off: GO for " + plan.project().name() + " by " + by + " (" + role + "), ledger entry #"
                        + e.seq() + " on head " + r.ledgerHead() + "\n");
                return ExitCode.OK.code();
            }
        }
    }
}
