package dev.preflight.gates;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Durations;
import dev.preflight.run.Freshness;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gates notify}: renders the notice templates and sends each one by SMTP (and to the webhook
 * when configured), then records when, to whom and which templates (SHA-256) as ledger kind
 * {@code notice-sent}. A send failure is recorded as failed and rethrown (exit 3).
 */
public final class GatesNotify {
    private final GatesContext ctx;

    public GatesNotify(GatesContext ctx) {
        this.ctx = ctx;
    }

    /**
     * What was sent: the rendered notices, the mail recipients, whether the webhook, the ledger entry,
     * and, when the webhook's server dated its answer more than {@link Freshness#CLOCK_TOLERANCE} away
     * from this machine's clock, a note saying by how much (null otherwise).
     */
    @JsonPropertyOrder({"verdict"})
    public record Sent(List<Notices.Rendered> notices, List<String> recipients, boolean webhook, String summary,
                       Instant time, long seq, @JsonInclude(JsonInclude.Include.NON_NULL) String clock) {
        public Sent {
            notices = List.copyOf(notices);
            recipients = List.copyOf(recipients);
        }

        /** Always passed: a failure throws before anything is recorded as done. */
        @JsonProperty
        public Verdict verdict() {
            return Verdict.PASSED;
        }
    }

    public Sent run() {
        ChangeWindow w = ctx.window();
        GatesPlan.Notice n = Optional.ofNullable(ctx.gates().notice()).orElseThrow(() -> PreflightException.usage(
                "the plan configures no notice gate", "add gates.notice: {templates: DIR, smtp: {...}}"));
        if (n.smtp() == null && n.webhook() == null) {
            throw PreflightException.usage("gates.notice has neither smtp nor webhook: nowhere to send the notices",
                    "add gates.notice.smtp: {host, port, from, to: [...]} or webhook: URL");
        }
        if (n.webhook() != null && n.webhook().value().isBlank()) {
            GatesDrivers.token(n.webhook(), "gates.notice.webhook");
        }
        List<Notices.Rendered> rendered = Notices.render(n.templates(), Notices.values(ctx.plan(), w));
        List<String> recipients = n.smtp() == null ? List.of() : n.smtp().to();
        GatesEvidence.NoticePayload payload = new GatesEvidence.NoticePayload(GatesEvidence.Window.of(w), recipients,
                n.webhook() != null, rendered.stream().map(r -> new GatesEvidence.NoticePayload.Template(r.template(),
                r.templateSha256(), r.subject())).toList(), null, null);
        // The webhook server's clock, kept with the notice: the entry is dated by this machine's clock,
        // and one set back (a bastion resumed from an old snapshot, a hand-set date) made a notice sent
        // hours before the window read as sent days before, on a ledger with nothing older to tell.
        Instant serverDate = null;
        try {
            for (Notices.Rendered r : rendered) {
                if (n.smtp() != null) {
                    ctx.drivers().mailer().apply(n.smtp()).send(n.smtp().from(), n.smtp().to(), r.subject(), r.body());
                }
                if (n.webhook() != null) {
                    var body = Json.object().put("text", "*" + r.subject() + "*\n" + r.body());
                    Instant d = ctx.drivers().webhook(ctx.clock()).post(URI.create(n.webhook().value()),
                            Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8))
                            .date().orElse(null);
                    if (d != null && (serverDate == null || d.isAfter(serverDate))) {
                        serverDate = d;
                    }
                }
            }
        } catch (RuntimeException e) {
            ctx.ledger().append(NewEntry.of(GatesEvidence.NOTICE, ctx.subject(w), Outcome.FAILED,
                    "sending the notices failed: " + Errors.describe(e),
                    payload.answeredAt(serverDate).failed(Errors.describe(e))));
            throw e;
        }
        LedgerEntry e = ctx.ledger().append(NewEntry.of(GatesEvidence.NOTICE, ctx.subject(w), Outcome.PASSED,
                rendered.size() + " notice(s) sent to " + recipients.size() + " recipient(s)"
                        + (n.webhook() != null ? " and the webhook" : ""), payload.answeredAt(serverDate)));
        return new Sent(rendered, recipients, n.webhook() != null, e.summary(), e.time(), e.seq(),
                clockNote(e.time(), serverDate));
    }

    /** What the user should know when this machine's clock and the webhook server's disagree; null when they agree. */
    static String clockNote(Instant local, Instant server) {
        if (server == null) {
            return null;
        }
        Duration d = Duration.between(local, server);
        if (d.abs().compareTo(Freshness.CLOCK_TOLERANCE) <= 0) {
            return null;
        }
        String by = Durations.hoursOrDays(d.abs());
        return d.isNegative()
                ? "this machine's clock is " + by + " ahead of the webhook server's (its Date header said " + server + ")"
                : "this machine's clock is " + by + " behind the webhook server's (its Date header said " + server
                        + "): the notice gate counts this notice as sent at the server's time; set the clock right "
                        + "(NTP) before recording more evidence";
    }
}
