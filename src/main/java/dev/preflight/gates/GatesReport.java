package dev.preflight.gates;

import static dev.preflight.report.Visible.line;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Json;
import dev.preflight.core.Verdict;
import dev.preflight.report.Format;
import dev.preflight.report.Html;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The gates capability's renderers, one per verb result: {@code gates check} as text, JSON, JUnit
 * XML (for CI) or Markdown (for the change ticket), and {@code gates publish}, {@code ack} and
 * {@code notify} as text or JSON. JSON is the result records serialised.
 */
public final class GatesReport {
    private GatesReport() {
    }

    /** {@code gates check}: text, JSON, JUnit, Markdown. */
    public static final Renderer<GatesChecked> CHECK = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.JUNIT, Format.MARKDOWN);
        }

        @Override
        public String text(GatesChecked r, Style style) {
            return checkText(r, style);
        }

        @Override
        public String json(GatesChecked r) {
            return Json.pretty(CheckJson.of(r)) + "\n";
        }

        @Override
        public String other(GatesChecked r, Format format) {
            return format == Format.JUNIT ? junit(r) : markdown(r);
        }
    };

    /** {@code gates publish}: text and JSON. */
    public static final Renderer<GatesPublish.Attached> PUBLISH = new Renderer<>() {
        @Override
        public String text(GatesPublish.Attached r, Style style) {
            StringBuilder sb = new StringBuilder();
            for (ChangeTicket.Published p : r.attached()) {
                sb.append("attached  ").append(line(p.name())).append("  sha256 ").append(p.sha256()).append("  (")
                        .append(line(p.reference())).append(")\n");
            }
            r.missing().forEach(m -> sb.append("MISSING   ").append(line(m)).append('\n'));
            sb.append(r.attached().size()).append(" item(s) attached to ").append(r.ticket())
                    .append(" at ledger head #").append(r.headSeq()).append(' ').append(r.headHash())
                    .append(", recorded as ledger entry #").append(r.seq()).append('\n');
            return sb.toString();
        }

        @Override
        public String json(GatesPublish.Attached r) {
            return Json.pretty(PublishJson.of(r)) + "\n";
        }
    };

    /** {@code gates ack}: text and JSON. */
    public static final Renderer<GatesAck.Acked> ACK = new Renderer<>() {
        @Override
        public String text(GatesAck.Acked r, Style style) {
            return line(r.summary()) + " (ledger entry #" + r.seq() + ")\n";
        }

        @Override
        public String json(GatesAck.Acked r) {
            return Json.pretty(r) + "\n";
        }
    };

    /** {@code gates notify}: text and JSON. */
    public static final Renderer<GatesNotify.Sent> NOTIFY = new Renderer<>() {
        @Override
        public String text(GatesNotify.Sent r, Style style) {
            StringBuilder sb = new StringBuilder();
            r.notices().forEach(n -> sb.append("sent  ").append(n.template()).append("  \"").append(line(n.subject()))
                    .append("\"  template sha256 ").append(n.templateSha256()).append('\n'));
            sb.append(line(r.summary())).append(" at ").append(r.time()).append(" (ledger entry #").append(r.seq())
                    .append(")\n");
            if (r.clock() != null) {
                sb.append(style.warn("note")).append(": ").append(line(r.clock())).append('\n');
            }
            return sb.toString();
        }

        @Override
        public String json(GatesNotify.Sent r) {
            return Json.pretty(r) + "\n";
        }
    };

    /** The window as the check report shows it: the ticket empty rather than null. */
    record WindowJson(String start, String end, String environment, String ticket) {
        static WindowJson of(ChangeWindow w) {
            return new WindowJson(w.start().toString(), w.end().toString(), w.environment(),
                    w.ticket() == null ? "" : w.ticket());
        }
    }

    /** The JSON of {@code gates check}: the window, whether all passed, each gate's result. */
    record CheckJson(WindowJson window, boolean passed, List<GateResult> gates) {
        static CheckJson of(GatesChecked r) {
            return new CheckJson(WindowJson.of(r.window()), r.verdict().good(), r.results());
        }
    }

    /** The JSON of {@code gates publish}: the attachments' contents are not repeated, only their hashes. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PublishJson(Verdict verdict, String ticket, List<ChangeTicket.Published> attached, List<String> missing,
                       long headSeq, String headHash, long seq) {
        static PublishJson of(GatesPublish.Attached r) {
            return new PublishJson(r.verdict(), r.ticket(), r.attached(), r.missing(), r.headSeq(), r.headHash(), r.seq());
        }
    }

    private static String checkText(GatesChecked r, Style s) {
        ChangeWindow w = r.window();
        List<GateResult> results = r.results();
        boolean all = r.verdict().good();
        StringBuilder sb = new StringBuilder("Change window ").append(w.start()).append(" - ").append(w.end())
                .append(" (").append(w.environment()).append(w.ticket() == null ? "" : ", " + w.ticket()).append(")\n\n");
        int width = results.stream().mapToInt(x -> x.name().length()).max().orElse(4);
        for (GateResult g : results) {
            sb.append(g.passed() ? s.ok("PASSED") : s.bad("FAILED")).append("  ")
                    .append(String.format("%-" + width + "s", g.name())).append("  ").append(line(g.reason()))
                    .append('\n');
            // The reason is already on the gate's line; its detail copy would only repeat it. A reason
            // or detail may quote the ticket (its status, a comment): each stays on its one line.
            g.details().stream().filter(d -> !g.reason().startsWith(d))
                    .forEach(d -> sb.append("        ").append(line(d)).append('\n'));
        }
        sb.append('\n').append(all ? s.ok("PASSED") : s.bad("FAILED")).append(": ").append(r.passed()).append('/')
                .append(results.size()).append(" gate(s) passed\n");
        return sb.toString();
    }

    /** One test suite, one test case per gate: CI shows a failed gate as a failed test. */
    private static String junit(GatesChecked r) {
        List<GateResult> results = r.results();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n")
                .append("  <testsuite name=\"gates\" tests=\"").append(results.size()).append("\" failures=\"")
                .append(results.size() - r.passed()).append("\" errors=\"0\">\n");
        for (GateResult g : results) {
            sb.append("    <testcase classname=\"gates\" name=\"").append(Html.esc(g.name())).append('"');
            if (g.passed()) {
                sb.append("/>\n");
            } else {
                sb.append(">\n      <failure message=\"").append(Html.esc(g.reason())).append("\">")
                        .append(Html.esc(String.join("\n", g.details()))).append("</failure>\n    </testcase>\n");
            }
        }
        return sb.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static String markdown(GatesChecked r) {
        ChangeWindow w = r.window();
        StringBuilder sb = new StringBuilder("## Change-control gates: ").append(r.verdict().good() ? "passed" : "**FAILED**")
                .append("\n\nWindow ").append(w.start()).append(" – ").append(w.end()).append(" (")
                .append(Markdown.cell(w.environment())).append(w.ticket() == null ? "" : ", " + Markdown.cell(w.ticket()))
                .append(")\n\n| gate | result | reason |\n| --- | --- | --- |\n");
        for (GateResult g : r.results()) {
            sb.append("| ").append(Markdown.cell(g.name())).append(" | ").append(g.passed() ? "passed" : "**FAILED**")
                    .append(" | ").append(Markdown.cell(g.reason())).append(" |\n");
        }
        for (GateResult g : r.results()) {
            if (!g.details().isEmpty()) {
                sb.append("\n**").append(Markdown.cell(g.name())).append("**\n\n");
                g.details().forEach(d -> sb.append("- ").append(Markdown.text(d.strip())).append('\n'));
            }
        }
        return sb.toString();
    }
}
