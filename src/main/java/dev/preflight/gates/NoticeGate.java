package dev.preflight.gates;

import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.report.Durations;
import dev.preflight.run.Freshness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code notice} gate (runbook §4.3): the stakeholder notice for this window went out at least
 * the lead time before it starts ({@code gates notify}, ledger kind {@code notice-sent}).
 */
final class NoticeGate {
    private NoticeGate() {
    }

    static GateResult check(GatesContext ctx, GatesPlan.Notice n, ChangeWindow w) {
        Instant deadline = w.start().minus(n.leadTime());
        Instant now = ctx.clock().instant();
        List<Sent> sent = GatesEvidence.noticesSent(ctx.ledger(), w, ctx.subject(w)).stream()
                .map(e -> Sent.of(ctx.ledger(), e, now)).toList();
        String lead = Durations.hoursMinutes(n.leadTime());
        List<Sent> early = sent.stream().filter(s -> !s.at().isAfter(deadline)).toList();
        Optional<Sent> inTime = early.stream().findFirst();
        List<String> missed = notReached(n, early.stream().map(Sent::entry).toList());
        if (inTime.isPresent() && !missed.isEmpty()) {
            // A notice vouches for the people it went to: a stakeholder added to the plan since was never told.
            return GateResult.fail("notice", "the notice sent in time did not reach " + String.join(", ", missed)
                    + " (the plan names them now); run 'preflight gates notify'", early.stream().map(s -> "sent "
                    + s.when() + ": " + s.entry().summary()).toList());
        }
        if (inTime.isPresent()) {
            Sent s = inTime.get();
            return GateResult.pass("notice", "notice sent " + Durations.hoursMinutes(Duration.between(s.at(), w.start()))
                    + " before the window (lead time " + lead + ")", List.of("sent " + s.when() + ": "
                    + s.entry().summary()));
        }
        if (!sent.isEmpty()) {
            Sent s = sent.get(0);
            return GateResult.fail("notice", "notice sent only " + Durations.hoursMinutes(Duration.between(s.at(),
                    w.start())) + " before the window; the lead time is " + lead, List.of("sent " + s.when()
                    + ", deadline was " + deadline));
        }
        return GateResult.fail("notice", "no notice sent for this window; it must go out by " + deadline + " ("
                + lead + " before the start)", List.of(now.isAfter(deadline) ? "the deadline has passed"
                : "run 'preflight gates notify' within " + Durations.hoursOrDays(Duration.between(now, deadline))));
    }

    /**
     * A notice and when it went out at the earliest: its own time, unless something that did not come
     * from the clock that dated it says later, by more than {@link Freshness#CLOCK_TOLERANCE}:
     * <ul>
     *   <li>an entry recorded before it (a lower seq) is dated later: the clock of the machine that
     *       sent it ran behind (a bastion resumed from a snapshot, a clock set back), and the notice
     *       went out no earlier than that entry. Entries dated in the future of the judging clock are
     *       a clock running ahead and do not count;</li>
     *   <li>the webhook's server dated its answer later ({@code webhook_date}): that catches a clock
     *       set back on a ledger with nothing older in it. It always counts, whatever the judging
     *       clock says: a judging clock set back as well must not discount it.</li>
     * </ul>
     * Dated by its own clock, a notice sent hours before the window read as sent days before and
     * passed the lead time.
     *
     * @param behind the later-dated entry recorded before it, or null
     * @param server the webhook server's later date, when that is what {@code at} is
     */
    record Sent(LedgerEntry entry, Instant at, LedgerEntry behind, Instant server) {
        static Sent of(Ledger ledger, LedgerEntry e, Instant now) {
            LedgerEntry latest = null;
            for (LedgerEntry before : ledger.query(new LedgerQuery(null, null, e.time().plus(Freshness.CLOCK_TOLERANCE),
                    0, false))) {
                if (before.seq() < e.seq() && !before.time().isAfter(now.plus(Freshness.CLOCK_TOLERANCE))
                        && (latest == null || before.time().isAfter(latest.time()))) {
                    latest = before;
                }
            }
            Instant at = latest == null ? e.time() : latest.time();
            Instant server = GatesEvidence.NoticePayload.of(e).map(GatesEvidence.NoticePayload::webhookDate).orElse(null);
            if (server != null && server.isAfter(e.time().plus(Freshness.CLOCK_TOLERANCE)) && server.isAfter(at)) {
                return new Sent(e, server, null, server);
            }
            return new Sent(e, at, latest, null);
        }

        /** When, as the details say it: the entry's time, or why a later one counts. */
        String when() {
            if (server != null) {
                return "no earlier than " + at + " (ledger #" + entry.seq() + " is dated " + entry.time()
                        + ", but the webhook's server answered it at " + at + " by its Date header: the clock that "
                        + "dated it ran behind)";
            }
            return behind == null ? entry.time() + " (ledger #" + entry.seq() + ")" : "no earlier than " + at
                    + " (ledger #" + entry.seq() + " is dated " + entry.time() + ", but ledger #" + behind.seq()
                    + ", recorded before it, is dated " + at + ": the clock that dated it ran behind)";
        }
    }

    /** The plan's recipients (and its webhook) that none of the notices reached. */
    private static List<String> notReached(GatesPlan.Notice n, List<LedgerEntry> notices) {
        Set<String> reached = new HashSet<>();
        boolean webhook = false;
        for (LedgerEntry e : notices) {
            GatesEvidence.NoticePayload p = GatesEvidence.NoticePayload.of(e).orElse(null);
            if (p != null) {
                p.recipients().forEach(r -> reached.add(r.strip().toLowerCase(Locale.ROOT)));
                webhook |= p.webhook();
            }
        }
        List<String> missed = new ArrayList<>();
        if (n.smtp() != null) {
            n.smtp().to().stream().filter(r -> !reached.contains(r.strip().toLowerCase(Locale.ROOT))).forEach(missed::add);
        }
        if (n.webhook() != null && !webhook) {
            missed.add("the webhook");
        }
        return missed;
    }
}
