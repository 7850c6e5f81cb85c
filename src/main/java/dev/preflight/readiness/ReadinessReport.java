package dev.preflight.readiness;

import static dev.preflight.report.Visible.line;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import dev.preflight.risk.RiskReport;
import dev.preflight.risk.RiskResult;
import dev.preflight.run.SectionResult;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Renders the verdict of {@code preflight run} and {@code readiness}: verdict first, then what the
 * command executed, the evidence the verdict judged (kind, subject, entry), the risks, the
 * sign-offs with what was recorded since, the ledger head, and every reason for NO-GO. The
 * renderers {@link #RUN} and {@link #READINESS} (text, JSON, Markdown, the HTML page) and
 * {@link #SIGN} ({@code readiness sign}) are what the commands' formats come from.
 */
public final class ReadinessReport {
    private ReadinessReport() {
    }

    /**
     * A verdict to render: the {@link Readiness} of {@code project}, the clock the HTML page is dated
     * by, and the evidence the page shows beside it (read only when the page is rendered).
     */
    public record Decision(Readiness readiness, String project, Clock clock, Supplier<HtmlReport.Evidence> page) {
    }

    /**
     * What {@code readiness sign} did: the verdict it was asked on, and the sign-off it recorded as
     * entry {@code entrySeq}, or (null) did not record because the verdict was NO-GO.
     */
    public record Signing(Readiness readiness, String project, SignOffPayload signOff, Long entrySeq) {
        public boolean recorded() {
            return entrySeq != null;
        }
    }

    /** What {@code readiness sign --format json} prints: whether the sign-off was recorded, as which entry, and what it says. */
    public record Signed(String project, boolean recorded, @JsonProperty("entry_seq") Long entrySeq,
                         @JsonProperty("sign_off") SignOffPayload signOff) {
    }

    /** {@code preflight run}: the verdict; the HTML page is titled "Pre-flight run". */
    public static final Renderer<Decision> RUN = new VerdictRenderer("Pre-flight run", false);

    /** {@code preflight readiness}: the verdict; its Markdown adds the risk register, its page is titled "Readiness". */
    public static final Renderer<Decision> READINESS = new VerdictRenderer("Readiness", true);

    /** {@code readiness sign}: the sign-off recorded, or the NO-GO verdict it was refused on. */
    public static final Renderer<Signing> SIGN = new Renderer<>() {
        @Override
        public String text(Signing s, Style style) {
            Readiness r = s.readiness();
            if (!s.recorded()) {
                return ReadinessReport.text(r, s.project(), style) + "Sign-off NOT recorded: the verdict is NO-GO.\n";
            }
            return "Signed off: GO for " + s.project() + " by " + s.signOff().by() + " (" + s.signOff().role()
                    + "), ledger entry #" + s.entrySeq() + " on head #" + r.seq() + " " + r.ledgerHead() + "\n"
                    + "A failing entry recorded after it voids this sign-off; 'preflight readiness' shows it.\n";
        }

        @Override
        public String json(Signing s) {
            // Refused on NO-GO, "recorded": false (no entry) says nothing was signed; 'readiness' says why.
            return Json.pretty(new Signed(s.project(), s.recorded(), s.entrySeq(), s.signOff())) + "\n";
        }
    };

    /** The verdict in text, JSON, Markdown (with the risk register for readiness) or as the HTML page. */
    private static final class VerdictRenderer implements Renderer<Decision> {
        private final String title;
        private final boolean risks;

        VerdictRenderer(String title, boolean risks) {
            this.title = title;
            this.risks = risks;
        }

        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN, Format.HTML);
        }

        @Override
        public String text(Decision d, Style style) {
            return ReadinessReport.text(d.readiness(), d.project(), style);
        }

        @Override
        public String json(Decision d) {
            return ReadinessReport.json(d.readiness(), d.project());
        }

        @Override
        public String other(Decision d, Format format) {
            Readiness r = d.readiness();
            if (format == Format.HTML) {
                HtmlReport.Evidence page = d.page().get();
                return HtmlReport.render(d.project(), title, r, page, d.clock().instant());
            }
            if (format != Format.MARKDOWN) {
                return Renderer.super.other(d, format);
            }
            return markdown(r, d.project())
                    + (!risks || r.verdict().risks().isEmpty() ? "" : "\n" + RiskReport.markdown(r.verdict().risks()));
        }
    }

    /** The verdict in text, JSON or Markdown (without the risk register), as {@link #RUN} renders those. */
    public static String render(Readiness r, String project, Format format, Style style) {
        return switch (format) {
            case JSON -> json(r, project);
            case MARKDOWN -> markdown(r, project);
            default -> text(r, project, style);
        };
    }

    static String text(Readiness r, String project, Style s) {
        GoNoGo v = r.verdict();
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
                    x instanceof SectionResult.NotConfigured ? s.dim(line(x.summary())) : line(x.summary())));
            if (x instanceof SectionResult.Failed f) {
                f.reasons().forEach(y -> sb.append("                  ").append(line(y)).append('\n'));
            }
        }
        if (!v.checks().isEmpty()) {
            sb.append("Evidence judged (newest entry per subject, max age per section):\n");
            for (GoNoGo.Check c : v.checks()) {
                String st = String.format("%-8s", c.state().label());
                st = c.fresh() ? s.ok(st) : c.state() == GoNoGo.State.STALE ? s.warn(st) : s.bad(st);
                sb.append("  ").append(st).append(" ").append(String.format("%-12s ", c.expected().section()))
                        .append(line(c.reason())).append('\n');
            }
        }
        if (!v.risks().isEmpty()) {
            long mitigated = v.risks().stream().filter(x -> x.status() == RiskResult.Status.MITIGATED).count();
            sb.append("Risks: ").append(mitigated).append(" of ").append(v.risks().size()).append(" mitigated\n");
        }
        if (!v.signOffs().isEmpty()) {
            sb.append("Sign-offs:\n");
            v.signOffs().forEach(so -> sb.append("  ").append(signOff(so, s)).append('\n'));
        }
        sb.append("  chain         ").append(r.ledgerIntact() ? s.ok("INTACT") : s.bad("BROKEN"))
                .append("  ledger head #").append(r.seq()).append(' ').append(r.hash())
                .append(" (this verdict; judged at #").append(v.chain().headSeq()).append(")\n");
        if (!r.go()) {
            sb.append("Reasons for NO-GO:\n");
            r.reasons().forEach(x -> sb.append("  - ").append(line(x)).append('\n'));
        }
        return sb.toString();
    }

    /** One sign-off as a line: who, the head it was given on, and what happened since. */
    public static String signOff(GoNoGo.SignOff so, Style s) {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(so.entry().seq()).append(' ').append(so.entry().time()).append(" GO signed off by ")
                .append(line(so.by())).append(" (").append(line(so.role())).append(") on head ")
                .append(so.headSeq() > 0 ? "#" + so.headSeq() + " " : "").append(so.headHash() == null ? "?" : so.headHash())
                .append(": ");
        if (so.otherPlan()) {
            sb.append(s.bad("VOID")).append(" - given on another version of the plan");
        } else if (so.isVoid()) {
            sb.append(s.bad("VOID")).append(" - failing since: ").append(entries(so.failingSince()));
        } else if (so.current()) {
            sb.append(s.ok("current")).append(" (no evidence recorded since)");
        } else {
            sb.append(s.warn(so.since().size() + " entr" + (so.since().size() == 1 ? "y" : "ies") + " recorded since"))
                    .append(", none failing: ").append(entries(so.since()));
        }
        return sb.toString();
    }

    private static String entries(List<LedgerEntry> es) {
        List<String> l = es.stream().limit(10).map(e -> "#" + e.seq() + " " + line(e.kind()) + " " + line(e.subject())
                + " " + e.outcome().label()).toList();
        return String.join(", ", l) + (es.size() > 10 ? ", ... (" + (es.size() - 10) + " more)" : "");
    }

    /** The verdict as the records its JSON serialises (also read by the HTML page, for the max ages). */
    public static ReadinessJson model(Readiness r, String project) {
        return ReadinessJson.of(r, project);
    }

    static String json(Readiness r, String project) {
        return Json.pretty(model(r, project)) + "\n";
    }

    static String markdown(Readiness r, String project) {
        GoNoGo v = r.verdict();
        StringBuilder sb = new StringBuilder();
        sb.append("# Readiness: ").append(project).append("\n\n");
        sb.append("**Verdict: ").append(r.go() ? "GO" : "NO-GO").append("**\n\n");
        sb.append("| Section | Result | Summary |\n| --- | --- | --- |\n");
        for (SectionResult x : r.results()) {
            sb.append("| ").append(Markdown.cell(x.section())).append(" | ").append(Markdown.cell(x.label()))
                    .append(" | ").append(Markdown.cell(x.summary())).append(" |\n");
        }
        if (!v.checks().isEmpty()) {
            sb.append("\n## Evidence judged\n\n| Section | Kind | Subject | State | Entry | Detail |\n| --- | --- | --- | --- | --- | --- |\n");
            for (GoNoGo.Check c : v.checks()) {
                sb.append("| ").append(Markdown.cell(c.expected().section())).append(" | ")
                        .append(Markdown.cell(c.expected().kind())).append(" | ")
                        .append(Markdown.cell(c.expected().subject() + (c.expected().aspect() == null ? ""
                                : " (" + c.expected().aspect() + ")"))).append(" | ").append(c.state().label())
                        .append(" | ").append(c.entry() == null ? "-" : "#" + c.entry().seq()).append(" | ")
                        .append(Markdown.cell(c.reason())).append(" |\n");
            }
        }
        if (!v.signOffs().isEmpty()) {
            sb.append("\n## Sign-offs\n\n");
            v.signOffs().forEach(so -> sb.append("- ").append(Markdown.text(signOff(so, Style.PLAIN))).append('\n'));
        }
        sb.append("\nLedger: ").append(r.ledgerIntact() ? "intact" : "BROKEN").append(", head #").append(r.seq())
                .append(" `").append(r.hash()).append("`\n");
        if (!r.go()) {
            sb.append("\n## Reasons for NO-GO\n\n");
            r.reasons().forEach(x -> sb.append("- ").append(Markdown.text(x)).append('\n'));
        }
        return sb.toString();
    }
}
