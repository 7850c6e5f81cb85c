package dev.preflight.gates;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.core.Verdict;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

    /** What was sent: the rendered notices, the mail recipients, whether the webhook, and the ledger entry. */
    @JsonPropertyOrder({"verdict"})
    public record Sent(List<Notices.Rendered> notices, List<String> recipients, boolean webhook, String summary,
                       Instant time, long seq) {
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
                r.templateSha256(), r.subject())).toList(), null);
        try {
            for (Notices.Rendered r : rendered) {
                if (n.smtp() != null) {
                    ctx.drivers().mailer().apply(n.smtp()).send(n.smtp().from(), n.smtp().to(), r.subject(), r.body());
                }
                if (n.webhook() != null) {
                    var body = Json.object().put("text", "*" + r.subject() + "*\n" + r.body());
                    ctx.drivers().webhook(ctx.clock()).post(URI.create(n.webhook().value()),
                            Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (RuntimeException e) {
            ctx.ledger().append(NewEntry.of(GatesEvidence.NOTICE, ctx.subject(w), Outcome.FAILED,
                    "sending the notices failed: " + Errors.describe(e), payload.failed(Errors.describe(e))));
            throw e;
        }
        LedgerEntry e = ctx.ledger().append(NewEntry.of(GatesEvidence.NOTICE, ctx.subject(w), Outcome.PASSED,
                rendered.size() + " notice(s) sent to " + recipients.size() + " recipient(s)"
                        + (n.webhook() != null ? " and the webhook" : ""), payload));
        return new Sent(rendered, recipients, n.webhook() != null, e.summary(), e.time(), e.seq());
    }
}
