package dev.preflight.gates;

import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.report.Durations;
import dev.preflight.run.Expected;
import dev.preflight.run.ProjectScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code cab} gate's decision (runbook §4.3): the ticket is approved AND carries, for every
 * required kind of evidence, an attachment that vouches for a passing ledger entry which
 * <ul>
 * <li>{@code gates publish} attached (its SHA-256 is recorded with the entry it comes from: an
 * edited or foreign file vouches for nothing),</li>
 * <li>is about the required subject and passed,</li>
 * <li>is within its max age at the window's start, and</li>
 * <li>is not superseded by a newer <em>failing</em> entry of the same subject.</li>
 * </ul>
 * Newer passing evidence does not make an attachment fail (the nightly backup would otherwise
 * fail the gate every morning): it is reported as "newer evidence #N exists".
 */
public final class CabGate {
    private CabGate() {
    }

    /** The CAB ticket's name: the file's for a change record, else {@code gates.cab.ticket} or the window's. */
    static String ticketName(GatesPlan.Cab cab, ChangeWindow w) {
        if (cab.provider().equals("file")) {
            return cab.path().getFileName().toString();
        }
        String t = cab.ticket() != null ? cab.ticket() : w.ticket();
        if (t == null || t.isBlank()) {
            throw PreflightException.usage("no CAB ticket: neither gates.cab.ticket nor change_window.ticket is set",
                    "add 'ticket: ACAD-1234' to change_window");
        }
        return t;
    }

    /** The window's CAB ticket through its driver (the ticket's name resolved). */
    static ChangeTicket ticket(GatesContext ctx, GatesPlan.Cab cab, ChangeWindow w) {
        String name = ticketName(cab, w);
        return ctx.drivers().tickets().apply(new GatesPlan.Cab(cab.provider(), cab.url(), name, cab.user(), cab.token(),
                cab.path(), cab.approvedStatuses(), cab.apiVersion()));
    }

    /** Reads the window's ticket and decides; a ticket system that cannot answer throws {@link GateException}. */
    static GateResult check(GatesContext ctx, GatesPlan.Cab cab, ChangeWindow w) {
        ChangeTicket t = ticket(ctx, cab, w);
        ChangeTicket.State state = t.read();
        return decide(t.describe(), state, CabEvidence.required(ctx.plan(), w),
                CabEvidence.runbook(ctx.plan()).orElse(null), GatesEvidence.publishes(ctx.ledger()), ctx.ledger(),
                w.start(), e -> outdated(ctx, e));
    }

    /**
     * Why an entry that passed no longer vouches for the plan as it is now, as its owner judges it
     * (an audit of requirements the plan has since changed), or null. The same judgement custom
     * gates and readiness use: an attachment is evidence only of what its entry checked.
     */
    private static String outdated(GatesContext ctx, LedgerEntry e) {
        if (ctx.judge() == null) {
            return null;
        }
        Expected.Found f = ctx.judge().judge(e).orElse(null);
        return f == null || f.status() == Expected.Status.PASSED ? null
                : f.detail() != null ? f.detail() : "it does not cover the plan as it is now";
    }

    /** As {@link #decide(String, ChangeTicket.State, List, CabEvidence.Item, List, Ledger, Instant, Function)}, judging entries by outcome and age alone. */
    public static GateResult decide(String ticket, ChangeTicket.State state, List<CabEvidence.Required> required,
                                    CabEvidence.Item runbook, List<LedgerEntry> publishes, Ledger ledger,
                                    Instant windowStart) {
        return decide(ticket, state, required, runbook, publishes, ledger, windowStart, e -> null);
    }

