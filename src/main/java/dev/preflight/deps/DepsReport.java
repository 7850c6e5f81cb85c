package dev.preflight.deps;

import static dev.preflight.report.Visible.line;

import dev.preflight.core.Json;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.FlutterHost;
import dev.preflight.deps.DepsResult.Outdated;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The renderer of a dependency review: grouped by blocking package with chains and fixes (text, Markdown), or JSON. */
public final class DepsReport {
    private DepsReport() {
    }

    /** {@code deps}: text, JSON (the review as data, also what the ledger attaches), Markdown. */
    public static final Renderer<DepsResult> REVIEW = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String text(DepsResult r, Style style) {
            return DepsReport.text(r, style);
        }

        @Override
        public String json(DepsResult r) {
            return Json.pretty(ReviewJson.of(r)) + "\n";
        }

        @Override
        public String other(DepsResult r, Format format) {
            return markdown(r);
        }
    };

    /**
     * The JSON of a review: the verdict in the review's own words, the counts, and every record as it
     * is. It is also the ledger attachment, read back by {@link DepsEvidence#review}.
     */
    public record ReviewJson(String dir, Map<String, String> targets, String verdict, int exitCode, long blockers,
                      long warnings, long info, List<Finding> findings, List<String> notes, List<Outdated> npmOutdated,
                      List<FlutterHost> flutter) {
        static ReviewJson of(DepsResult r) {
            return new ReviewJson(r.dir(), r.targets(), r.label(), r.exitCode(), r.count(Severity.BLOCKER),
                    r.count(Severity.WARNING), r.count(Severity.INFO), r.findings(), r.notes(), r.outdated(), r.flutter());
        }

        /** A review that says nothing: no target, no finding (what an unreadable attachment reads as). */
        static ReviewJson empty() {
            return new ReviewJson(null, Map.of(), null, 0, 0, 0, 0, List.of(), List.of(), List.of(), List.of());
        }

        public ReviewJson {
            targets = targets == null ? Map.of() : targets;
            findings = findings == null ? List.of() : findings;
            notes = notes == null ? List.of() : notes;
            npmOutdated = npmOutdated == null ? List.of() : npmOutdated;
            flutter = flutter == null ? List.of() : flutter;
        }
    }

    /** Findings grouped by (ecosystem, subject), in severity order. */
    private static Map<String, List<Finding>> groups(DepsResult r, Severity s) {
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
                // An advice ("run npm install ...") is shown as written; a version is the lowest that allows the targets.
                return f.fix().startsWith("none") || f.fix().startsWith("run ") ? f.fix() : f.fix() + " is the lowest version (at or above the locked one) "
                        + "that allows the targets, per the Packagist metadata";
            }
        }
        return null;
    }

    private static String text(DepsResult r, Style s) {
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
                // Names, versions and constraints come from the lock files, npm and the Flutter hosts: one line each.
                sb.append("  ").append(s.bold(line(head(fs.get(0))))).append('\n');
                for (Finding f : fs) {
                    sb.append("    - ").append(line(f.message())).append('\n');
                    if (!f.chain().isEmpty()) {
                        sb.append("      ").append(s.dim(line(String.join(" → ", f.chain())))).append('\n');
                    }
                }
                String fix = fix(fs);
                if (fix != null) {
                    sb.append("    fix: ").append(line(fix)).append('\n');
                }
            }
        }
        if (!r.outdated().isEmpty()) {
            sb.append("\nNPM OUTDATED (").append(r.outdated().size()).append(")\n");
            for (Outdated o : r.outdated()) {
                sb.append("  ").append(line(o.name())).append(' ').append(line(o.current())).append(" → wanted ")
                        .append(line(o.wanted())).append(", latest ").append(line(o.latest())).append('\n');
            }
        }
        if (!r.flutter().isEmpty()) {
            sb.append("\nFLUTTER\n");
            for (FlutterHost h : r.flutter()) {
                String shown = line(h.environment() + "/" + h.host() + ": " + h.status().toUpperCase(Locale.ROOT)
                        + (h.version() == null ? "" : " " + h.version()) + " (" + h.detail() + ")");
                sb.append("  ").append(h.status().equals("ok") ? s.ok(shown) : s.bad(shown)).append('\n');
            }
        }
        if (!r.notes().isEmpty()) {
            sb.append("\nNOTES\n");
            r.notes().forEach(n -> sb.append("  - ").append(line(n)).append('\n'));
        }
        String v = r.label();
        sb.append('\n').append(r.verdict().good() ? s.ok(v) : s.bad(v)).append(": ").append(line(r.summary()))
                .append('\n');
        return sb.toString();
    }

    private static String markdown(DepsResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Dependency review: ").append(r.label()).append("\n\n");
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
