package dev.preflight.gates;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.report.Durations;
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
        List<LedgerEntry> sent = GatesEvidence.noticesSent(ctx.ledger(), w, ctx.subject(w));
        String lead = Durations.hoursMinutes(n.leadTime());
        List<LedgerEntry> early = sent.stream().filter(e -> !e.time().isAfter(deadline)).toList();
        Optional<LedgerEntry> inTime = early.stream().findFirst();
        List<String> missed = notReached(n, early);
        if (inTime.isPresent() && !missed.isEmpty()) {
            // A notice vouches for the people it went to: a stakeholder added to the plan since was never told.
            return GateResult.fail("notice", "the notice sent in time did not reach " + String.join(", ", missed)
                    + " (the plan names them now); run 'preflight gates notify'", early.stream().map(e -> "sent "
                    + e.time() + " (ledger #" + e.seq() + "): " + e.summary()).toList());
        }
        if (inTime.isPresent()) {
            LedgerEntry e = inTime.get();
            return GateResult.pass("notice", "notice sent " + Durations.hoursMinutes(Duration.between(e.time(), w.start()))
                    + " before the window (lead time " + lead + ")", List.of("sent " + e.time() + " (ledger #" + e.seq()
                    + "): " + e.summary()));
        }
        if (!sent.isEmpty()) {
            LedgerEntry e = sent.get(0);
            return GateResult.fail("notice", "notice sent only " + Durations.hoursMinutes(Duration.between(e.time(),
                    w.start())) + " before the window; the lead time is " + lead, List.of("sent " + e.time()
                    + " (ledger #" + e.seq() + "), deadline was " + deadline));
        }
        Instant now = ctx.clock().instant();
        return GateResult.fail("notice", "no notice sent for this window; it must go out by " + deadline + " ("
                + lead + " before the start)", List.of(now.isAfter(deadline) ? "the deadline has passed"
                : "run 'preflight gates notify' within " + Durations.hoursOrDays(Duration.between(now, deadline))));
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
