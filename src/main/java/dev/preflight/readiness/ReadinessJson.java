package dev.preflight.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.report.Durations;
import dev.preflight.risk.RiskReport;
import dev.preflight.run.SectionResult;
import java.util.List;

/**
 * The JSON document of {@code run} and {@code readiness --format json}: a {@link Readiness} as the
 * records Jackson serialises, in snake_case, with the verdict, states and outcomes in their words.
 *
 * @param reasons       one line per reason for NO-GO
 * @param reasonDetails the same reasons with the section, kind, subject and entry each is about
 */
@JsonNaming(SnakeCaseStrategy.class)
public record ReadinessJson(String project, String verdict, List<SectionRow> sections, List<EvidenceRow> evidence,
                            List<RiskReport.Row> risks, List<SignOffRow> signOffs, LedgerRow ledger,
                            boolean ledgerIntact, String ledgerHead, List<String> reasons,
                            List<ReasonRow> reasonDetails) {

    /** The document of a readiness verdict of {@code project}. */
    public static ReadinessJson of(Readiness r, String project) {
        GoNoGo v = r.verdict();
        GoNoGo.Chain c = v.chain();
        return new ReadinessJson(project, r.go() ? "GO" : "NO-GO",
                r.results().stream().map(SectionRow::of).toList(),
                v.checks().stream().map(EvidenceRow::of).toList(),
                RiskReport.rows(v.risks()),
                v.signOffs().stream().map(SignOffRow::of).toList(),
                new LedgerRow(c.intact(), c.entries(), c.problem(), r.seq(), r.hash(), c.headSeq(), c.headHash()),
                r.ledgerIntact(), r.ledgerHead(), r.reasons(),
                v.reasons().stream().map(ReasonRow::of).toList());
    }

    /** What one section did this time; {@code reasons} only for a failed section. */
    public record SectionRow(String section, String result, String summary,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<String> reasons) {
        static SectionRow of(SectionResult x) {
            return new SectionRow(x.section(), x.label(), x.summary(),
                    x instanceof SectionResult.Failed f ? f.reasons() : null);
        }
    }

    /** One expectation judged: what was expected, how it stands, and the entry that speaks for it (or null). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record EvidenceRow(String section, String kind, String subject, String aspect, String maxAge, String state,
                              EntryRow entry, String reason) {
        static EvidenceRow of(GoNoGo.Check c) {
            var x = c.expected();
            return new EvidenceRow(x.section(), x.kind(), x.subject(), x.aspect(), Durations.plan(x.maxAge()),
                    c.state().label(), c.entry() == null ? null : EntryRow.of(c.entry()), c.reason());
        }
    }

    /** A ledger entry as the report names it (no payload, no hashes). */
    public record EntryRow(long seq, String time, String kind, String subject, String outcome, String summary) {
        static EntryRow of(LedgerEntry e) {
            return new EntryRow(e.seq(), e.time().toString(), e.kind(), e.subject(), e.outcome().label(), e.summary());
        }
    }

    /** A signer's newest sign-off, the head it was given on, and what was recorded since. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record SignOffRow(long seq, String time, String by, String role, long headSeq, String headHash,
                             String status, List<EntryRow> since, List<EntryRow> failingSince) {
        static SignOffRow of(GoNoGo.SignOff so) {
            return new SignOffRow(so.entry().seq(), so.entry().time().toString(), so.by(), so.role(), so.headSeq(),
                    so.headHash(), so.isVoid() ? "void" : so.current() ? "current" : "evidence recorded since",
                    so.since().stream().map(EntryRow::of).toList(),
                    so.failingSince().stream().map(EntryRow::of).toList());
        }
    }

    /**
     * The ledger as judged and as left: its chain, the head after the verdict was recorded
     * ({@code headSeq}/{@code headHash}) and the head the verdict judged.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record LedgerRow(boolean intact, long entries, String problem, long headSeq, String headHash,
                            long judgedAtSeq, String judgedAtHash) {
    }

    /** One reason for NO-GO; {@code entry} is the sequence number it is about, or null. */
    public record ReasonRow(String section, String kind, String subject, Long entry, String reason) {
        static ReasonRow of(GoNoGo.Reason x) {
            return new ReasonRow(x.section(), x.kind(), x.subject(), x.seq() == 0 ? null : x.seq(), x.text());
        }
    }
}
