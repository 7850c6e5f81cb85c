package dev.preflight.readiness;

import dev.preflight.core.ExitCode;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.VerifyResult;
import dev.preflight.plan.Plan;
import dev.preflight.report.Durations;
import dev.preflight.risk.RiskAssess;
import dev.preflight.risk.RiskContext;
import dev.preflight.risk.RiskEvidence;
import dev.preflight.risk.RiskPlan;
import dev.preflight.risk.RiskResult;
import dev.preflight.run.Expected;
import dev.preflight.run.Freshness;
import dev.preflight.run.RunContext;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The go/no-go verdict, and the one place it is decided: {@code run}, {@code readiness},
 * {@code readiness sign}, the HTML page and the JSON all ask {@link #decide}. It reads the plan and
 * the ledger only (whatever a command executed before has already been recorded there), so every
 * command that asks at one ledger state gets the same answer. GO only when
 * <ol>
 * <li>the ledger's chain verifies;</li>
 * <li>every section the plan configures has passing evidence within its max age for every subject
 * it covers ({@link Section#expectations}; the newest evidence is what counts: an older pass never
 * outweighs a newer failure);</li>
 * <li>every configured gate passed (the gates section's evidence, one expectation per gate);</li>
 * <li>every risk of the register is Mitigated, each control for every subject it covers;</li>
 * <li>no sign-off has been voided by failing evidence recorded after it;</li>
 * </ol>
 * and the plan configures at least one thing that can be checked. Otherwise NO-GO with every reason,
 * each naming the section, ledger kind, subject and entry it is about.
 *
 * @param chain    the ledger chain as verified when deciding
 * @param checks   one per expectation of every configured section, in runbook order
 * @param risks    the risk register as assessed (empty when the plan has none)
 * @param signOffs the newest sign-off of each signer, oldest first
 * @param reasons  every reason for NO-GO; empty exactly when GO
 * @param at       when it was decided
 * @param unjudged why the evidence was not judged (a stored row that is not an entry), or null when it all was
 */
public record GoNoGo(Chain chain, List<Check> checks, List<RiskResult> risks, List<SignOff> signOffs,
                      List<Reason> reasons, Instant at, String unjudged) {
    /** Ledger kinds that record verdicts and assessments derived from other evidence, never evidence themselves. */
    public static final Set<String> BOOKKEEPING = Set.of(EvidenceKind.RUN.id(), EvidenceKind.READINESS.id(),
            EvidenceKind.RISKS.id(), EvidenceKind.SIGN_OFF.id());

    public GoNoGo {
        checks = List.copyOf(checks);
        risks = List.copyOf(risks);
        signOffs = List.copyOf(signOffs);
        reasons = List.copyOf(reasons);
        if (unjudged != null && reasons.isEmpty()) {
            throw new IllegalArgumentException("evidence that was not judged is never GO");
        }
    }

    /** A verdict whose evidence was all judged. */
    public GoNoGo(Chain chain, List<Check> checks, List<RiskResult> risks, List<SignOff> signOffs, List<Reason> reasons,
                  Instant at) {
        this(chain, checks, risks, signOffs, reasons, at, null);
    }

    public boolean go() {
        return reasons.isEmpty();
    }

    /**
     * Whether every expectation, risk and sign-off was judged. False when the ledger holds a row that
     * is not an entry (edited outside Preflight): the verdict is NO-GO on the chain alone, and the
     * command exits 3 (unexpected state) after stating it; {@link #unjudged} says why.
     */
    public boolean judged() {
        return unjudged == null;
    }

    /** The reasons as lines: {@code section: text}. */
    public List<String> lines() {
        return reasons.stream().map(Reason::line).toList();
    }

    /**
     * The ledger chain when the verdict was decided.
     *
     * @param headSeq  sequence number of the newest entry (0 for an empty ledger)
     * @param headHash its hash, or null for an empty ledger
     * @param problem  why the chain does not verify, or null
     */
    public record Chain(boolean intact, long entries, long headSeq, String headHash, String problem) {
    }

    /** How one expectation stands. */
    public enum State {
        FRESH, STALE, FAILING, MISSING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One expectation judged: its state, the entry that decided it (null when missing) and the
     * sentence a reviewer reads.
     */
    public record Check(Expected expected, State state, LedgerEntry entry, String reason) {
        public boolean fresh() {
            return state == State.FRESH;
        }
    }

    /**
     * One reason for NO-GO.
     *
     * @param section {@code ledger}, a section name, {@code risks}, {@code sign-off} or {@code plan}
     * @param kind    the ledger kind it is about, or null
     * @param subject the ledger subject it is about, or null
     * @param seq     the ledger entry it is about, 0 when none
     */
    public record Reason(String section, String kind, String subject, long seq, String text) {
        public String line() {
            return section + ": " + text;
        }
    }

    /**
     * A signer's newest sign-off and what happened since.
     *
     * @param entry        the sign-off entry
     * @param headSeq      the ledger head it was given on (the readiness verdict entry), 0 if unknown
     * @param headHash     that head's hash, or null if unknown
     * @param since        evidence recorded after it, oldest first (not verdicts, assessments, chain
     *                     checks or gate re-checks that passed again: what judging appends)
     * @param failingSince those of them that failed and concern this plan: each voids the sign-off
     * @param otherPlan    it was given on another text of the plan (its SHA-256 differs from the plan
     *                     judged now: a section, gate, max age or risk edited since), which voids it
     */
    public record SignOff(LedgerEntry entry, String by, String role, long headSeq, String headHash,
                          List<LedgerEntry> since, List<LedgerEntry> failingSince, boolean otherPlan) {
        public SignOff {
            since = List.copyOf(since);
            failingSince = List.copyOf(failingSince);
        }

        /** A sign-off given on the plan as it is now (or one that does not say which plan it was given on). */
        public SignOff(LedgerEntry entry, String by, String role, long headSeq, String headHash,
                       List<LedgerEntry> since, List<LedgerEntry> failingSince) {
            this(entry, by, role, headSeq, headHash, since, failingSince, false);
        }

        /** Nothing but verdicts was recorded since: the ledger is as it was when the sign-off was given. */
        public boolean current() {
            return since.isEmpty() && !otherPlan;
        }

        /** Voided by a failure since, or given on another text of the plan: the signer vouched for a state that no longer holds. */
        public boolean isVoid() {
            return !failingSince.isEmpty() || otherPlan;
        }
    }

    /** Decides at the ledger's current state. */
    public static GoNoGo decide(RunContext ctx, List<Section> sections) {
        return decide(ctx, sections, null);
    }

    /**
     * Decides at the ledger's current state.
     *
     * @param sections every section of the runbook (the configured ones say what they expect)
     * @param signing  {@code by} and {@code role} of a sign-off about to be given, whose earlier
     *                 sign-offs it replaces (they are not judged); null otherwise
     */
    public static GoNoGo decide(RunContext ctx, List<Section> sections, String[] signing) {
        return decide(ctx, sections, signing, List.of());
    }

    /**
     * As {@link #decide(RunContext, List, String[])}, with the results of sections the command just
     * executed that did not pass and expect nothing themselves (a re-check whose entries speak through
     * another section's expectations): one that crashed before recording anything left nothing the
     * ledger shows, so its result is a reason here.
     */
    public static GoNoGo decide(RunContext ctx, List<Section> sections, String[] signing,
                                List<SectionResult> unrecorded) {
        Plan plan = ctx.plan();
        Ledger ledger = ctx.ledger();
        Instant now = ctx.clock().instant();
        String project = plan.project().name();
        List<Reason> reasons = new ArrayList<>();

        VerifyResult v = ledger.verify();
        String problem = v instanceof VerifyResult.Broken b ? "first bad entry #" + b.firstBadSeq() + ": " + b.reason() : null;
        if (v instanceof VerifyResult.Broken b) {
            reasons.add(new Reason("ledger", EvidenceKind.LEDGER_VERIFY.id(), project, b.firstBadSeq(),
                    "chain does not verify - " + problem + " (no evidence on a broken chain counts)"));
        }
        List<Check> checks = new ArrayList<>();
        LedgerEntry head = null;
        try {
            head = ledger.head().orElse(null);
            for (SectionResult r : unrecorded) {
                // The chain's own reason already says why the ledger section failed.
                if (!(r.section().equals("ledger") && !v.intact())) {
                    reasons.add(new Reason(r.section(), null, null, 0, r.label().toLowerCase(Locale.ROOT) + " when "
                            + "re-checked now: " + r.summary() + " (it records nothing else the verdict reads)"));
                }
            }
            return decide(ctx, sections, signing, v, problem, head, reasons, checks);
        } catch (PreflightException e) {
            // Only a chain that does not verify can hold a row that is not an entry. Stating NO-GO here
            // (instead of leaving the report empty) means no reviewer reads silence as GO.
            if (v.intact() || e.exitCode() != ExitCode.UNEXPECTED_STATE) {
                throw e;
            }
            Chain chain = new Chain(false, v.entries(), head == null ? 0 : head.seq(), head == null ? null : head.hash(),
                    problem);
            reasons.add(new Reason("ledger", EvidenceKind.LEDGER_VERIFY.id(), project,
                    ((VerifyResult.Broken) v).firstBadSeq(), "the evidence was not judged: " + e.getMessage()
                    + (e.hint() == null ? "" : "; " + e.hint())));
            return new GoNoGo(chain, checks, List.of(), List.of(), reasons, now, e.getMessage());
        }
    }

    private static GoNoGo decide(RunContext ctx, List<Section> sections, String[] signing, VerifyResult v, String problem,
                                 LedgerEntry head, List<Reason> reasons, List<Check> checks) {
        Plan plan = ctx.plan();
        Ledger ledger = ctx.ledger();
        Instant now = ctx.clock().instant();
        String project = plan.project().name();
        Chain chain = new Chain(v.intact(), v.entries(), head == null ? 0 : head.seq(), head == null ? null : head.hash(),
                problem);
        // A clock behind the ledger makes every age below meaningless, however fresh each entry looks.
        LedgerEntry later = Freshness.entryAfter(ledger, now).orElse(null);
        if (later != null) {
            reasons.add(new Reason("ledger", later.kind(), later.subject(), later.seq(), Freshness.behind(later, now)));
        }

        Set<String> subjects = new HashSet<>();
        subjects.add(project);
        for (Section s : sections) {
            if (!s.configured(ctx)) {
                continue;
            }
            Duration maxAge = Freshness.DEFAULTS.containsKey(s.name()) ? Freshness.of(plan, s.name()) : Duration.ofHours(24);
            // Parts of one subject that fail for the same reason (one failed entry) are one reason naming each part.
            Map<String, List<Check>> bad = new LinkedHashMap<>();
            for (Expected e : s.expectations(plan, maxAge)) {
                Check c = judge(e, ledger, now, later);
                checks.add(c);
                subjects.add(e.subject());
                if (!c.fresh()) {
                    String said = c.reason().substring(e.describe().length());
                    bad.computeIfAbsent(e.kind() + "\n" + e.subject() + "\n" + said, k -> new ArrayList<>()).add(c);
                }
            }
            for (List<Check> group : bad.values()) {
                Check c = group.get(0);
                Expected e = c.expected();
                String text = c.reason();
                if (group.size() > 1) {
                    text = e.kind() + " " + e.subject() + " (" + String.join(", ", group.stream()
                            .map(x -> x.expected().aspect()).toList()) + ")" + c.reason().substring(e.describe().length());
                }
                reasons.add(new Reason(e.section(), e.kind(), e.subject(), c.entry() == null ? 0 : c.entry().seq(), text));
            }
        }

        List<RiskResult> risks = List.of();
        RiskPlan register = plan.section("risks", RiskPlan.class).orElse(null);
        if (register != null) {
            risks = new RiskAssess(RiskContext.of(ctx, sections)).assess(register).risks();
            for (RiskResult r : risks) {
                if (r.status() == RiskResult.Status.MITIGATED) {
                    continue;
                }
                for (RiskResult.ControlResult c : r.controls()) {
                    subjects.add(c.control().subject());
                    if (c instanceof RiskResult.ControlResult.Fresh) {
                        continue;
                    }
                    RiskEvidence.Source src = RiskEvidence.NAMES.get(c.control().evidence());
                    String kind = src == null ? null : src.kind();
                    reasons.add(new Reason("risks", kind, c.control().subject(), seq(c),
                            r.risk().name() + " " + r.status().label() + ": " + c.reason()
                            + sameEntry(reasons, kind, c.control().subject(), seq(c))));
                }
            }
            register.risks().forEach(r -> r.controls().forEach(c -> subjects.addAll(c.subjects())));
        }
        if (checks.isEmpty() && (register == null || register.risks().isEmpty())) {
            reasons.add(new Reason("plan", null, null, 0, "configures nothing that can be checked, so nothing was "
                    + "verified (add requirements with environments, backups, dependencies, ...)"));
        }

        List<SignOff> signOffs = signOffs(ledger, project, subjects, signing, plan.sha256());
        for (SignOff s : signOffs) {
            if (s.otherPlan()) {
                reasons.add(new Reason("sign-off", EvidenceKind.SIGN_OFF.id(), project, s.entry().seq(), "#"
                        + s.entry().seq() + " by " + s.by() + " (" + s.role() + ") is void: it was given on another "
                        + "version of the plan (sha256 " + SignOffPayload.of(s.entry()).planSha256() + "; the plan is now "
                        + plan.sha256() + "); " + s.by() + " must sign again ('preflight readiness sign')"));
            } else if (s.isVoid()) {
                LedgerEntry f = s.failingSince().get(0);
                reasons.add(new Reason("sign-off", f.kind(), f.subject(), f.seq(), "#" + s.entry().seq() + " by "
                        + s.by() + " (" + s.role() + ") is void: failing entry #" + f.seq() + " " + f.kind() + " "
                        + f.subject() + " (" + f.outcome().label() + " at " + f.time() + ": " + f.summary()
                        + ") was recorded after it" + (s.failingSince().size() > 1 ? " (and " + (s.failingSince().size() - 1)
                        + " more)" : "") + "; " + s.by() + " must sign again ('preflight readiness sign')"));
            }
        }
        return new GoNoGo(chain, checks, risks, signOffs, reasons, now);
    }

    /**
     * Whether an entry is new evidence for a sign-off: not a verdict, an assessment or a chain check
     * (the commands that judge append those), and not a re-check that passed again (a gate, a look at
     * the backups' copies).
     */
    private static boolean isNew(LedgerEntry x) {
        return !BOOKKEEPING.contains(x.kind()) && !x.kind().equals(EvidenceKind.LEDGER_VERIFY.id())
                && !(RECHECKS.contains(x.kind()) && x.outcome().isGood());
    }

    /** Kinds {@code readiness} records on each look; one that passed again is not new evidence. */
    private static final Set<String> RECHECKS = Set.of(EvidenceKind.GATES.id(), EvidenceKind.BACKUP_PRESENCE.id());

    /**
     * Names the section of an earlier reason about the same entry, so one failure listed under its
     * section and again under each risk it leaves open reads as one failure, not several; every
     * reason is still listed. Empty when no earlier section reason is about that entry.
     */
    private static String sameEntry(List<Reason> earlier, String kind, String subject, long seq) {
        if (seq == 0) {
            return "";
        }
        for (Reason x : earlier) {
            if (x.seq() == seq && Objects.equals(x.kind(), kind) && Objects.equals(x.subject(), subject)
                    && !x.section().equals("risks")) {
                return " (the same entry #" + seq + " as the " + x.section() + " reason above)";
            }
        }
        return "";
    }

    private static long seq(RiskResult.ControlResult c) {
        if (c instanceof RiskResult.ControlResult.Stale s) {
            return s.seq();
        } else if (c instanceof RiskResult.ControlResult.Failing f) {
            return f.seq();
        }
        return 0;
    }

    /** Judges one expectation: the entry its finder names, its outcome, and its age against the max age. */
    static Check judge(Expected e, Ledger ledger, Instant now, LedgerEntry later) {
        Expected.Found f = e.finder().find(ledger).orElse(null);
        if (f == null) {
            return new Check(e, State.MISSING, null, e.describe() + ": no evidence recorded (run " + e.recordedBy() + ")");
        }
        LedgerEntry x = f.entry();
        Duration age = Duration.between(x.time(), now);
        String when = "#" + x.seq() + " at " + x.time() + " (" + Durations.plan(age.isNegative() ? Duration.ZERO
                : age.withNanos(0)) + " ago)";
        String detail = f.detail() != null ? f.detail() : x.summary();
        return switch (f.status()) {
            case FAILED -> new Check(e, State.FAILING, x, e.describe() + ": latest evidence " + x.kind() + " " + when + " "
                    + (x.outcome().isGood() ? "does not cover it" : x.outcome().label()) + ": " + detail);
            case OUTDATED -> new Check(e, State.STALE, x, e.describe() + ": " + x.kind() + " " + when + " passed, but "
                    + detail);
            case PASSED -> f.expired(now) != null
                    ? new Check(e, State.STALE, x, e.describe() + ": " + x.kind() + " " + when + " passed, but "
                    + f.expired(now) + " (run " + e.recordedBy() + ")")
                    : Freshness.future(x.time(), now) != null
                    ? new Check(e, State.STALE, x, e.describe() + ": " + x.kind() + " " + when + " passed, but "
                    + Freshness.future(x.time(), now) + " (run " + e.recordedBy() + ")")
                    : age.compareTo(e.maxAge()) > 0
                    ? new Check(e, State.STALE, x, e.describe() + ": stale, last passed " + when + ", max age "
                    + Durations.plan(e.maxAge()) + " (run " + e.recordedBy() + ")")
                    // Young only by a clock the ledger shows to be behind: not shown as fresh either.
                    : later != null
                    ? new Check(e, State.STALE, x, e.describe() + ": " + x.kind() + " " + when + " passed, but its age "
                    + "cannot be judged: this machine's clock is behind ledger entry #" + later.seq() + " ("
                    + later.time() + ")")
                    : new Check(e, State.FRESH, x, e.describe() + ": passed " + when);
        };
    }

    /**
     * The newest sign-off of each signer (by and role) with the evidence recorded since. A failing
     * entry since then voids it when it concerns this plan (one of its subjects) or is an
     * interrupted command: the signer vouched for a state that no longer holds.
     */
    static List<SignOff> signOffs(Ledger ledger, String project, Set<String> subjects, String[] signing,
                                  String planSha256) {
        Map<String, LedgerEntry> newest = new LinkedHashMap<>();
        for (LedgerEntry e : ledger.query(new LedgerQuery(EvidenceKind.SIGN_OFF.id(), project, null, 200, true))) {
            SignOffPayload p = SignOffPayload.of(e);
            String key = p.by() + "\n" + p.role();
            if (signing != null && key.equals(signing[0] + "\n" + signing[1])) {
                continue;
            }
            newest.putIfAbsent(key, e);
        }
        if (newest.isEmpty()) {
            return List.of();
        }
        List<LedgerEntry> ordered = new ArrayList<>(newest.values());
        ordered.sort(Comparator.comparingLong(LedgerEntry::seq));
        // By sequence, not time: a bastion whose clock is behind still appends after the sign-off.
        long first = ordered.get(0).seq();
        List<LedgerEntry> after = new ArrayList<>();
        for (LedgerEntry x : ledger.query(new LedgerQuery(null, null, null, 0, true))) {
            if (x.seq() <= first) {
                break;
            }
            after.add(x);
        }
        Collections.reverse(after);
        List<SignOff> out = new ArrayList<>();
        for (LedgerEntry s : ordered) {
            SignOffPayload p = SignOffPayload.of(s);
            List<LedgerEntry> since = after.stream().filter(x -> x.seq() > s.seq() && isNew(x)).toList();
            List<LedgerEntry> failing = since.stream().filter(x -> !x.outcome().isGood()
                    && (subjects.contains(x.subject()) || x.kind().equals(EvidenceKind.INTERRUPTED.id()))).toList();
            // A sign-off from before plans were recorded says nothing about which plan: it is judged as before.
            boolean otherPlan = p.planSha256() != null && !p.planSha256().equals(planSha256);
            out.add(new SignOff(s, p.by(), p.role(), p.ledgerSeq(), p.ledgerHead(), since, failing, otherPlan));
        }
        return out;
    }
}
