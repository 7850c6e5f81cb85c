package dev.preflight.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.run.Readiness;
import dev.preflight.run.SectionResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The readiness report as one self-contained HTML file: inline styles, no scripts, no external
 * fetches, so it reads offline, prints, and can be attached to the change ticket as it is. The
 * verdict comes first, then each section's result, the risk register, the audit matrix, backups
 * with checksums, restore tests, flags, dependencies, cutover, gates, sign-offs and the ledger head.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The page for one verdict ({@code run} or {@code readiness}), with the ledger's evidence as recorded. */
    public static String render(String project, String title, Readiness r, EvidenceDigest d, Instant at) {
        List<Map<String, Object>> risks = dev.preflight.risk.RiskReports.json(r.verdict().risks());
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title + ": " + project)).append("</title>\n<style>\n")
                .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:72em;color:#1d1d1f}\n")
                .append("h1{margin:0 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc;padding-bottom:.2em}\n")
                .append("table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\n")
                .append("th{background:#f2f2f2}code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}\n")
                .append(".verdict{font-size:2.2em;font-weight:700;padding:.3em .6em;display:inline-block;border-radius:.2em}\n")
                .append(".go{background:#d6f5dd;color:#0b6623}.nogo{background:#fbd9d9;color:#8b0000}\n")
                .append(".ok{color:#0b6623}.bad{color:#8b0000;font-weight:600}.warn{color:#8a5300;font-weight:600}.muted{color:#777}\n")
                .append("@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table{page-break-inside:auto}}\n")
                .append("</style></head><body>\n");
        b.append("<header><h1>").append(esc(title)).append(": ").append(esc(project)).append("</h1>\n<p class=\"muted\">Generated ")
                .append(esc(at.toString())).append(" from the evidence ledger ").append(esc(d.ledgerDescription())).append("</p>\n");
        b.append("<p id=\"verdict\" class=\"verdict ").append(r.go() ? "go\">GO" : "nogo\">NO-GO").append("</p></header>\n");
        if (!r.go()) {
            b.append("<section id=\"reasons\"><h2>Reasons for NO-GO</h2><ul>\n");
            r.reasons().forEach(x -> b.append("<li>").append(esc(x)).append("</li>\n"));
            b.append("</ul></section>\n");
        }
        b.append("<section id=\"sections\"><h2>Checks</h2><table><tr><th>Section</th><th>Result</th><th>Summary</th></tr>\n");
        for (SectionResult x : r.results()) {
            String cls = x instanceof SectionResult.Passed ? "ok" : x instanceof SectionResult.NotConfigured ? "muted" : "bad";
            b.append("<tr><td>").append(esc(x.section())).append("</td><td class=\"").append(cls).append("\">")
                    .append(esc(x.label())).append("</td><td>").append(esc(x.summary()));
            if (x instanceof SectionResult.Failed f && !f.reasons().isEmpty()) {
                b.append("<ul>");
                f.reasons().forEach(y -> b.append("<li>").append(esc(y)).append("</li>"));
                b.append("</ul>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</table></section>\n");

        b.append("<section id=\"evidence\"><h2>Evidence judged</h2>\n");
        if (r.verdict().checks().isEmpty()) {
            b.append("<p class=\"muted\">No section of the plan requires evidence.</p>\n");
        } else {
            b.append("<table><tr><th>Section</th><th>Kind</th><th>Subject</th><th>State</th><th>Entry</th><th>Detail</th></tr>\n");
            for (dev.preflight.run.Verdict.Check c : r.verdict().checks()) {
                String cls = c.fresh() ? "ok" : c.state() == dev.preflight.run.Verdict.State.STALE ? "warn" : "bad";
                b.append("<tr><td>").append(esc(c.expected().section())).append("</td><td>").append(esc(c.expected().kind()))
                        .append("</td><td>").append(esc(c.expected().subject() + (c.expected().aspect() == null ? ""
                                : " (" + c.expected().aspect() + ")"))).append("</td><td class=\"").append(cls).append("\">")
                        .append(esc(c.state().label())).append("</td><td>")
                        .append(c.entry() == null ? "-" : "#" + c.entry().seq()).append("</td><td>").append(esc(c.reason()))
                        .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</section>\n");

        b.append("<section id=\"signoffs\"><h2>Sign-offs and the ledger head they were given on</h2>\n");
        if (r.verdict().signOffs().isEmpty()) {
            b.append("<p class=\"muted\">No sign-off recorded.</p>\n");
        } else {
            b.append("<ul>\n");
            for (dev.preflight.run.Verdict.SignOff so : r.verdict().signOffs()) {
                b.append("<li class=\"").append(so.isVoid() ? "bad" : so.current() ? "ok" : "warn").append("\">")
                        .append(esc(ReadinessReport.signOff(so, Style.PLAIN))).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("</section>\n");

        b.append("<section id=\"risks\"><h2>Risk register</h2>\n");
        if (risks.isEmpty()) {
            b.append("<p class=\"muted\">The plan has no risk register.</p>\n");
        } else {
            b.append("<table><tr><th>Risk</th><th>Mitigation</th><th>Status (derived)</th><th>Evidence</th></tr>\n");
            for (Map<String, Object> m : risks) {
                String st = String.valueOf(m.get("status"));
                String cls = st.equals("Mitigated") ? "ok" : st.equals("At risk") ? "warn" : "bad";
                b.append("<tr><td>").append(esc(String.valueOf(m.get("title")))).append("</td><td>")
                        .append(esc(m.get("mitigation") == null ? "" : String.valueOf(m.get("mitigation"))))
                        .append("</td><td class=\"").append(cls).append("\">").append(esc(st)).append("</td><td><ul>");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> cs = (List<Map<String, Object>>) m.get("controls");
                cs.forEach(c -> b.append("<li>").append(esc(String.valueOf(c.get("reason")))).append("</li>"));
                b.append("</ul></td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</section>\n");

        b.append("<section id=\"audit\"><h2>Compatibility audit</h2>\n");
        if (d.audits().isEmpty()) {
            b.append("<p class=\"bad\">No audit has been recorded.</p>\n");
        }
        for (var a : d.audits().entrySet()) {
            LedgerEntry e = a.getValue().entry();
            b.append("<h3>").append(esc(a.getKey())).append(" <span class=\"").append(e.outcome().isGood() ? "ok" : "bad")
                    .append("\">").append(esc(e.outcome().label())).append("</span> <span class=\"muted\">#").append(e.seq())
                    .append(" ").append(esc(e.time().toString())).append("</span></h3>\n");
            JsonNode rep = a.getValue().report();
            if (rep == null) {
                b.append("<p>").append(esc(e.summary())).append("</p>\n");
                continue;
            }
            List<List<String>> rows = EvidenceDigest.matrix(rep);
            b.append("<table>");
            for (int i = 0; i < rows.size(); i++) {
                b.append("<tr>");
                for (int j = 0; j < rows.get(i).size(); j++) {
                    String c = rows.get(i).get(j);
                    String cls = i == 0 || j == 0 ? "" : c.startsWith("passed") ? " class=\"ok\"" : c.startsWith("waived")
                            ? " class=\"warn\"" : c.equals("-") ? " class=\"muted\"" : " class=\"bad\"";
                    b.append(i == 0 ? "<th>" : "<td" + cls + ">").append(esc(c)).append(i == 0 ? "</th>" : "</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</table>\n");
            for (JsonNode h : rep.path("hosts")) {
                for (JsonNode c : h.path("checks")) {
                    if (c.path("reason").isTextual()) {
                        b.append("<p class=\"").append(c.path("result").asText().equals("waived") ? "warn" : "bad").append("\">")
                                .append(esc(h.path("environment").asText() + "/" + h.path("host").asText() + ": "
                                        + c.path("requirement").asText() + ": " + c.path("reason").asText())).append("</p>\n");
                    }
                }
                if (h.path("unreachable").isTextual()) {
                    b.append("<p class=\"bad\">").append(esc(h.path("environment").asText() + "/" + h.path("host").asText()
                            + " unreachable: " + h.path("unreachable").asText())).append("</p>\n");
                }
            }
        }
        b.append("</section>\n");

        for (String[] g : EvidenceDigest.GROUPS) {
            List<LedgerEntry> es = d.groups().getOrDefault(g[1], List.of());
            b.append("<section id=\"").append(g[1]).append("\"><h2>").append(esc(g[0])).append("</h2>\n");
            if (es.isEmpty()) {
                b.append("<p class=\"muted\">Nothing recorded (ledger kind <code>").append(esc(g[1])).append("</code>).</p></section>\n");
                continue;
            }
            b.append("<table><tr><th>#</th><th>When (UTC)</th><th>Subject</th><th>Outcome</th><th>Summary</th><th>Artifacts (SHA-256)</th></tr>\n");
            for (LedgerEntry e : es) {
                b.append("<tr><td>").append(e.seq()).append("</td><td>").append(esc(e.time().toString())).append("</td><td>")
                        .append(esc(e.subject())).append("</td><td class=\"").append(e.outcome().isGood() ? "ok" : "bad").append("\">")
                        .append(esc(e.outcome().label())).append("</td><td>").append(esc(e.summary())).append("</td><td>");
                for (Artifact a : e.artifacts()) {
                    b.append("<div><code>").append(esc(a.location())).append("</code> ").append(a.size()).append(" B<br><code>")
                            .append(esc(a.sha256())).append("</code></div>");
                }
                b.append("</td></tr>\n");
            }
            b.append("</table></section>\n");
        }

        b.append("<section id=\"ledger\"><h2>Evidence ledger</h2><p>Chain: <span class=\"")
                .append(r.ledgerIntact() ? "ok\">intact" : "bad\">BROKEN").append("</span>. Ledger head #").append(r.seq())
                .append(" (this verdict). Head hash: <code>")
                .append(esc(r.ledgerHead() != null ? r.ledgerHead() : String.valueOf(d.ledgerHead())))
                .append("</code></p><p class=\"muted\">Re-check offline: <code>preflight ledger verify</code>.</p></section>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    /** HTML-escapes text (element content and attribute values). */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
