package dev.preflight.risk;

import static dev.preflight.report.Visible.line;

import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The renderer of the derived risk register: text, JSON and Markdown (for the change ticket). */
public final class RiskReport {
    private RiskReport() {
    }

    /** {@code risks}: text, JSON (one {@link Row} per risk), Markdown. */
    public static final Renderer<RiskAssessment> REGISTER = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String text(RiskAssessment a, Style style) {
            return RiskReport.text(a.risks(), style);
        }

        @Override
        public String json(RiskAssessment a) {
            return Json.pretty(rows(a)) + "\n";
        }

        @Override
        public String other(RiskAssessment a, Format format) {
            return markdown(a.risks());
        }
    };

    /** One risk as the JSON, the ledger and the readiness page show it. */
    public record Row(String name, String title, String mitigation, String status, List<ControlRow> controls) {
    }

    /** One control of a risk, for one subject: what it asks ({@code audit (production) within 7d}), its state and why. */
    public record ControlRow(String control, String state, String reason) {
    }

    /** The assessment as rows. */
    public static List<Row> rows(RiskAssessment a) {
        return rows(a.risks());
    }

    /** The risks as rows. */
    public static List<Row> rows(List<RiskResult> results) {
        return results.stream().map(r -> new Row(r.risk().name(), r.risk().title(), r.risk().mitigation(),
                r.status().label(), r.controls().stream().map(c -> new ControlRow(c.control().describe(), c.state(),
                        c.reason())).toList())).toList();
    }

    private static String text(List<RiskResult> results, Style s) {
        StringBuilder sb = new StringBuilder();
        int w = results.stream().mapToInt(r -> r.risk().title().length()).max().orElse(4);
        for (RiskResult r : results) {
            String st = String.format("%-9s", r.status().label());
            st = switch (r.status()) {
                case MITIGATED -> s.ok(st);
                case AT_RISK -> s.warn(st);
                case OPEN -> s.bad(st);
            };
            sb.append(String.format("%-" + w + "s  ", r.risk().title())).append(st).append("  ")
                    .append(r.risk().mitigation() == null ? "" : r.risk().mitigation()).append('\n');
            for (RiskResult.ControlResult c : r.controls()) {
                // The control's own state, not one "NOT" for three different things to do.
                String label = c instanceof RiskResult.ControlResult.Fresh ? s.ok("ok     ")
                        : c instanceof RiskResult.ControlResult.Stale ? s.warn("stale  ")
                        : c instanceof RiskResult.ControlResult.Failing ? s.bad("failing") : s.bad("missing");
                // A control's reason may quote an entry's summary: one line.
                sb.append("    ").append(label).append("  ").append(line(c.reason())).append('\n');
            }
        }
        long open = results.stream().filter(r -> r.status() == RiskResult.Status.OPEN).count();
        long atRisk = results.stream().filter(r -> r.status() == RiskResult.Status.AT_RISK).count();
        sb.append(results.size()).append(" risk(s): ").append(results.size() - open - atRisk).append(" mitigated, ")
                .append(atRisk).append(" at risk, ").append(open).append(" open\n");
        return sb.toString();
    }

    /** The register as a Markdown table (also part of {@code readiness --format markdown}). */
    public static String markdown(List<RiskResult> results) {
        StringBuilder sb = new StringBuilder("## Risk register\n\n| Risk | Mitigation | Status | Evidence |\n| --- | --- | --- | --- |\n");
        for (RiskResult r : results) {
            sb.append("| ").append(Markdown.cell(r.risk().title())).append(" | ")
                    .append(Markdown.cell(r.risk().mitigation() == null ? "" : r.risk().mitigation())).append(" | **")
                    .append(r.status().label()).append("** | ")
                    .append(Markdown.cell(String.join("; ", r.controls().stream().map(RiskResult.ControlResult::reason).toList())))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
