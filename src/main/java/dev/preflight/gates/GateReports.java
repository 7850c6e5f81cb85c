package dev.preflight.gates;

import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Html;
import dev.preflight.report.Markdown;
import dev.preflight.report.Style;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders {@code gates check} results as text, JSON, JUnit XML (for CI) or Markdown (for the change ticket). */
public final class GateReports {
    private GateReports() {
    }

    public static String render(ChangeWindow w, List<GateResult> results, Format format, Style s) {
        long passed = results.stream().filter(GateResult::passed).count();
        boolean all = passed == results.size();
        return switch (format) {
            case JSON -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("window", Json.fields("start", w.start().toString(), "end", w.end().toString(),
                        "environment", w.environment(), "ticket", w.ticket() == null ? "" : w.ticket()));
                m.put("passed", all);
                m.put("gates", results);
                yield Json.pretty(m) + "\n";
            }
            case JUNIT -> {
                // One test suite, one test case per gate: CI shows a failed gate as a failed test.
                StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n")
                        .append("  <testsuite name=\"gates\" tests=\"").append(results.size()).append("\" failures=\"")
                        .append(results.size() - passed).append("\" errors=\"0\">\n");
                for (GateResult r : results) {
                    sb.append("    <testcase classname=\"gates\" name=\"").append(Html.esc(r.name())).append('"');
                    if (r.passed()) {
                        sb.append("/>\n");
                    } else {
                        sb.append(">\n      <failure message=\"").append(Html.esc(r.reason())).append("\">")
                                .append(Html.esc(String.join("\n", r.details()))).append("</failure>\n    </testcase>\n");
                    }
                }
                yield sb.append("  </testsuite>\n</testsuites>\n").toString();
            }
            case MARKDOWN -> {
                StringBuilder sb = new StringBuilder("## Change-control gates: ").append(all ? "passed" : "**FAILED**")
                        .append("\n\nWindow ").append(w.start()).append(" – ").append(w.end()).append(" (")
                        .append(Markdown.cell(w.environment())).append(w.ticket() == null ? "" : ", " + Markdown.cell(w.ticket()))
                        .append(")\n\n| gate | result | reason |\n| --- | --- | --- |\n");
                for (GateResult r : results) {
                    sb.append("| ").append(Markdown.cell(r.name())).append(" | ").append(r.passed() ? "passed" : "**FAILED**")
                            .append(" | ").append(Markdown.cell(r.reason())).append(" |\n");
                }
                for (GateResult r : results) {
                    if (!r.details().isEmpty()) {
                        sb.append("\n**").append(Markdown.cell(r.name())).append("**\n\n");
                        r.details().forEach(d -> sb.append("- ").append(Markdown.text(d.strip())).append('\n'));
                    }
                }
                yield sb.toString();
            }
            default -> {
                StringBuilder sb = new StringBuilder("Change window ").append(w.start()).append(" - ").append(w.end())
                        .append(" (").append(w.environment()).append(w.ticket() == null ? "" : ", " + w.ticket()).append(")\n\n");
                int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(4);
                for (GateResult r : results) {
                    sb.append(r.passed() ? s.ok("PASSED") : s.bad("FAILED")).append("  ")
                            .append(String.format("%-" + width + "s", r.name())).append("  ").append(r.reason()).append('\n');
                    // The reason is already on the gate's line; its detail copy would only repeat it.
                    r.details().stream().filter(d -> !r.reason().startsWith(d))
                            .forEach(d -> sb.append("        ").append(d).append('\n'));
                }
                sb.append('\n').append(all ? s.ok("PASSED") : s.bad("FAILED")).append(": ").append(passed).append('/')
                        .append(results.size()).append(" gate(s) passed\n");
                yield sb.toString();
            }
        };
    }
}
