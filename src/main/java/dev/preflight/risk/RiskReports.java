package dev.preflight.risk;

import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Style;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the derived risk register: text, JSON and Markdown (for the change ticket). */
public final class RiskReports {
    private RiskReports() {
    }

    public static String render(List<RiskResult> results, Format f, Style s) {
        return switch (f) {
            case JSON -> Json.pretty(json(results)) + "\n";
            case MARKDOWN -> markdown(results);
            default -> text(results, s);
        };
    }

    static String text(List<RiskResult> results, Style s) {
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
                sb.append("    ").append(label).append("  ").append(c.reason()).append('\n');
            }
        }
        long open = results.stream().filter(r -> r.status() == RiskResult.Status.OPEN).count();
        long atRisk = results.stream().filter(r -> r.status() == RiskResult.Status.AT_RISK).count();
        sb.append(results.size()).append(" risk(s): ").append(results.size() - open - atRisk).append(" mitigated, ")
                .append(atRisk).append(" at risk, ").append(open).append(" open\n");
        return sb.toString();
    }

    public static List<Map<String, Object>> json(List<RiskResult> results) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RiskResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.risk().name());
            m.put("title", r.risk().title());
            m.put("mitigation", r.risk().mitigation());
            m.put("status", r.status().label());
            List<Map<String, Object>> cs = new ArrayList<>();
            for (RiskResult.ControlResult c : r.controls()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("control", c.control().describe());
                cm.put("state", c.state());
                cm.put("reason", c.reason());
                cs.add(cm);
            }
            m.put("controls", cs);
            out.add(m);
        }
        return out;
    }

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