    /**
     * Decides from what the ticket carries, the required evidence, the ledger's {@code gates-publish}
     * entries (which say which entry each attached SHA-256 comes from) and the ledger itself.
     *
     * @param runbook  the runbook link item, or null when the plan has none
     * @param outdated why a passed entry no longer covers the plan (its owner's judgement), or null when it does
     */
    public static GateResult decide(String ticket, ChangeTicket.State state, List<CabEvidence.Required> required,
                                    CabEvidence.Item runbook, List<LedgerEntry> publishes, Ledger ledger,
                                    Instant windowStart, Function<LedgerEntry, String> outdated) {
        List<String> failures = new ArrayList<>();
        List<String> details = new ArrayList<>();
        details.add(ticket + ": " + state.status());
        if (!state.approved()) {
            failures.add(ticket + " is not approved (" + state.status() + ")");
            state.problems().forEach(p -> failures.add("  " + p));
        }
        Map<String, GatesEvidence.Publication> published = GatesEvidence.publications(publishes);
        for (CabEvidence.Required r : required) {
            slot(r, state, published, ledger, windowStart, outdated, failures, details);
        }
        if (runbook == null) {
            failures.add("no current evidence: runbook link: the plan has no project.runbook");
        } else {
            boolean linked = state.texts().stream().anyMatch(t -> linksTo(t, runbook.link()))
                    || state.attachments().stream().anyMatch(a -> a.sha256().equals(runbook.sha256()));
            if (linked) {
                details.add("runbook link present: " + runbook.link());
            } else {
                failures.add("the runbook link " + runbook.link() + " is not on the ticket (run 'preflight gates publish')");
            }
        }
        if (failures.isEmpty()) {
            return GateResult.pass("cab", ticket + " is approved and carries passing evidence within its max age ("
                    + (required.size() + 1) + " item(s))", details);
        }
        List<String> all = new ArrayList<>(failures);
        all.addAll(details);
        String reason = failures.stream().filter(f -> !f.startsWith("  ")).findFirst().orElse(failures.get(0));
        long more = failures.stream().filter(f -> !f.startsWith("  ")).count() - 1;
        return GateResult.fail("cab", reason + (more > 0 ? " (and " + more + " more)" : ""), all);
    }

    /**
     * Whether {@code text} holds {@code link} as a whole address: what follows it ends the URL
     * (nothing, white space, a closing bracket or quote, sentence punctuation before one of those)
     * or is its fragment ({@code #step-3}). Another page whose address merely starts with the
     * runbook's ({@code section-1.10}, {@code -draft}, {@code /old}) is not the runbook.
     */
    static boolean linksTo(String text, String link) {
        if (text == null || link == null || link.isEmpty()) {
            return false;
        }
        for (int i = text.indexOf(link); i >= 0; i = text.indexOf(link, i + 1)) {
            int end = i + link.length();
            while (end < text.length() && ".,;:!?".indexOf(text.charAt(end)) >= 0) {
                end++;
            }
            boolean punctuated = end > i + link.length();
            if (end == text.length() || Character.isWhitespace(text.charAt(end))
                    || ")]}>\"'|*_`".indexOf(text.charAt(end)) >= 0
                    || !punctuated && text.charAt(end) == '#') {
                return true;
            }
        }
        return false;
    }

