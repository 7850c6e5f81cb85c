package dev.preflight.audit;

import static dev.preflight.report.Visible.line;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.preflight.audit.AuditModel.Check;
import dev.preflight.audit.AuditModel.HostReport;
import dev.preflight.audit.AuditModel.Report;
import dev.preflight.core.Json;
import dev.preflight.core.Verdict;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import dev.preflight.report.Table;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Renders an audit: a host x requirement matrix and one line per failure in text; JSON from the
 * records below; JUnit XML ({@link AuditJunit}); Markdown for a pull request or a CAB ticket.
 */
public final class AuditReport implements Renderer<Report> {
    /** The one renderer of {@code preflight audit}. */
    public static final AuditReport REPORT = new AuditReport();

    private AuditReport() {
    }

    @Override
    public Set<Format> formats() {
        return EnumSet.of(Format.TEXT, Format.JSON, Format.JUNIT, Format.MARKDOWN);
    }

    @Override
    public String json(Report r) {
        return Json.pretty(Doc.of(r)) + "\n";
    }

    @Override
    public String other(Report r, Format f) {
        return switch (f) {
            case JUNIT -> AuditJunit.render(r);
            case MARKDOWN -> markdown(r);
            default -> Renderer.super.other(r, f);
        };
    }

    // ---- JSON: the report as the ledger attaches it and CI reads it

    /**
     * The whole audit; {@code result} is passed (waived failures allowed), failed or incomplete. Also
     * the ledger attachment, read back by {@link AuditEvidence#report}.
     */
    public record Doc(String result, long failures, long warnings, long problems, List<HostDoc> hosts) {
        /** An audit that says nothing (what an unreadable attachment reads as). */
        static final Doc EMPTY = new Doc(null, 0, 0, 0, List.of());

        public Doc {
            hosts = hosts == null ? List.of() : hosts;
        }

        static Doc of(Report r) {
            return new Doc(resultOf(r.verdict()), r.failures(), r.warnings(), r.problems(),
                    r.hosts().stream().map(HostDoc::of).toList());
        }
    }

    /** One host; {@code unreachable} null when it answered. */
    public record HostDoc(String environment, String host, String uri, String unreachable, List<CheckDoc> checks) {
        public HostDoc {
            checks = checks == null ? List.of() : checks;
        }

        static HostDoc of(HostReport h) {
            return new HostDoc(h.host().environment(), h.host().name(),
                    h.host().server() != null ? h.host().server().toString() : h.host().uri().toString(),
                    h.unreachable(), h.checks().stream().map(CheckDoc::of).toList());
        }
    }

    /** One requirement on one host; {@code waiver} only for a waived failure, {@code rule} only when a version was read. */
    public record CheckDoc(String requirement, String tool, String constraint, String flavor, String result, String found,
                    String reason, @JsonInclude(JsonInclude.Include.NON_NULL) WaiverDoc waiver, String rule,
                    String raw) {
        static CheckDoc of(Check c) {
            ProbeResult p = c.probe();
            return new CheckDoc(c.requirement().label(), c.requirement().tool().id(),
                    c.requirement().constraint().text(), c.requirement().flavor(), resultOf(c), c.found(), c.reason(),
                    c instanceof Check.Waived w ? new WaiverDoc(w.waiver().owner(), w.waiver().reason(),
                            w.waiver().expires().toString()) : null,
                    p instanceof ProbeResult.Found fo ? fo.parsed().rule() : null, p == null ? null : p.raw());
        }
    }

    /** The waiver that accepted a failure. */
    public record WaiverDoc(String owner, String reason, String expires) {
    }

    private static String resultOf(Verdict v) {
        return v == Verdict.FAILED ? "failed" : v == Verdict.INCOMPLETE ? "incomplete" : "passed";
    }

    private static String resultOf(Check c) {
        return c instanceof Check.Passed ? "passed" : c instanceof Check.Failed ? "failed"
                : c instanceof Check.Waived ? "waived" : "error";
    }

    // ---- text and Markdown

    /** A cell of the matrix and the tone it is shown in: colour comes from the check, not from the text. */
    private record Cell(String text, Tone tone) {
    }

    private enum Tone {
        PLAIN, OK, WARN, BAD;

