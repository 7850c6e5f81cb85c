package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Check;
import dev.preflight.audit.AuditModel.HostReport;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Style;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Renders an audit: a host x requirement matrix and one line per failure; JSON; JUnit XML; Markdown. */
public final class AuditReports {
    private AuditReports() {
    }

    public static String render(Report r, Format f, Style s) {
        return switch (f) {
            case JSON -> Json.pretty(json(r)) + "\n";
            case JUNIT -> junit(r);
            case MARKDOWN -> markdown(r);
            default -> text(r, s);
        };
    }

    private static List<String> labels(Report r) {
        Set<String> l = new LinkedHashSet<>();
        r.hosts().forEach(h -> h.checks().forEach(c -> l.add(c.requirement().label())));
        return new ArrayList<>(l);
    }

    private static String cell(HostReport h, String label) {
        if (h.unreachable() != null) {
            return "UNREACHABLE";
        }
        for (Check c : h.checks()) {
            if (c.requirement().label().equals(label)) {
                String v = c.found().isEmpty() ? "-" : c.found();
                return c instanceof Check.Passed ? "ok " + v : c instanceof Check.Failed ? "FAIL " + v
                        : c instanceof Check.Waived ? "WAIVED " + v : "ERROR";
            }
        }
        return "-";
    }