    /** Judges the attachments of one required kind; adds a failure unless one of them vouches for good evidence. */
    private static void slot(CabEvidence.Required r, ChangeTicket.State state, Map<String, GatesEvidence.Publication> published,
                             Ledger ledger, Instant windowStart, Function<LedgerEntry, String> outdated,
                             List<String> failures, List<String> details) {
        List<ChangeTicket.Attachment> same = state.attachments().stream()
                .filter(a -> a.name().equals(r.fileName())).toList();
        if (same.isEmpty()) {
            Optional<LedgerEntry> newest = r.subject() == null ? Optional.empty()
                    : GatesEvidence.latest(r.project(), ledger, r.kinds(), r.subject());
            String why = r.subject() != null && newest.isEmpty() ? "; the ledger has none: run '" + r.recordedBy() + "'"
                    : newest.filter(e -> !e.outcome().isGood()).map(e -> "; the latest, #" + e.seq() + ", "
                    + e.outcome().label() + ": run '" + r.recordedBy() + "'").orElse("; run 'preflight gates publish'");
            failures.add("missing attachment " + r.fileName() + " (" + r.description() + ")" + why);
            return;
        }
        LedgerEntry good = null;
        ChangeTicket.Attachment goodAttachment = null;
        List<String> problems = new ArrayList<>();
        for (ChangeTicket.Attachment a : same) {
            String where = "attachment " + a.name() + " (" + a.id() + ") sha256 " + short12(a.sha256());
            GatesEvidence.Publication p = published.get(a.sha256());
            if (p == null || !p.name().equals(r.fileName())) {
                problems.add(where + " was not attached by 'preflight gates publish' from a ledger entry (edited, foreign "
                        + "or published before evidence was traced); run 'preflight gates publish'");
                continue;
            }
            LedgerEntry e = entry(ledger, p);
            String from = " (attached by gates publish #" + p.publishSeq() + " at " + p.at() + ")";
            if (e == null) {
                problems.add(where + " vouches for ledger entry #" + p.entrySeq() + ", which this ledger does not hold" + from);
                continue;
            }
            String what = e.kind() + " #" + e.seq() + " of " + e.subject() + " at " + e.time();
            if (!r.speaks(e)) {
                String whose = ProjectScope.of(e);
                problems.add(where + " is " + what + (whose == null ? "" : " (project " + whose + ")") + ", not "
                        + r.description() + (r.project() == null ? "" : " of project " + r.project()) + from);
                continue;
            }
            if (!e.outcome().isGood()) {
                problems.add(where + " is " + what + ", which " + e.outcome().label() + from);
                continue;
            }
            String stale = outdated.apply(e);
            if (stale != null) {
                problems.add(where + " is " + what + ", which passed, but " + stale + ": run '" + r.recordedBy()
                        + "' again and 'preflight gates publish'" + from);
                continue;
            }
            Duration age = Duration.between(e.time(), windowStart);
            if (age.compareTo(r.maxAge()) > 0) {
                problems.add(where + " is " + what + ", " + Durations.plan(age) + " old at the window start " + windowStart
                        + " (max age " + Durations.plan(r.maxAge()) + "): run '" + r.recordedBy()
                        + "' closer to the window and 'preflight gates publish'" + from);
                continue;
            }
            Optional<LedgerEntry> failing = newer(ledger, r, e, false);
            if (failing.isPresent()) {
                LedgerEntry f = failing.get();
                problems.add(where + " is " + what + ", superseded by failing " + f.kind() + " #" + f.seq() + " of "
                        + f.subject() + " at " + f.time() + ": " + f.summary() + from);
                continue;
            }
            if (good == null || e.seq() > good.seq()) {
                good = e;
                goodAttachment = a;
            }
        }
        if (good == null) {
            failures.add(problems.get(0));
            problems.stream().skip(1).forEach(x -> failures.add("  " + x));
            return;
        }
        details.add("current: " + goodAttachment.name() + " (" + goodAttachment.id() + ") sha256 "
                + short12(goodAttachment.sha256()) + " = " + good.kind() + " #" + good.seq() + " of " + good.subject()
                + " at " + good.time() + " (" + r.description() + ", max age " + Durations.plan(r.maxAge())
                + " at the window start)");
        newer(ledger, r, good, true).ifPresent(n -> details.add("newer evidence #" + n.seq() + " exists ("
                + n.kind() + " of " + n.subject() + " at " + n.time() + "); 'preflight gates publish' attaches it"));
        for (String p : problems) {
            details.add("ignored: " + p);
        }
    }

    /** The newest entry after {@code e} of the kinds about its subject that passed ({@code good}) or did not. */
    private static Optional<LedgerEntry> newer(Ledger ledger, CabEvidence.Required r, LedgerEntry e, boolean good) {
        List<LedgerEntry> all = new ArrayList<>();
        for (String k : r.kinds()) {
            for (LedgerEntry x : ledger.query(new LedgerQuery(k, e.subject(), null, 0, true))) {
                if (x.seq() <= e.seq()) {
                    break;
                }
                if (x.outcome().isGood() == good && r.speaks(x)) {
                    all.add(x);
                }
            }
        }
        return all.stream().max(Comparator.comparingLong(LedgerEntry::seq));
    }

    private static LedgerEntry entry(Ledger ledger, GatesEvidence.Publication p) {
        for (LedgerEntry x : ledger.query(new LedgerQuery(p.kind(), p.subject(), null, 0, true))) {
            if (x.seq() == p.entrySeq()) {
                return x;
            }
            if (x.seq() < p.entrySeq()) {
                break;
            }
        }
        return null;
    }

    static String short12(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "..." : sha;
    }
}