        UnaryOperator<String> in(Style s) {
            return switch (this) {
                case PLAIN -> t -> t;
                case OK -> s::ok;
                case WARN -> s::warn;
                case BAD -> s::bad;
            };
        }
    }

    private static List<String> labels(Report r) {
        Set<String> l = new LinkedHashSet<>();
        r.hosts().forEach(h -> h.checks().forEach(c -> l.add(c.requirement().label())));
        return new ArrayList<>(l);
    }

    private static Cell cell(HostReport h, String label) {
        if (h.unreachable() != null) {
            return new Cell("UNREACHABLE", Tone.BAD);
        }
        for (Check c : h.checks()) {
            if (c.requirement().label().equals(label)) {
                String v = c.found().isEmpty() ? "-" : c.found();
                return c instanceof Check.Passed ? new Cell("ok " + v, Tone.OK)
                        : c instanceof Check.Failed ? new Cell("FAIL " + v, Tone.BAD)
                        : c instanceof Check.Waived ? new Cell("WAIVED " + v, Tone.WARN) : new Cell("ERROR", Tone.BAD);
            }
        }
        return new Cell("-", Tone.PLAIN);
    }

    @Override
    public String text(Report r, Style s) {
        List<String> labels = labels(r);
        List<List<Cell>> rows = new ArrayList<>();
        List<Cell> head = new ArrayList<>(List.of(new Cell("host", Tone.PLAIN)));
        labels.forEach(l -> head.add(new Cell(l, Tone.PLAIN)));
        rows.add(head);
        for (HostReport h : r.hosts()) {
            List<Cell> row = new ArrayList<>(List.of(new Cell(h.host().qualifiedName(), Tone.PLAIN)));
            labels.forEach(l -> row.add(cell(h, l)));
            rows.add(row);
        }
        StringBuilder sb = new StringBuilder();
        // No host answered, so no check ran: a matrix of host names alone says nothing; the lines below do.
        if (labels.isEmpty()) {
            rows.clear();
        }
        Table t = new Table();
        rows.forEach(row -> t.cells(row.stream().map(c -> new Table.Cell(c.text(), c.tone().in(s))).toList()));
        sb.append(t.render());
        List<String> lines = new ArrayList<>(r.unverifiedLines().stream().map(l -> "[UNVERIFIED] " + l).toList());
        for (HostReport h : r.hosts()) {
            String who = h.host().qualifiedName();
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
        // A reason quotes what the host printed (a version string, an SSH error): each stays one line.
        lines.forEach(l -> sb.append(line(l)).append('\n'));
        Verdict v = r.verdict();
        sb.append(v == Verdict.FAILED ? s.bad("FAILED") : v == Verdict.INCOMPLETE ? s.warn("INCOMPLETE") : s.ok("PASSED"))
                .append(": ").append(r.hosts().size()).append(" host(s), ").append(r.failures())
                .append(" failure(s), ").append(r.warnings()).append(" waived, ").append(r.problems())
                .append(" unreachable/probe error(s)\n");
        return sb.toString();
    }

    static String markdown(Report r) {
        List<String> labels = labels(r);
        Verdict v = r.verdict();
        StringBuilder sb = new StringBuilder("## Compatibility audit\n\n**Result: ")
                .append(v == Verdict.FAILED ? "FAILED" : v == Verdict.INCOMPLETE ? "incomplete" : "passed").append("**\n");
        if (!labels.isEmpty()) {
            sb.append("\n| host |");
            labels.forEach(l -> sb.append(' ').append(Markdown.cell(l)).append(" |"));
            sb.append("\n| --- |");
            labels.forEach(l -> sb.append(" --- |"));
            sb.append('\n');
        }
        for (HostReport h : labels.isEmpty() ? List.<HostReport>of() : r.hosts()) {
            sb.append("| ").append(Markdown.cell(h.host().qualifiedName())).append(" |");
            labels.forEach(l -> sb.append(' ').append(Markdown.cell(cell(h, l).text())).append(" |"));
            sb.append('\n');
        }
        List<String> notes = new ArrayList<>(r.unverifiedLines().stream().map(l -> "- **UNVERIFIED** "
                + Markdown.cell(l)).toList());
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
