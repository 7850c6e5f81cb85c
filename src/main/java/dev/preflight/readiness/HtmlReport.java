package dev.preflight.readiness;

import static dev.preflight.report.Html.esc;
import static dev.preflight.report.Html.td;

import dev.preflight.audit.AuditReport;
import dev.preflight.deps.DepsReport.ReviewJson;
import dev.preflight.core.Sizes;
import dev.preflight.flags.FlagsReport.ValidationJson;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.readiness.GoNoGo;
import dev.preflight.readiness.Readiness;
import dev.preflight.report.Durations;
import dev.preflight.report.EvidenceDigest;
import dev.preflight.report.EvidenceDigest.Attached;
import dev.preflight.report.Html;
import dev.preflight.report.SvgChart;
import dev.preflight.risk.RiskReport;
import dev.preflight.run.Section;
import dev.preflight.run.SectionResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The readiness report as one self-contained HTML file a change board decides from: inline styles,
 * no scripts, nothing fetched, so it reads offline, prints, and can be attached to the change ticket
 * as it is. At the top: project, change window, ticket, the verdict with its reasons and the
 * sign-offs against the current ledger head; then a table of contents, one row per control with its
 * latest evidence, gates, blockers, flags, cutover, charts, audit ({@link HtmlSections}) and the history.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The table of contents: section id and title, in page order. */
    static final List<String[]> TOC = List.of(
            new String[]{"sections", "Checks run"},
            new String[]{"evidence", "Controls and their latest evidence"},
            new String[]{"risks", "Risk register"},
            new String[]{"gate-details", "Change-control gates"},
            new String[]{"blockers", "Dependency blockers"},
            new String[]{"flags", "Feature flags by environment"},
            new String[]{"cutover", "Cutover timeline"},
            new String[]{"trends", "Backup size and restore time"},
            new String[]{"audit", "Compatibility audit"},
            new String[]{"history", "Evidence history"},
            new String[]{"ledger", "Evidence ledger"});

    private static final String CSS = """
            :root{--ok:#0b6623;--bad:#a30000;--warn:#8a5300;--muted:#6b6b6b;--line:#d0d0d0}
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em auto;max-width:76em;padding:0 1em;color:#1d1d1f}
            h1{margin:0 0 .3em;font-size:1.7em}h2{margin-top:1.8em;border-bottom:1px solid var(--line);padding-bottom:.2em}
            h3{margin:1.2em 0 .4em;font-size:1.05em}
            table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}
            th{background:#f2f2f2}tbody tr:nth-child(even){background:#fafafa}
            code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
            td ul,td ol{margin:.2em 0;padding-left:1.2em}
            .top{display:grid;grid-template-columns:minmax(0,1fr) minmax(16em,22em);gap:1.5em;align-items:start}
            .facts{width:auto}.facts th{width:9em;background:none;border:none;padding:.15em .6em .15em 0;color:var(--muted);font-weight:500}
            .facts td{border:none;padding:.15em 0;overflow-wrap:anywhere}
            .decision{border:2px solid var(--line);border-radius:.4em;padding:.8em 1em}
            .decision.go{border-color:#7cc48a}.decision.nogo{border-color:#e39a9a}
            .verdict{font-size:2.4em;font-weight:700;padding:.15em .5em;margin:0 0 .3em;display:inline-block;border-radius:.2em}
            .verdict.go{background:#d6f5dd;color:var(--ok)}.verdict.nogo{background:#fbd9d9;color:#8b0000}
            .reasons{border:2px solid #e39a9a;border-radius:.4em;padding:.6em 1em;margin-top:1em;background:#fff8f8}
            .reasons ul{margin:.3em 0;padding-left:1.2em}.reasons li{margin:.15em 0}
            div.small.bad{font-weight:normal}
            nav.toc{background:#f7f7f7;border:1px solid var(--line);border-radius:.4em;padding:.6em 1em;margin-top:1.2em}
            nav.toc ol{columns:2;margin:.3em 0;padding-left:1.4em}nav.toc h2{margin:0;border:none;font-size:1em}
            a{color:#0b57d0}a:visited{color:#0b57d0}
            .ok{color:var(--ok)}.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}.muted{color:var(--muted)}
            .t{white-space:nowrap}.facts tr:nth-child(even){background:none}
            .charts{display:flex;flex-wrap:wrap;gap:1em 2em}.charts figure{margin:0}.charts figcaption{font-weight:600;margin-bottom:.2em}
            svg.chart{max-width:100%;height:auto;display:block}
            .small{font-size:.9em}
            @page{size:A4;margin:14mm}
            @media print{
              body{margin:0;max-width:none;padding:0;font-size:10pt}
              .top{display:block}.decision{margin-top:.6em}
              nav.toc{background:none}nav.toc ol{columns:3}
              a{color:inherit;text-decoration:none}
              .verdict,.decision,th,svg.chart{-webkit-print-color-adjust:exact;print-color-adjust:exact}
              h2,h3{break-after:avoid}tr,figure,.decision{break-inside:avoid}thead{display:table-header-group}
              #history{break-before:page}
            }
            """;

    /**
     * What the page shows from the ledger besides the verdict: the digest (history, head, plan facts,
     * cutovers, charts) and the attachments the page details, each read by its owner's reader: the
     * newest audit report of each environment, dependency review of each subject, and flag validation
     * (null when none was recorded).
     */
    public record Evidence(EvidenceDigest digest, Map<String, Attached<AuditReport.Doc>> audits,
                           Map<String, Attached<ReviewJson>> deps, Attached<ValidationJson> flags) {
        public Evidence {
            audits = audits == null ? Map.of() : audits;
            deps = deps == null ? Map.of() : deps;
        }
    }

    /** The page for one verdict ({@code run} or {@code readiness}), with the ledger's evidence as recorded. */
    public static String render(String project, String title, Readiness r, Evidence e, Instant at) {
        EvidenceDigest d = e.digest();
        StringBuilder b = new StringBuilder(32_768);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
                .append(esc(title + ": " + project + " - " + (r.go() ? "GO" : "NO-GO"))).append("</title>\n<style>\n")
                .append(CSS).append("</style></head><body>\n");
        top(b, project, title, r, d, at);
        toc(b);
        checks(b, r);
        controls(b, r, project, inHistory(d));
        risks(b, RiskReport.rows(r.verdict().risks()));
        HtmlSections.gates(b, d);
        HtmlSections.blockers(b, e);
        HtmlSections.flags(b, e);
        HtmlSections.cutover(b, d);
        HtmlSections.trends(b, d);
        HtmlSections.audit(b, e);
        history(b, d);
        b.append("<section id=\"ledger\"><h2>Evidence ledger</h2><p>Chain: <span class=\"")
                .append(r.ledgerIntact() ? "ok\">intact" : "bad\">BROKEN").append("</span> (")
                .append(r.verdict().chain().entries()).append(" entries verified). This verdict is entry #").append(r.seq())
                .append(". Head hash <code>").append(esc(r.ledgerHead() != null ? r.ledgerHead() : String.valueOf(d.ledgerHead())))
                .append("</code>.</p>");
        if (r.verdict().chain().problem() != null) {
            b.append("<p class=\"bad\">").append(esc(r.verdict().chain().problem())).append("</p>");
        }
        b.append("<p class=\"muted\">Re-check offline: <code>preflight ledger verify</code>; any entry: ")
                .append("<code>preflight ledger log --kind KIND</code>.</p></section>\n</body></html>\n");
        return b.toString();
    }

    private static void top(StringBuilder b, String project, String title, Readiness r, EvidenceDigest d, Instant at) {
        EvidenceDigest.PlanFacts p = d.plan();
        EvidenceDigest.Window w = p.window();
        b.append("<header id=\"summary\"><h1>").append(esc(title)).append(": ").append(esc(project)).append("</h1>\n")
                .append("<div class=\"top\"><table class=\"facts\"><tbody>\n");
        fact(b, "project", "Project", project + (p.owner() == null ? "" : " (owner " + p.owner() + ")"));
        if (p.runbook() != null) {
            fact(b, "runbook", "Runbook", p.runbook());
        }
        if (w != null) {
            fact(b, "window", "Change window", w.start() + " to " + w.end() + " UTC ("
                    + Durations.spoken(Duration.between(w.start(), w.end())) + ")"
                    + (w.environment() == null ? "" : ", environment " + w.environment()));
            fact(b, "ticket", "Ticket", w.ticket() == null ? "none named in the plan" : w.ticket());
        } else {
            fact(b, "window", "Change window", "the plan has no change_window");
            fact(b, "ticket", "Ticket", "none (no change_window in the plan)");
        }
        fact(b, "generated", "Generated", at + " from " + d.ledgerDescription());
        fact(b, "head", "Ledger head", "#" + r.seq() + " " + r.hash() + (r.ledgerIntact() ? " (chain intact)" : " (chain BROKEN)"));
        b.append("</tbody></table>\n<div class=\"decision ").append(r.go() ? "go" : "nogo").append("\">")
                .append("<p id=\"verdict\" class=\"verdict ").append(r.go() ? "go\">GO" : "nogo\">NO-GO").append("</p>\n");
        if (r.go()) {
            b.append("<p id=\"reasons\" class=\"ok\">Every configured section has fresh passing evidence, every gate passes and every"
                    + " risk is mitigated.</p>\n");
        } else {
            b.append("<p class=\"bad\">").append(r.reasons().size()).append(" reason").append(r.reasons().size() == 1 ? "" : "s")
                    .append(", listed below.</p>\n");
        }
        b.append("</div></div>\n");
        if (!r.go()) {
            // Full width: the reasons are sentences naming entries, and a reviewer reads each one.
            b.append("<div id=\"reasons\" class=\"reasons\"><strong>Reasons for NO-GO</strong>").append(Html.list(r.reasons()))
                    .append("</div>\n");
        }
        signOffs(b, r, inHistory(d));
        b.append("</header>\n");
    }

    private static void fact(StringBuilder b, String id, String label, String value) {
        b.append("<tr id=\"fact-").append(id).append("\"><th>").append(esc(label)).append("</th><td>").append(esc(value))
                .append("</td></tr>\n");
    }

    /** Each signer's newest sign-off, the head it was given on, and whether that is still this page's head. */
    private static Set<Long> inHistory(EvidenceDigest d) {
        Set<Long> seqs = new HashSet<>();
        d.groups().values().forEach(es -> es.forEach(e -> seqs.add(e.seq())));
        return seqs;
    }

    private static void signOffs(StringBuilder b, Readiness r, Set<Long> inHistory) {
        b.append("<section id=\"signoffs\"><h2>Sign-offs</h2>\n");
        List<GoNoGo.SignOff> sos = r.verdict().signOffs();
        if (sos.isEmpty()) {
            b.append("<p class=\"muted\">No sign-off recorded (<code>preflight readiness sign --by NAME --role ROLE</code>"
                    + " records one on a GO verdict).</p></section>\n");
            return;
        }
        b.append("<table>").append(Html.head("Signed by", "Role", "Entry", "Given on head", "Against this page's head #"
                + r.seq())).append("<tbody>\n");
        for (GoNoGo.SignOff so : sos) {
            String headText = (so.headSeq() > 0 ? "#" + so.headSeq() + " " : "") + (so.headHash() == null ? "?" : so.headHash());
            String cls;
            String status;
            if (so.isVoid()) {
                cls = "bad";
                status = "VOID: failing evidence recorded since: " + entries(so.failingSince());
            } else if (so.headHash() != null && so.headHash().equals(r.hash())) {
                cls = "ok";
                status = "matches: signed on this very head";
            } else if (so.current()) {
                cls = "ok";
                status = "matches: only verdicts recorded since head #" + so.headSeq() + ", no new evidence";
            } else {
                cls = "warn";
                status = "differs: " + so.since().size() + " evidence entr" + (so.since().size() == 1 ? "y" : "ies")
                        + " recorded since head #" + so.headSeq() + ", none failing: " + entries(so.since());
            }
            b.append("<tr class=\"signoff\">").append(td(null, so.by())).append(td(null, so.role())).append("<td>")
                    .append(link(so.entry().seq(), inHistory)).append(' ').append(esc(so.entry().time().toString())).append("</td><td><code>")
                    .append(esc(headText)).append("</code></td>").append(td(cls + " status", status)).append("</tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private static String entries(List<LedgerEntry> es) {
        List<String> l = es.stream().limit(8).map(e -> "#" + e.seq() + " " + e.kind() + " " + e.subject() + " "
                + e.outcome().label()).toList();
        return String.join(", ", l) + (es.size() > 8 ? ", ... (" + (es.size() - 8) + " more)" : "");
    }

    private static void toc(StringBuilder b) {
        b.append("<nav class=\"toc\" id=\"toc\"><h2>Contents</h2><ol>\n");
        for (String[] t : TOC) {
            b.append("<li><a href=\"#").append(t[0]).append("\">").append(esc(t[1])).append("</a></li>\n");
        }
        b.append("</ol></nav>\n");
    }

    private static void checks(StringBuilder b, Readiness r) {
        b.append("<section id=\"sections\"><h2>Checks run</h2><table>").append(Html.head("Section", "Result", "Summary"))
                .append("<tbody>\n");
        for (SectionResult x : r.results()) {
            String cls = x instanceof SectionResult.Passed ? "ok" : x instanceof SectionResult.NotConfigured ? "muted" : "bad";
            b.append("<tr>").append(td(null, x.section())).append(td(cls, x.label())).append("<td>").append(esc(x.summary()));
            if (x instanceof SectionResult.Failed f) {
                b.append(Html.list(f.reasons()));
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    /** One row per control (what a section requires on record), its latest evidence and a link to its history. */
    private static void controls(StringBuilder b, Readiness r, String project, Set<Long> inHistory) {
        b.append("<section id=\"evidence\"><h2>Controls and their latest evidence</h2>\n");
        if (r.verdict().checks().isEmpty()) {
            b.append("<p class=\"muted\">No section of the plan requires evidence.</p></section>\n");
            return;
        }
        b.append("<table>").append(Html.head("Control", "State", "Latest evidence", "Max age", "History")).append("<tbody>\n");
        Set<String> ids = new HashSet<>();
        // The max ages as the JSON report writes them (one formatter for every output).
        List<ReadinessJson.EvidenceRow> model = ReadinessReport.model(r, project).evidence();
        int row = 0;
        for (GoNoGo.Check c : r.verdict().checks()) {
            String maxAge = model.get(row++).maxAge();
            var x = c.expected();
            String control = x.section() + ": " + x.kind() + " " + x.subject() + (x.aspect() == null ? "" : " (" + x.aspect() + ")");
            String cls = c.fresh() ? "ok" : c.state() == GoNoGo.State.STALE ? "warn" : "bad";
            String id = Html.id("c-", x.kind() + "-" + x.subject() + (x.aspect() == null ? "" : "-" + x.aspect()));
            // Subjects that differ only in punctuation map to one anchor: the later ones are numbered.
            String base = id;
            for (int n = 2; !ids.add(id); n++) {
                id = base + "-" + n;
            }
            b.append("<tr class=\"control\" id=\"").append(id).append("\">").append(td(null, control))
                    .append(td(cls, c.state().label())).append("<td>");
            if (c.entry() == null) {
                b.append("<span class=\"bad\">none recorded</span>");
            } else {
                LedgerEntry e = c.entry();
                b.append(link(e.seq(), inHistory)).append(' ').append(esc(e.time().toString())).append(" <span class=\"")
                        .append(Html.outcomeClass(e.outcome().label())).append("\">").append(esc(e.outcome().label()))
                        .append("</span><br/>").append(esc(e.summary()));
            }
            if (!c.fresh()) {
                // Why it does not count (stale, failing, missing); a fresh one needs no more words.
                b.append("<div class=\"").append(cls).append(" small\">").append(esc(c.reason())).append("</div>");
            }
            b.append("</td>")
                    .append(td(null, maxAge)).append("<td><a href=\"#")
                    .append(EvidenceDigest.GROUPS.stream().anyMatch(g -> g.kind().equals(x.kind())) ? Html.id("h-", x.kind()) : "ledger")
                    .append("\">").append(esc(x.kind())).append(" history</a></td></tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    /** A link to an entry's row in the history when the page lists it, else the plain entry number. */
    static String link(long seq, Set<Long> inHistory) {
        return inHistory.contains(seq) ? "<a href=\"#e" + seq + "\">#" + seq + "</a>" : "#" + seq;
    }

    private static void risks(StringBuilder b, List<RiskReport.Row> risks) {
        b.append("<section id=\"risks\"><h2>Risk register</h2>\n");
        if (risks.isEmpty()) {
            b.append("<p class=\"muted\">The plan has no risk register.</p></section>\n");
            return;
        }
        b.append("<table>").append(Html.head("Risk", "Mitigation", "Status (derived)", "Evidence")).append("<tbody>\n");
        for (RiskReport.Row m : risks) {
            String st = m.status();
            b.append("<tr>").append(td(null, String.valueOf(m.title())))
                    .append(td(null, m.mitigation() == null ? "" : m.mitigation()))
                    .append(td(Html.outcomeClass(st), st)).append("<td>");
            b.append(Html.list(m.controls().stream().map(RiskReport.ControlRow::reason).toList())).append("</td></tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    /** HTML-escapes text (element content and attribute values); see {@link Html#esc}. */
    public static String esc(String s) {
        return Html.esc(s);
    }

    /** The newest entries of each kind, every row addressable as {@code #e<seq>} from the rows above. */
    private static void history(StringBuilder b, EvidenceDigest d) {
        b.append("<section id=\"history\"><h2>Evidence history</h2>\n<p class=\"muted small\">Newest first. ");
        for (EvidenceDigest.Group g : EvidenceDigest.GROUPS) {
            b.append("<a href=\"#").append(Html.id("h-", g.kind())).append("\">").append(esc(g.title())).append("</a> ");
        }
        b.append("</p>\n");
        for (EvidenceDigest.Group g : EvidenceDigest.GROUPS) {
            List<LedgerEntry> es = d.groups().getOrDefault(g.kind(), List.of());
            b.append("<section class=\"history\" id=\"").append(Html.id("h-", g.kind())).append("\"><h3>").append(esc(g.title()))
                    .append(" <code class=\"muted\">").append(esc(g.kind())).append("</code></h3>\n");
            if (es.isEmpty()) {
                b.append("<p class=\"muted\">Nothing recorded.</p></section>\n");
                continue;
            }
            b.append("<table>").append(Html.head("#", "When (UTC)", "Subject", "Outcome", "Summary", "Artifacts (SHA-256)"))
                    .append("<tbody>\n");
            for (LedgerEntry e : es) {
                b.append("<tr id=\"e").append(e.seq()).append("\">").append(td(null, String.valueOf(e.seq())))
                        .append(td("t", e.time().toString())).append(td(null, e.subject()))
                        .append(td(Html.outcomeClass(e.outcome().label()), e.outcome().label())).append(td(null, e.summary()))
                        .append("<td>");
                for (Artifact a : e.artifacts()) {
                    b.append("<div><code>").append(esc(a.location())).append("</code> ").append(esc(Sizes.label(a.size())))
                            .append("<br/><code>").append(esc(a.sha256())).append("</code></div>");
                }
                b.append("</td></tr>\n");
            }
            b.append("</tbody></table></section>\n");
        }
        b.append("</section>\n");
    }
}
