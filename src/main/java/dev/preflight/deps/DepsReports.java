package dev.preflight.deps;

import dev.preflight.core.Json;
import dev.preflight.deps.DepsModel.Finding;
import dev.preflight.deps.DepsModel.FlutterHost;
import dev.preflight.deps.DepsModel.Outdated;
import dev.preflight.deps.DepsModel.Report;
import dev.preflight.deps.DepsModel.Severity;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Style;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a dependency review: grouped by blocking package with chains and fixes (text, Markdown), or JSON. */
public final class DepsReports {
    private DepsReports() {
    }

    public static String render(Report r, Format f, Style s) {
        return switch (f) {
            case JSON -> Json.pretty(json(r)) + "\n";
            case MARKDOWN -> markdown(r);
            default -> text(r, s);
        };
    }

    /** The report as plain data (also what the ledger stores). */
    public static Map<String, Object> json(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", r.dir());
        m.put("targets", r.targets());
        m.put("verdict", verdict(r));
        m.put("exitCode", r.exitCode());
        m.put("blockers", r.count(Severity.BLOCKER));
        m.put("warnings", r.count(Severity.WARNING));
        m.put("info", r.count(Severity.INFO));
        m.put("findings", r.findings());
        m.put("notes", r.notes());
        m.put("npmOutdated", r.outdated());
        m.put("flutter", r.flutter());
        return m;
    }

    static String verdict(Report r) {
        return switch (r.exitCode()) {
            case 0 -> r.count(Severity.WARNING) > 0 ? "CLEAR WITH WARNINGS" : "CLEAR";
            case 1 -> "BLOCKED";
            default -> "NOT FULLY CHECKED";
        };
    }

    /** Findings grouped by (ecosystem, subject), in severity order. */
    private static Map<String, List<Finding>> groups(Report r, Severity s) {
        Map<String, List<Finding>> g = new LinkedHashMap<>();
        for (Finding f : r.findings()) {
            if (f.severity() == s) {
                g.computeIfAbsent(f.ecosystem() + " " + f.subject(), k -> new ArrayList<>()).add(f);
            }
        }
        return g;
    }

    private static String head(Finding f) {
        return f.subject() + (f.subjectVersion() == null ? "" : " " + f.subjectVersion()) + " [" + f.ecosystem() + "]"
                + (f.devOnly() ? " (dev-only)" : "");
    }

    private static String fix(List<Finding> fs) {
        for (Finding f : fs) {
            if (f.fix() != null) {
                return f.fix().startsWith("none") ? f.fix() : f.fix() + " is the lowest version (at or above the locked one) "
                        + "that allows the targets, per the Packagist metadata";
            }
        }
        return null;
    }

    static String text(Report r, Style s) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.bold("Dependency review of " + r.dir())).append('\n');
        List<String> t = new ArrayList<>();
        r.targets().forEach((k, v) -> t.add(k + " " + v));
        sb.append("targets: ").append(String.join(", ", t)).append("\n");
        for (Severity sev : Severity.values()) {
            Map<String, List<Finding>> g = groups(r, sev);
            if (g.isEmpty()) {
                continue;
            }
            String title = switch (sev) {
                case BLOCKER -> "BLOCKERS";
                case WARNING -> "WARNINGS";
                default -> "CO-UPGRADES AND NOTES";
            };
            long n = r.count(sev);
            sb.append('\n').append(sev == Severity.BLOCKER ? s.bad(title) : sev == Severity.WARNING ? s.warn(title) : title)
                    .append(" (").append(n).append(" in ").append(g.size()).append(" package(s))\n");
            for (List<Finding> fs : g.values()) {
                sb.append("  ").append(s.bold(head(fs.get(0)))).append('\n');
                for (Finding f : fs) {
                    sb.append("    - ").append(f.message()).append('\n');
                    if (!f.chain().isEmpty()) {
                        sb.append("      ").append(s.dim(String.join(" → ", f.chain()))).append('\n');
                    }
                }
                String fix = fix(fs);
                if (fix != null) {
                    sb.append("    fix: ").append(fix).append('\n');
                }
            }
        }
        if (!r.outdated().isEmpty()) {
            sb.append("\nNPM OUTDATED (").append(r.outdated().size()).append(")\n");
            for (Outdated o : r.outdated()) {
                sb.append("  ").append(o.name()).append(' ').append(o.current()).append(" → wanted ").append(o.wanted())
                        .append(", latest ").append(o.latest()).append('\n');
            }
        }
        if (!r.flutter().isEmpty()) {
            sb.append("\nFLUTTER\n");
            for (FlutterHost h : r.flutter()) {
                String line = h.environment() + "/" + h.host() + ": " + h.status().toUpperCase(Locale.ROOT)
                        + (h.version() == null ? "" : " " + h.version()) + " (" + h.detail() + ")";
                sb.append("  ").append(h.status().equals("ok") ? s.ok(line) : s.bad(line)).append('\n');
            }
        }
        if (!r.notes().isEmpty()) {
            sb.append("\nNOTES\n");
            r.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        String v = verdict(r);
        sb.append('\n').append(r.exitCode() == 0 ? s.ok(v) : s.bad(v)).append(": ").append(r.summary()).append('\n');
        return sb.toString();
    }

    static String markdown(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Dependency review: ").append(verdict(r)).append("\n\n");
        sb.append("Directory `").append(r.dir()).append("`; targets: ");
        List<String> t = new ArrayList<>();
        r.targets().forEach((k, v) -> t.add("`" + k + " " + v + "`"));
        sb.append(String.join(", ", t)).append(". ").append(Markdown.text(r.summary())).append(".\n\n");
        if (!r.findings().isEmpty()) {
            sb.append("| severity | package | finding | chain | fix |\n|---|---|---|---|---|\n");
            for (Finding f : r.findings()) {
                sb.append("| ").append(f.severity()).append(" | ").append(Markdown.cell(head(f))).append(" | ")
                        .append(Markdown.cell(f.message())).append(" | ").append(Markdown.cell(String.join(" → ", f.chain())))
                        .append(" | ").append(Markdown.cell(f.fix() == null ? "" : f.fix())).append(" |\n");
            }
            sb.append('\n');
        }
        if (!r.outdated().isEmpty()) {
            sb.append("## npm outdated\n\n| package | current | wanted | latest |\n|---|---|---|---|\n");
            for (Outdated o : r.outdated()) {
                sb.append("| ").append(Markdown.cell(o.name())).append(" | ").append(Markdown.cell(o.current())).append(" | ")
                        .append(Markdown.cell(o.wanted())).append(" | ").append(Markdown.cell(o.latest())).append(" |\n");
            }
            sb.append('\n');
        }
        if (!r.flutter().isEmpty()) {
            sb.append("## Flutter\n\n| host | status | version | detail |\n|---|---|---|---|\n");
            for (FlutterHost h : r.flutter()) {
                sb.append("| ").append(Markdown.cell(h.environment() + "/" + h.host())).append(" | ").append(h.status())
                        .append(" | ").append(Markdown.cell(h.version() == null ? "" : h.version())).append(" | ")
                        .append(Markdown.cell(h.detail())).append(" |\n");
            }
            sb.append('\n');
        }
        if (!r.notes().isEmpty()) {
            sb.append("## Notes\n\n");
            r.notes().forEach(n -> sb.append("- ").append(Markdown.text(n)).append('\n'));
        }
        return sb.toString();
    }
}
