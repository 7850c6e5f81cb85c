package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Report;
import dev.preflight.exec.FleetConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code preflight audit} of the plan: audits every targeted environment, applies the plan's
 * waivers, records one ledger entry per environment and returns all hosts' results as one report.
 */
public final class AuditEnvironments {
    private final AuditContext ctx;

    public AuditEnvironments(AuditContext ctx) {
        this.ctx = ctx;
    }

    /** Audits every environment with hosts and requirements, or only {@code onlyEnvironment}. */
    public Report run(String onlyEnvironment) throws InterruptedException {
        List<Waiver> waivers = ctx.plan().section("waivers", Waiver.Waivers.class).map(Waiver.Waivers::list)
                .orElse(List.of());
        LocalDate today = LocalDate.now(ctx.clock());
        List<AuditModel.HostReport> all = new ArrayList<>();
        Map<String, List<Integer>> pace = new LinkedHashMap<>();
        for (AuditTargets.Target t : AuditTargets.of(ctx.plan(), onlyEnvironment)) {
            Report r;
            try (FleetConnector c = new FleetConnector(t.ssh(), ctx.plan().secrets())) {
                r = ctx.service(c).audit(t.hosts(), t.requirements());
            } catch (IOException e) {
                // Only closing the SSH client can throw here; the audit itself is complete.
                throw new UncheckedIOException(e);
            }
            r = Waiver.apply(r, waivers, today);
            AuditEvidence.record(ctx.ledger(), t.environment(), r, AuditTargets.fingerprint(ctx.plan(), t),
                    ctx.plan().project().name());
            all.addAll(r.hosts());
            pace.putAll(r.pace());
        }
        return new Report(all, pace);
    }
}