    static String text(Report r, Style s) {
        List<String> labels = labels(r);
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("host"));
        head.addAll(labels);
        rows.add(head);
        for (HostReport h : r.hosts()) {
            List<String> row = new ArrayList<>(List.of(h.host().environment() + "/" + h.host().name()));
            labels.forEach(l -> row.add(cell(h, l)));
            rows.add(row);
        }
        int[] w = new int[head.size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                w[i] = Math.max(w[i], row.get(i).length());
            }
        });
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                String c = String.format("%-" + w[i] + "s", row.get(i));
                sb.append(c.startsWith("FAIL") || c.startsWith("UNREACH") || c.startsWith("ERROR") ? s.bad(c)
                        : c.startsWith("ok ") ? s.ok(c) : c.startsWith("WAIVED") ? s.warn(c) : c)
                        .append(i + 1 < row.size() ? "  " : "\n");
            }
        }
        List<String> lines = new ArrayList<>();
        for (HostReport h : r.hosts()) {
            String who = h.host().environment() + "/" + h.host().name();
            if (h.unreachable() != null) {
                lines.add("[UNREACHABLE] " + who + ": " + h.unreachable() + " (nothing was checked on this host)");
            }
            for (Check c : h.checks()) {
                String tag = c instanceof Check.Failed ? "[FAIL] " : c instanceof Check.ProbeError ? "[ERROR] "
                        : c instanceof Check.Waived ? "[WAIVED] " : null;
                if (tag != null) {
                    lines.add(tag + who + ": " + c.requirement().label() + ": " + c.reason());
                }
            }
        }
        sb.append('\n');
        lines.forEach(l -> sb.append(l).append('\n'));
        sb.append(r.exitCode() == 0 ? s.ok("PASSED") : r.exitCode() == 1 ? s.bad("FAILED") : s.warn("INCOMPLETE"))
                .append(": ").append(r.hosts().size()).append(" host(s), ").append(r.failures())
                .append(" failure(s), ").append(r.warnings()).append(" waived, ").append(r.problems())
                .append(" unreachable/probe error(s)\n");
        return sb.toString();
    }

    static Map<String, Object> json(Report r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("result", r.exitCode() == 0 ? "passed" : r.exitCode() == 1 ? "failed" : "incomplete");
        doc.put("failures", r.failures());
        doc.put("warnings", r.warnings());
        doc.put("problems", r.problems());
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostReport h : r.hosts()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("environment", h.host().environment());
            hm.put("host", h.host().name());
            hm.put("uri", h.host().server() != null ? h.host().server().toString() : h.host().uri().toString());
            hm.put("unreachable", h.unreachable());
            List<Map<String, Object>> checks = new ArrayList<>();
            for (Check c : h.checks()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("requirement", c.requirement().label());
                cm.put("tool", c.requirement().tool().id());
                cm.put("constraint", c.requirement().constraint().text());
                cm.put("flavor", c.requirement().flavor());
                cm.put("result", c instanceof Check.Passed ? "passed" : c instanceof Check.Failed ? "failed"
                        : c instanceof Check.Waived ? "waived" : "error");
                cm.put("found", c.found());
                cm.put("reason", c.reason());
                if (c instanceof Check.Waived w) {
                    // Ordered: Map.of iterates differently from one JVM to the next, and this JSON is hashed as evidence.
                    Map<String, Object> waiver = new LinkedHashMap<>();
                    waiver.put("owner", w.waiver().owner());
                    waiver.put("reason", w.waiver().reason());
                    waiver.put("expires", w.waiver().expires().toString());
                    cm.put("waiver", waiver);
                }
                ProbeResult p = c.probe();
                cm.put("rule", p instanceof ProbeResult.Found fo ? fo.parsed().rule() : null);
                cm.put("raw", p == null ? null : p.raw());
                checks.add(cm);
            }
            hm.put("checks", checks);
            hosts.add(hm);
        }
        doc.put("hosts", hosts);
        return doc;
    }

    static String junit(Report r) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"preflight-audit\">\n");
        for (HostReport h : r.hosts()) {
            String suite = h.host().environment() + "/" + h.host().name();
            long fails = h.checks().stream().filter(c -> c instanceof Check.Failed).count();
            long errors = h.unreachable() != null ? 1 : h.checks().stream().filter(c -> c instanceof Check.ProbeError).count();
            int tests = h.unreachable() != null ? 1 : h.checks().size();
            sb.append("  <testsuite name=\"").append(xml(suite)).append("\" tests=\"").append(tests)
                    .append("\" failures=\"").append(fails).append("\" errors=\"").append(errors).append("\">\n");
            if (h.unreachable() != null) {
                sb.append("    <testcase classname=\"").append(xml(suite)).append("\" name=\"reachable\">\n")
                        .append("      <error message=\"").append(xml(h.unreachable())).append("\"/>\n    </testcase>\n");
            }
            for (Check c : h.checks()) {
                sb.append("    <testcase classname=\"").append(xml(suite)).append("\" name=\"")
                        .append(xml(c.requirement().label())).append("\"");
                if (c instanceof Check.Passed) {
                    sb.append("/>\n");
                } else if (c instanceof Check.Waived) {
                    // JUnit has no "warning": a waived failure passes, and says so where CI shows output.
                    sb.append(">\n      <system-out>WAIVED: ").append(xml(c.reason())).append("</system-out>\n    </testcase>\n");
                } else {
                    String tag = c instanceof Check.Failed ? "failure" : "error";
                    sb.append(">\n      <").append(tag).append(" message=\"").append(xml(c.reason()))
                            .append("\"/>\n    </testcase>\n");
                }
            }
            sb.append("  </testsuite>\n");
        }
        return sb.append("</testsuites>\n").toString();
    }

    static String markdown(Report r) {
        List<String> labels = labels(r);
        StringBuilder sb = new StringBuilder("## Compatibility audit\n\n**Result: ")
                .append(r.exitCode() == 0 ? "passed" : r.exitCode() == 1 ? "FAILED" : "incomplete").append("**\n\n| host |");
        labels.forEach(l -> sb.append(' ').append(Markdown.cell(l)).append(" |"));
        sb.append("\n| --- |");
        labels.forEach(l -> sb.append(" --- |"));
        sb.append('\n');
        for (HostReport h : r.hosts()) {
            sb.append("| ").append(Markdown.cell(h.host().environment() + "/" + h.host().name())).append(" |");
            labels.forEach(l -> sb.append(' ').append(Markdown.cell(cell(h, l))).append(" |"));
            sb.append('\n');
        }
        List<String> notes = new ArrayList<>();
        for (HostReport h : r.hosts()) {
            if (h.unreachable() != null) {
                notes.add("- **UNREACHABLE** " + Markdown.cell(h.host().qualifiedName()) + ": " + Markdown.cell(h.unreachable()));
            }
            for (Check c : h.checks()) {
                if (c.reason() != null) {
                    String tag = c instanceof Check.Failed ? "FAIL" : c instanceof Check.Waived ? "WAIVED" : "ERROR";
                    notes.add("- **" + tag + "** " + Markdown.cell(h.host().qualifiedName()) + ": "
                            + Markdown.cell(c.requirement().label()) + ": " + Markdown.cell(c.reason()));
                }
            }
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append(n).append('\n'));
        }
        return sb.toString();
    }

    private static String xml(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        sb.append(' ');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
