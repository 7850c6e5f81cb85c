package dev.preflight.report;

import dev.preflight.core.Json;
import dev.preflight.run.Readiness;
import dev.preflight.run.SectionResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the readiness verdict of {@code preflight run}: verdict first, then each section, then reasons. */
public final class ReadinessReport {
    private ReadinessReport() {
    }

    public static String render(Readiness r, String project, Format format, Style style) {
        return switch (format) {
            case JSON -> json(r, project);
            case MARKDOWN -> markdown(r, project);
            default -> text(r, project, style);
        };
    }

    static String text(Readiness r, String project, Style s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Readiness of ").append(project).append(": ")
                .append(r.go() ? s.ok(s.bold("GO")) : s.bad(s.bold("NO-GO"))).append('\n');
        for (SectionResult x : r.results()) {
            String label = switch (x.label()) {
                case "PASSED" -> s.ok("PASSED");
                case "not configured" -> s.dim("-");
                default -> s.bad(x.label());
            };
            sb.append(String.format("  %-13s %s  %s%n", x.section(), label,
                    x instanceof SectionResult.NotConfigured ? s.dim(x.summary()) : x.summary()));
        }
        sb.append("  chain         ").append(r.ledgerIntact() ? s.ok("INTACT") : s.bad("BROKEN"));
        if (r.ledgerHead() != null) {
            sb.append("  head ").append(r.ledgerHead());
        }
        sb.append('\n');
        if (!r.go()) {
            sb.append("Reasons for NO-GO:\n");
            r.reasons().forEach(x -> sb.append("  - ").append(x).append('\n'));
        }
        return sb.toString();
    }

    static String json(Readiness r, String project) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("project", project);
        doc.put("verdict", r.go() ? "GO" : "NO-GO");
        List<Map<String, Object>> sections = new ArrayList<>();
        for (SectionResult x : r.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("section", x.section());
            m.put("result", x.label());
            m.put("summary", x.summary());
            if (x instanceof SectionResult.Failed f) {
                m.put("reasons", f.reasons());
            }
            sections.add(m);
        }
        doc.put("sections", sections);
        doc.put("ledger_intact", r.ledgerIntact());
        doc.put("ledger_head", r.ledgerHead());
        doc.put("reasons", r.reasons());
        return Json.pretty(doc) + "\n";
    }

    static String markdown(Readiness r, String project) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Readiness: ").append(project).append("\n\n");
        sb.append("**Verdict: ").append(r.go() ? "GO" : "NO-GO").append("**\n\n");
        sb.append("| Section | Result | Summary |\n| --- | --- | --- |\n");
        for (SectionResult x : r.results()) {
            sb.append("| ").append(Markdown.cell(x.section())).append(" | ").append(Markdown.cell(x.label()))
                    .append(" | ").append(Markdown.cell(x.summary())).append(" |\n");
        }
        sb.append("\nLedger: ").append(r.ledgerIntact() ? "intact" : "BROKEN");
        if (r.ledgerHead() != null) {
            sb.append(", head `").append(r.ledgerHead()).append('`');
        }
        sb.append("\n");
        if (!r.go()) {
            sb.append("\n## Reasons for NO-GO\n\n");
            r.reasons().forEach(x -> sb.append("- ").append(Markdown.text(x)).append('\n'));
        }
        return sb.toString();
    }
}
