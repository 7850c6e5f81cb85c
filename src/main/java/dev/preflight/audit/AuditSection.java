package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Report;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.plan.Plan;
import dev.preflight.run.Expected;
import dev.preflight.run.ProjectScope;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** The compatibility audit as a section of {@code preflight run} (runbook §3.1). */
public final class AuditSection implements Section {
    @Override
    public String name() {
        return "audit";
    }

    @Override
    public boolean configured(RunContext c) {
        return AuditPlan.of(c.plan()).any();
    }

    @Override
    public SectionResult run(RunContext ctx) {
        if (AuditTargets.of(ctx.plan(), null).isEmpty()) {
            return new SectionResult.Failed(name(), "requirements are configured but no environment has hosts",
                    List.of("add hosts to an environment"));
        }
        try {
            Report r = new AuditEnvironments(AuditContext.forRun(ctx.plan(), ctx.ledger(), ctx.clock())).run(null);
            // Not SectionResult.of for an incomplete audit: run has always shown it FAILED with the
            // hosts it could not check as reasons (CliTest pins it), where an error has no reasons.
            return r.verdict() == Verdict.INCOMPLETE ? new SectionResult.Failed(name(), summary(r), r.reasons())
                    : SectionResult.of(name(), r.verdict(), summary(r), r.reasons());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SectionResult.Error(name(), "interrupted");
        }
    }

    private static String summary(Report r) {
        String hosts = r.hosts().size() + " host(s)";
        return switch (r.verdict()) {
            case PASSED, WARNINGS -> "every requirement holds on " + hosts
                    + (r.warnings() > 0 ? " (" + r.warnings() + " waived failure(s))" : "");
            case FAILED -> "requirements fail on " + hosts;
            case INCOMPLETE -> "not every host could be checked (" + hosts + ")";
        };
    }

    /**
     * An audit of every environment that has hosts and requirements, covering each of its hosts.
     * Requirements without any host to check are evidence nobody can record: one expectation per
     * environment (or the project) that stays missing.
     */
    @Override
    public List<Expected> expectations(Plan plan, Duration maxAge) {
        AuditPlan audit = AuditPlan.of(plan);
        List<Plan.Environment> audited = plan.environments().stream().filter(e -> !e.hosts().isEmpty()
                && audit.covers(e)).toList();
        if (audited.isEmpty()) {
            List<String> subjects = plan.environments().isEmpty() ? List.of(plan.project().name())
                    : plan.environments().stream().map(Plan.Environment::name).toList();
            // Never found: an audit of an environment of that name on the ledger was another plan's
            // (a shared ledger), or of hosts this plan no longer lists; neither checked this plan's hosts.
            return subjects.stream().map(s -> new Expected(name(), AuditEvidence.KIND, s, null, maxAge,
                    "preflight audit, after adding hosts to the environment", l -> Optional.empty(),
                    (l, x) -> AuditEvidence.KIND.equals(x.kind()) ? new Expected.Found(x, Expected.Status.FAILED,
                            "the plan lists no hosts to audit in " + s + ", so no audit is this plan's") : null)).toList();
        }
        return audited.stream().map(e -> {
            AuditTargets.Target target = AuditTargets.of(plan, e.name()).stream().findFirst().orElse(null);
            String targets = target == null ? null : AuditTargets.fingerprint(plan, target);
            String project = plan.project().name();
            return Expected.judged(name(), AuditEvidence.KIND, e.name(), null, maxAge, "preflight audit --env " + e.name(),
                    x -> ProjectScope.ownOrUnnamed(x, project), (l, x) -> judge(x, e, targets, plan, target));
        }).toList();
    }

    /**
     * A failed audit fails; a passed one must have checked every host of the environment, and what
     * the plan has it check now (hosts, requirements, waivers): an audit of the plan before an edit
     * vouches for requirements that are no longer the plan's. Another project's audit (a shared
     * ledger, an environment named alike) vouches for nothing here.
     */
    private static Expected.Found judge(LedgerEntry x, Plan.Environment e, String targets, Plan plan,
                                        AuditTargets.Target target) {
        AuditEvidence.Payload p = AuditEvidence.Payload.read(Expected.payload(x));
        if (p.project() != null && !p.project().equals(plan.project().name())) {
            // Found by a reader that does not pass over other projects' entries (a risk control's own look-up).
            return new Expected.Found(x, Expected.Status.FAILED, "it is project " + p.project() + "'s audit of "
                    + e.name() + ", not " + plan.project().name() + "'s (run preflight audit --env " + e.name() + ")");
        }
        if (!x.outcome().isGood()) {
            return Expected.Found.of(x);
        }
        if (p.hosts() < e.hosts().size()) {
            return new Expected.Found(x, Expected.Status.FAILED, "it checked " + p.hosts() + " host(s); the plan's "
                    + e.name() + " has " + e.hosts().size());
        }
        if (p.targets() == null) {
            return new Expected.Found(x, Expected.Status.OUTDATED, "it does not record which hosts and requirements "
                    + "it checked, so it cannot vouch for the plan as it is now (run preflight audit --env " + e.name() + ")");
        }
        String was = target == null || p.targets().equals(targets) ? null
                : AuditTargets.sshOptionsOf(plan, target, p.targets());
        if (was != null) {
            return new Expected.Found(x, Expected.Status.OUTDATED, "the plan's SSH options for " + e.name()
                    + " changed since (audited with " + was + "; the plan has " + AuditTargets.sshOptions(target)
                    + "): run preflight audit --env " + e.name());
        }
        if (!p.targets().equals(targets)) {
            return new Expected.Found(x, Expected.Status.OUTDATED, "the plan's hosts, requirements or waivers for "
                    + e.name() + " changed since (run preflight audit --env " + e.name() + ")");
        }
        Waiver leaned = p.warnings() == 0 || target == null ? null : waiverEndingFirst(plan, target, x);
        if (leaned != null) {
            // A waived failure passes only while its waiver applies: the audit vouches until the waiver's last day ends.
            return new Expected.Found(x, Expected.Status.PASSED, null,
                    leaned.expires().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    "the waiver of " + leaned.requirement() + " it may have leaned on expired " + leaned.expires()
                    + " (run preflight audit --env " + e.name() + ")");
        }
        return Expected.Found.of(x);
    }

    /**
     * Of the plan's waivers that applied to the target on the audit's day (UTC), the one that ends
     * first; null when none did. An audit with warnings may have passed a failure only through it.
     */
    private static Waiver waiverEndingFirst(Plan plan, AuditTargets.Target target, LedgerEntry x) {
        LocalDate day = LocalDate.ofInstant(x.time(), ZoneOffset.UTC);
        Waiver first = null;
        for (Waiver w : plan.section("waivers", Waiver.Waivers.class).map(Waiver.Waivers::list).orElse(List.of())) {
            boolean applies = target.requirements().stream().anyMatch(r -> target.hosts().stream().anyMatch(h -> w.covers(r, h)));
            if (applies && !w.expiredOn(day) && (first == null || w.expires().isBefore(first.expires()))) {
                first = w;
            }
        }
        return first;
    }
}
