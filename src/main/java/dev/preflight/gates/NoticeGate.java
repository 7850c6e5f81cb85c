package dev.preflight.gates;

import dev.preflight.ledger.LedgerEntry;
import dev.preflight.report.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code notice} gate (runbook §4.3): the stakeholder notice for this window went out at least
 * the lead time before it starts ({@code gates notify}, ledger kind {@code notice-sent}).
 */
final class NoticeGate {
    private NoticeGate() {
    }

    static GateResult check(GatesContext ctx, GatesPlan.Notice n, ChangeWindow w) {
        Instant deadline = w.start().minus(n.leadTime());
        List<LedgerEntry> sent = GatesEvidence.noticesSent(ctx.ledger(), w);
        String lead = Durations.hoursMinutes(n.leadTime());
        Optional<LedgerEntry> inTime = sent.stream().filter(e -> !e.time().isAfter(deadline)).findFirst();
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
}
