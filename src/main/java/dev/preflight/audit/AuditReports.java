package dev.preflight.audit;

import dev.preflight.audit.AuditModel.Check;
import dev.preflight.audit.AuditModel.HostReport;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Html;
import dev.preflight.report.Markdown;
import dev.preflight.report.Style;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
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
        // No host answered, so no check ran: a matrix of host names alone says nothing; the lines below do.
        if (labels.isEmpty()) {
            rows.clear();
        }
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
        if (!rows.isEmpty()) {
            sb.append('\n');
        }
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

    /**
     * JUnit XML as the Apache Ant JUnit schema defines it (the format CI tools read): one suite per
     * host with when it ran, where, how long, its properties and every probe's raw output in
     * {@code <system-out>} (the schema has no per-case output); one case per requirement with its probe
     * time, and a failure or error {@code type} a CI page can group by.
     */
    static String junit(Report r) {
        Instant fallback = Instant.now();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        int id = 0;
        for (HostReport h : r.hosts()) {
            String suite = h.host().qualifiedName();
            String classname = "preflight.audit." + h.host().environment() + "." + h.host().name();
            long fails = h.checks().stream().filter(c -> c instanceof Check.Failed).count();
            long errors = h.unreachable() != null ? 1 : h.checks().stream().filter(c -> c instanceof Check.ProbeError).count();
            int tests = h.unreachable() != null ? 1 : h.checks().size();
            Instant started = h.timing().started() != null ? h.timing().started() : fallback;
            sb.append("  <testsuite name=\"").append(Html.esc(suite)).append("\" package=\"preflight.audit.")
                    .append(Html.esc(h.host().environment())).append("\" id=\"").append(id++).append("\" timestamp=\"")
                    .append(JUNIT_TIME.format(started.truncatedTo(ChronoUnit.SECONDS))).append("\" hostname=\"")
                    .append(Html.esc(hostname(h.host()))).append("\" tests=\"").append(tests).append("\" failures=\"")
                    .append(fails).append("\" errors=\"").append(errors).append("\" skipped=\"0\" time=\"")
                    .append(seconds(h.timing().total())).append("\">\n    <properties>\n");
            property(sb, "environment", h.host().environment());
            property(sb, "host", h.host().name());
            property(sb, "uri", h.host().server() != null ? h.host().server().toString() : h.host().uri().toString());
            if (!h.host().tags().isEmpty()) {
                property(sb, "tags", String.join(",", h.host().tags()));
            }
            property(sb, "result", h.unreachable() != null ? "unreachable" : fails > 0 ? "failed"
                    : errors > 0 ? "error" : "passed");
            if (h.unreachable() == null && !h.checks().isEmpty() && h.timing().perCheck().isEmpty()) {
                // A remote host's probes run as one batch in one exec channel: only their sum is
                // measured, and a case's time of 0 must not read as a measured instant probe.
                property(sb, "probe_times", "not measured per probe (a remote host's probes run as one batch): the suite time covers them all");
            }
            sb.append("    </properties>\n");
            StringBuilder out = new StringBuilder();
            if (h.unreachable() != null) {
                sb.append("    <testcase classname=\"").append(Html.esc(classname)).append("\" name=\"reachable\" time=\"")
                        .append(seconds(h.timing().total())).append("\">\n      <error type=\"Unreachable\" message=\"")
                        .append(Html.esc(h.unreachable())).append("\">").append(Html.esc(h.unreachable()))
                        .append("</error>\n    </testcase>\n");
                out.append("unreachable: ").append(h.unreachable()).append(" (nothing was checked on this host)\n");
            }
            for (int i = 0; i < h.checks().size(); i++) {
                Check c = h.checks().get(i);
                String time = seconds(h.timing().of(i));
                sb.append("    <testcase classname=\"").append(Html.esc(classname)).append("\" name=\"")
                        .append(Html.esc(c.requirement().label())).append("\" time=\"").append(time).append("\"");
                if (c instanceof Check.Passed || c instanceof Check.Waived) {
                    // The Ant schema has no warning: a waived failure passes and says so in the output.
                    sb.append("/>\n");
                } else {
                    String tag = c instanceof Check.Failed ? "failure" : "error";
                    String body = c.reason() + (c.found().isEmpty() ? "" : "\nfound: " + c.found())
                            + "\nrequired: " + c.requirement().constraint().text()
                            + (c.requirement().flavor() == null ? "" : " (" + c.requirement().flavor() + ")");
                    sb.append(">\n      <").append(tag).append(" type=\"").append(failureType(c)).append("\" message=\"")
                            .append(Html.esc(c.reason())).append("\">").append(Html.esc(body)).append("</").append(tag)
                            .append(">\n    </testcase>\n");
                }
                out.append("== ").append(c.requirement().label()).append(" (").append(time).append(" s): ")
                        .append(c instanceof Check.Passed ? "passed" : c instanceof Check.Failed ? "FAILED"
                                : c instanceof Check.Waived ? "WAIVED" : "ERROR");
                if (c.reason() != null) {
                    out.append(": ").append(c.reason());
                }
                out.append('\n');
                ProbeResult p = c.probe();
                if (p instanceof ProbeResult.Found f) {
                    out.append("read by rule: ").append(f.parsed().rule()).append('\n');
                }
                if (p != null && p.raw() != null && !p.raw().isEmpty()) {
                    out.append(p.raw().endsWith("\n") ? p.raw() : p.raw() + "\n");
                } else {
                    out.append("(no output)\n");
                }
            }
            sb.append("    <system-out>").append(Html.esc(out.toString())).append("</system-out>\n")
                    .append("    <system-err></system-err>\n  </testsuite>\n");
        }
        return sb.append("</testsuites>\n").toString();
    }

    /** The schema's timestamp: ISO 8601 to the second, no zone (we write UTC). */
    private static final DateTimeFormatter JUNIT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private static void property(StringBuilder sb, String name, String value) {
        sb.append("      <property name=\"").append(Html.esc(name)).append("\" value=\"").append(Html.esc(value)).append("\"/>\n");
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY).toPlainString();
    }

    /** A stable name for what went wrong, for CI pages that group failures by type. */
    private static String failureType(Check c) {
        if (c instanceof Check.Failed) {
            if (c.probe() instanceof ProbeResult.NotInstalled) {
                return "NotInstalled";
            }
            return c.reason() != null && c.reason().startsWith("flavor ") ? "FlavorMismatch" : "VersionMismatch";
        }
        return c.probe() instanceof ProbeResult.Unreadable ? "UnreadableVersion" : "ProbeFailed";
    }

    /** Where the probes ran: the SSH host, the server's host, or this machine for local probes. */
    private static String hostname(AuditModel.Host h) {
        if (h.server() != null) {
            return h.server().endpoint().host();
        }
        if (!h.uri().isLocal() && h.uri().host() != null) {
            return h.uri().host();
        }
        return LocalHost.NAME;
    }

    /** This machine's name, looked up once and only when a local host is reported. */
    private static final class LocalHost {
        static final String NAME = lookup();

        private static String lookup() {
            try {
                String n = InetAddress.getLocalHost().getHostName();
                return n == null || n.isBlank() ? "localhost" : n;
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    static String markdown(Report r) {
        List<String> labels = labels(r);
        StringBuilder sb = new StringBuilder("## Compatibility audit\n\n**Result: ")
                .append(r.exitCode() == 0 ? "passed" : r.exitCode() == 1 ? "FAILED" : "incomplete").append("**\n");
        if (!labels.isEmpty()) {
            sb.append("\n| host |");
            labels.forEach(l -> sb.append(' ').append(Markdown.cell(l)).append(" |"));
            sb.append("\n| --- |");
            labels.forEach(l -> sb.append(" --- |"));
            sb.append('\n');
        }
        for (HostReport h : labels.isEmpty() ? List.<HostReport>of() : r.hosts()) {
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

}
