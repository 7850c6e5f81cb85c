package dev.preflight.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.core.Json;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.run.ProjectScope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The ledger kind the audit records (one entry per audited environment, or {@link AuditHosts#SUBJECT}
 * for an ad-hoc audit), its typed payload and its attachment, the JSON report. Written and read
 * only here: no other audit class spells the kind or a payload field.
 */
public final class AuditEvidence {
    /** An audit of one environment's hosts. */
    public static final String KIND = EvidenceKind.AUDIT.id();

    private AuditEvidence() {
    }

    /**
     * The payload of an {@link #KIND} entry: the counts of the report.
     *
     * @param hosts   the hosts audited (servers included), which an expectation compares with the plan's
     * @param targets what was audited ({@link AuditTargets#fingerprint}), which an expectation compares
     *                with the plan as it is now; absent for an ad-hoc audit (and in entries recorded
     *                before it was kept)
     * @param project the project whose plan had it audited ({@link ProjectScope}); absent for an ad-hoc
     *                audit (and in entries recorded before it was kept)
     */
    public record Payload(long failures, long warnings, long problems, int hosts,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String targets,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String project) {
        static Payload of(Report r, String targets, String project) {
            return new Payload(r.failures(), r.warnings(), r.problems(), r.hosts().size(), targets, project);
        }

        /** Reads an entry's payload; missing counts read as zero. */
        public static Payload read(JsonNode p) {
            return new Payload(p.path("failures").asLong(0), p.path("warnings").asLong(0), p.path("problems").asLong(0),
                    p.path("hosts").asInt(0), p.path("targets").isTextual() ? p.path("targets").asText() : null,
                    p.path(ProjectScope.FIELD).isTextual() ? p.path(ProjectScope.FIELD).asText() : null);
        }
    }

    /**
     * The report an {@link #KIND} entry's attachment holds (the JSON of {@link AuditReport#REPORT}),
     * read leniently ({@link Json#readLenient}); an attachment that cannot be read gives an empty
     * report (no host), never an exception.
     */
    public static AuditReport.Doc report(JsonNode attachment) {
        return Json.readLenient(attachment, AuditReport.Doc.class).orElse(AuditReport.Doc.EMPTY);
    }

    /** Appends the audit to the ledger with the JSON report attached (an ad-hoc audit: no plan targets). */
    public static LedgerEntry record(Ledger ledger, String subject, Report report) {
        return record(ledger, subject, report, null, null);
    }

    /**
     * Appends the audit to the ledger with the JSON report attached; {@code targets} is the
     * {@link AuditTargets#fingerprint} of what the plan had it check, {@code project} the plan's project.
     */
    public static LedgerEntry record(Ledger ledger, String subject, Report report, String targets, String project) {
        String json = AuditReport.REPORT.render(report, Format.JSON, Style.PLAIN);
        String name = "audit-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID() + ".json";
        return ledger.append(NewEntry.of(KIND, subject, Outcome.of(report.verdict()), report.hosts().size()
                        + " host(s), " + report.failures() + " failure(s), " + report.warnings() + " waived, "
                        + report.problems() + " unreachable/probe error(s)", Payload.of(report, targets, project))
                .withAttachments(List.of(new NewEntry.Attachment(name, "application/json",
                        json.getBytes(StandardCharsets.UTF_8)))));
    }
}
