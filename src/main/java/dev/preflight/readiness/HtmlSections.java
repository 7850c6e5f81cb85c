package dev.preflight.readiness;

import static dev.preflight.report.Html.esc;
import static dev.preflight.report.Html.td;

import dev.preflight.audit.AuditReport.CheckDoc;
import dev.preflight.audit.AuditReport.Doc;
import dev.preflight.audit.AuditReport.HostDoc;
import dev.preflight.core.Sizes;
import dev.preflight.deps.DepsReport.ReviewJson;
import dev.preflight.deps.DepsResult.Finding;
import dev.preflight.deps.DepsResult.Severity;
import dev.preflight.flags.FlagsReport.FileJson;
import dev.preflight.flags.FlagsReport.ProblemJson;
import dev.preflight.flags.FlagsReport.ValidationJson;
import dev.preflight.gates.GateResult;
import dev.preflight.gates.GatesEvidence;
import dev.preflight.ledger.EvidenceKind;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.report.Durations;
import dev.preflight.report.EvidenceDigest;
import dev.preflight.report.Html;
import dev.preflight.report.SvgChart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The evidence parts of the readiness page, each read from what the ledger recorded: gate details,
 * dependency blockers, the flag x environment matrix, the cutover timeline, the charts and the audit
 * matrix. Kept apart from {@link HtmlReport} (the frame, the verdict, the controls and the history)
 * so each file stays readable.
 */
final class HtmlSections {
    private HtmlSections() {
    }

    private static String ref(LedgerEntry e) {
        return "<a href=\"#e" + e.seq() + "\">#" + e.seq() + "</a> " + esc(e.time().toString());
    }

    // ---- gates --------------------------------------------------------------------------------

    /** Approver, notice, who is on call and acknowledged, then every gate's last result with its details. */
    static void gates(StringBuilder b, EvidenceDigest d) {
        b.append("<section id=\"gate-details\"><h2>Change-control gates</h2>\n");
        List<LedgerEntry> checks = d.groups().getOrDefault(EvidenceKind.GATES.id(), List.of());
        if (checks.isEmpty() && d.plan().gatesConfigured().isEmpty()) {
            b.append("<p class=\"muted\">The plan configures no gate and none was checked.</p></section>\n");
            return;
        }
        LedgerEntry last = checks.isEmpty() ? null : checks.get(0);
        Map<String, GateResult> results = new LinkedHashMap<>();
        if (last != null) {
            GatesEvidence.checkResults(last).forEach(x -> results.put(x.name(), x));
        }
        EvidenceDigest.Window w = d.plan().window();
        b.append("<table class=\"gate-facts\"><tbody>\n");
        GateResult cab = results.get("cab");
        String approval = cab == null ? "not checked" : !cab.details().isEmpty() ? cab.details().get(0) : cab.reason();
        gateFact(b, "approver", "Approval (CAB)", cab == null ? "muted" : cab.passed() ? "ok" : "bad", approval);
        List<LedgerEntry> notices = d.groups().getOrDefault(EvidenceKind.NOTICE_SENT.id(), List.of());
        LedgerEntry notice = notices.stream().filter(e -> e.outcome().isGood()).findFirst().orElse(null);
        String due = w == null || d.plan().noticeLead() == null ? ""
                : "; required by " + w.start().minus(d.plan().noticeLead()) + " (" + Durations.spoken(d.plan().noticeLead())
                + " before the window)";
        GateResult noticeGate = results.get("notice");
        if (notice != null) {
            // The gate's own judgement when it was checked: it dates a notice no earlier than the entries
            // recorded before it (a clock set back); the notice's own time alone made such a notice look early.
            boolean inTime = noticeGate != null ? noticeGate.passed() : w == null || d.plan().noticeLead() == null
                    || !notice.time().isAfter(w.start().minus(d.plan().noticeLead()));
            gateFact(b, "notice", "Stakeholder notice", inTime ? "ok" : "bad", "sent " + notice.time() + " (entry #"
                    + notice.seq() + ": " + notice.summary() + ")" + due);
        } else {
            gateFact(b, "notice", "Stakeholder notice", d.plan().noticeLead() == null ? "muted" : "bad", "none sent" + due);
        }
        // Who is on call comes from the gate's last check (the rota and the acknowledgements); without
        // an on-call gate, the acknowledgements recorded are all there is to show.
        GateResult oc = results.get("oncall");
        List<String> onCall = new ArrayList<>();
        if (oc != null) {
            onCall.addAll(oc.details());
            if (onCall.isEmpty()) {
                onCall.add(oc.reason());
            }
        } else {
            Map<String, String> acks = new LinkedHashMap<>();
            for (LedgerEntry e : d.groups().getOrDefault(EvidenceKind.ONCALL_ACK.id(), List.of())) {
                GatesEvidence.AckPayload.of(e).ifPresent(p -> acks.putIfAbsent(p.role(),
                        p.user() + " acknowledged " + e.time() + " (#" + e.seq() + ")"));
            }
            acks.forEach((role, who) -> onCall.add(role + " " + who));
        }
        b.append("<tr id=\"gate-oncall\"><th>On call</th><td class=\"").append(oc == null ? "muted" : oc.passed()
                ? "ok" : "bad").append("\">").append(onCall.isEmpty() ? esc("no on-call acknowledgement recorded")
                : Html.list(onCall)).append("</td></tr>\n");
        b.append("</tbody></table>\n");
        if (last == null) {
            b.append("<p class=\"bad\">No gate check recorded (run <code>preflight gates check</code>).</p></section>\n");
            return;
        }
        b.append("<p class=\"muted\">Last check: ").append(ref(last)).append(", ").append(esc(last.summary())).append("</p>\n");
        b.append("<table>").append(Html.head("Gate", "Result", "Reason", "Details")).append("<tbody>\n");
        Set<String> shown = new LinkedHashSet<>();
        for (GateResult x : results.values()) {
            boolean ok = x.passed();
            b.append("<tr class=\"gate\">").append(td(null, x.name())).append(td(ok ? "ok" : "bad", ok ? "passed" : "FAILED"))
                    .append(td(null, x.reason())).append("<td>").append(Html.list(x.details())).append("</td></tr>\n");
            shown.add(x.name());
        }
        for (String g : d.plan().gatesConfigured()) {
            if (!shown.contains(g)) {
                b.append("<tr class=\"gate\">").append(td(null, g)).append(td("bad", "not checked"))
                        .append(td(null, "configured in the plan, absent from the last check")).append("<td></td></tr>\n");
            }
        }
        b.append("</tbody></table></section>\n");
    }

    private static void gateFact(StringBuilder b, String id, String label, String cls, String text) {
        b.append("<tr id=\"gate-").append(id).append("\"><th>").append(esc(label)).append("</th>").append(td(cls, text))
                .append("</tr>\n");
    }

    // ---- dependency blockers ----------------------------------------------------------------------

    /** Every blocker of the newest dependency review of each subject, with why and the fix. */
    static void blockers(StringBuilder b, HtmlReport.Evidence d) {
        b.append("<section id=\"blockers\"><h2>Dependency blockers</h2>\n");
        if (d.deps().isEmpty()) {
            b.append("<p class=\"muted\">No dependency review recorded (<code>preflight deps</code>).</p></section>\n");
            return;
        }
        for (var a : d.deps().entrySet()) {
            LedgerEntry e = a.getValue().entry();
            ReviewJson review = a.getValue().report();
            b.append("<h3>").append(esc(a.getKey())).append(" <span class=\"").append(Html.outcomeClass(e.outcome().label()))
                    .append("\">").append(esc(e.outcome().label())).append("</span> <span class=\"muted\">")
                    .append(ref(e)).append("</span></h3>\n");
            if (review == null) {
                b.append("<p>").append(esc(e.summary())).append("</p>\n");
                continue;
            }
            b.append("<p>Targets: ").append(esc(targets(review.targets()))).append(". ").append(esc(e.summary())).append("</p>\n");
            List<Finding> bl = review.findings().stream().filter(f -> f != null && f.severity() == Severity.BLOCKER).toList();
            if (bl.isEmpty()) {
                b.append("<p class=\"ok\">No blocker.</p>\n");
                continue;
            }
            b.append("<table class=\"blockers\">").append(Html.head("Package", "Blocks", "Why", "Required by", "Fix")).append("<tbody>\n");
            for (Finding f : bl) {
                String pkg = Objects.toString(f.ecosystem(), "") + ": " + Objects.toString(f.subject(), "") + (f.subjectVersion() != null ? " " + f.subjectVersion() : "")
                        + (f.devOnly() ? " (dev)" : "");
                b.append("<tr class=\"blocker\">").append(td(null, pkg)).append(td(null, Objects.toString(f.target(), "")))
                        .append(td(null, Objects.toString(f.message(), ""))).append(td(null, String.join(" > ", f.chain())))
                        .append(td(null, Objects.toString(f.fix(), ""))).append("</tr>\n");
            }
            b.append("</tbody></table>\n");
        }
        b.append("</section>\n");
    }

    private static String targets(Map<String, String> t) {
        List<String> out = new ArrayList<>();
        t.forEach((name, version) -> out.add(name + " " + version));
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    // ---- flags --------------------------------------------------------------------------------

    /** The flag x environment matrix of the newest validation, as the dotenv files said then. */
    static void flags(StringBuilder b, HtmlReport.Evidence d) {
        b.append("<section id=\"flags\"><h2>Feature flags by environment</h2>\n");
        if (d.flags() == null) {
            b.append("<p class=\"muted\">No flag validation recorded (<code>preflight flags validate</code>).</p></section>\n");
            return;
        }
        LedgerEntry e = d.flags().entry();
        ValidationJson validation = d.flags().report();
        b.append("<p>As validated in ").append(ref(e)).append(": <span class=\"").append(Html.outcomeClass(e.outcome().label()))
                .append("\">").append(esc(e.summary())).append("</span></p>\n");
        if (validation == null) {
            b.append("</section>\n");
            return;
        }
        List<String> envs = new ArrayList<>();
        Map<String, Map<String, Boolean>> values = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (FileJson f : validation.files()) {
            if (f == null) {
                continue;
            }
            String env = Objects.toString(f.environment(), "");
            envs.add(env);
            values.put(env, f.values());
            names.addAll(f.values().keySet());
        }
        List<String> head = new ArrayList<>(List.of("flag"));
        head.addAll(envs);
        b.append("<table class=\"matrix\">").append(Html.head(head.toArray(String[]::new))).append("<tbody>\n");
        for (String n : names) {
            b.append("<tr>").append(td(null, n));
            for (String env : envs) {
                Boolean v = values.get(env).get(n);
                String cell = v == null ? "-" : v ? "on" : "off";
                b.append(td(cell.equals("on") ? "ok" : cell.equals("-") ? "muted" : null, cell));
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n<p class=\"muted small\">on / off as each environment's file sets it; - not set.</p>\n");
        List<String> problems = new ArrayList<>();
        for (ProblemJson p : validation.problems()) {
            if (p != null) {
                problems.add(Objects.toString(p.severity(), "") + ": " + Objects.toString(p.message(), "")
                        + (p.file() != null ? " (" + p.file() + (p.line() != null ? ":" + p.line() : "") + ")" : ""));
            }
        }
        if (!problems.isEmpty()) {
            b.append("<h3>Problems found</h3>").append(Html.list(problems)).append('\n');
        }
        b.append("</section>\n");
    }

    // ---- cutover ------------------------------------------------------------------------------

    /** Each environment's cutover: its attempts in order with durations, as a table and a timeline. */
    static void cutover(StringBuilder b, EvidenceDigest d) {
        b.append("<section id=\"cutover\"><h2>Cutover timeline</h2>\n");
        if (d.cutovers().isEmpty()) {
            b.append("<p class=\"muted\">No cutover started (<code>preflight cutover start</code>).</p></section>\n");
            return;
        }
        for (EvidenceDigest.Cutover h : d.cutovers()) {
            b.append("<h3>").append(esc(h.environment())).append(": ").append(esc(h.state()))
                    .append(" <span class=\"muted\">cutover ").append(esc(h.id())).append(", begun ")
                    .append(esc(String.valueOf(h.begun()))).append("</span></h3>\n");
            List<SvgChart.Span> spans = new ArrayList<>();
            b.append("<table class=\"steps\">").append(Html.head("Step", "Attempt", "Started", "Duration", "Outcome", "Summary"))
                    .append("<tbody>\n");
            for (EvidenceDigest.Attempt a : h.attempts()) {
                // The measured time of the step (not the gap between two ledger times, which includes recording it).
                Instant end = a.ended() == null ? null : a.started().plusMillis(a.elapsedMs());
                String took = end == null ? "not completed" : Durations.spoken(Duration.ofMillis(a.elapsedMs()));
                spans.add(new SvgChart.Span(a.step() + (a.number() > 1 ? " #" + a.number() : ""), a.started(),
                        end, a.outcome()));
                b.append("<tr class=\"step\">").append(td(null, a.step())).append(td(null, String.valueOf(a.number())))
                        .append(td("t", String.valueOf(a.started()))).append(td("t", took))
                        .append(td(Html.outcomeClass(a.outcome()), a.outcome())).append(td(null, a.summary())).append("</tr>\n");
            }
            b.append("</tbody></table>\n");
            if (h.rounds() > 0) {
                b.append("<p>Stable window: ").append(h.rounds()).append(" monitor round(s), <span class=\"")
                        .append(h.breaches() == 0 ? "ok" : "bad").append("\">").append(h.breaches())
                        .append(" breach(es)</span>.</p>\n");
            }
            b.append(SvgChart.timeline("Cutover steps of " + h.environment() + " over time", spans)).append('\n');
        }
        b.append("</section>\n");
    }

    // ---- charts -------------------------------------------------------------------------------

    /** Backup size and restore time over the last runs of each source. */
    static void trends(StringBuilder b, EvidenceDigest d) {
        b.append("<section id=\"trends\"><h2>Backup size and restore time</h2>\n");
        if (d.backupSizes().isEmpty() && d.restoreTimes().isEmpty()) {
            b.append("<p class=\"muted\">No backup or restore test recorded yet.</p></section>\n");
            return;
        }
        b.append("<div class=\"charts\">\n");
        d.backupSizes().forEach((src, ps) -> figure(b, "backup-size", "Backup size of " + src + ", last " + ps.size() + " run(s)",
                ps, Sizes::label));
        d.restoreTimes().forEach((src, ps) -> figure(b, "restore-time", "Restore time of " + src + ", last " + ps.size()
                + " test(s)", ps, v -> Durations.spoken(Duration.ofMillis(v))));
        b.append("</div><p class=\"muted small\">Oldest run left; a red bar is a run recorded as failed. Each bar's"
                + " label is its ledger entry.</p></section>\n");
    }

    private static void figure(StringBuilder b, String cls, String caption, List<EvidenceDigest.Point> ps,
                               LongFunction<String> fmt) {
        List<SvgChart.Bar> bars = ps.stream().map(p -> new SvgChart.Bar("#" + p.seq(), p.value(), p.good(),
                "#" + p.seq() + " " + p.time() + ": " + fmt.apply(p.value()) + (p.good() ? "" : " (failed)"))).toList();
        b.append("<figure class=\"").append(cls).append("\"><figcaption>").append(esc(caption)).append("</figcaption>")
                .append(SvgChart.bars(caption, bars, fmt)).append("</figure>\n");
    }

    // ---- audit --------------------------------------------------------------------------------

    /** The newest audit matrix of each environment, with every failure's reason. */
    static void audit(StringBuilder b, HtmlReport.Evidence d) {
        b.append("<section id=\"audit\"><h2>Compatibility audit</h2>\n");
        if (d.audits().isEmpty()) {
            b.append("<p class=\"bad\">No audit has been recorded.</p>\n");
        }
        for (var a : d.audits().entrySet()) {
            LedgerEntry e = a.getValue().entry();
            b.append("<h3>").append(esc(a.getKey())).append(" <span class=\"").append(e.outcome().isGood() ? "ok" : "bad")
                    .append("\">").append(esc(e.outcome().label())).append("</span> <span class=\"muted\">").append(ref(e))
                    .append("</span></h3>\n");
            Doc report = a.getValue().report();
            if (report == null) {
                b.append("<p>").append(esc(e.summary())).append("</p>\n");
                continue;
            }
            List<List<String>> rows = matrix(report);
            b.append("<table class=\"matrix\">").append(Html.head(rows.get(0).toArray(String[]::new))).append("<tbody>\n");
            for (List<String> row : rows.subList(1, rows.size())) {
                b.append("<tr>").append(td(null, row.get(0)));
                for (String c : row.subList(1, row.size())) {
                    String cls = c.startsWith("passed") ? "ok" : c.startsWith("waived") ? "warn" : c.equals("-") ? "muted" : "bad";
                    b.append(td(cls, c));
                }
                b.append("</tr>\n");
            }
            b.append("</tbody></table>\n");
            List<String> notes = new ArrayList<>();
            for (HostDoc h : report.hosts()) {
                if (h == null) {
                    continue;
                }
                String who = Objects.toString(h.environment(), "") + "/" + Objects.toString(h.host(), "");
                for (CheckDoc c : h.checks()) {
                    if (c != null && c.reason() != null) {
                        notes.add(who + ": " + Objects.toString(c.requirement(), "") + ": " + c.reason());
                    }
                }
                if (h.unreachable() != null) {
                    notes.add(who + " unreachable: " + h.unreachable());
                }
            }
            b.append(Html.list(notes)).append('\n');
        }
        b.append("</section>\n");
    }

    /**
     * The audit matrix of one report: a header row ({@code host}, then every requirement in the order
     * first checked), then one row per host: {@code result found} of its check of each requirement,
     * {@code UNREACHABLE} where it could not be reached, {@code -} where it was not checked.
     */
    private static List<List<String>> matrix(Doc report) {
        // A null host or check (an attachment with a JSON null in a list) is one whose fields are all absent.
        List<HostDoc> hosts = report.hosts().stream().map(h -> h == null ? NO_HOST : h).toList();
        List<String> labels = new ArrayList<>();
        for (HostDoc h : hosts) {
            for (CheckDoc c : checks(h)) {
                if (!labels.contains(text(c.requirement()))) {
                    labels.add(text(c.requirement()));
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("host"));
        head.addAll(labels);
        rows.add(head);
        for (HostDoc h : hosts) {
            List<String> row = new ArrayList<>(List.of(text(h.environment()) + "/" + text(h.host())));
            for (String l : labels) {
                String cell = h.unreachable() != null ? "UNREACHABLE" : "-";
                // The last check of a requirement is the one shown, as the matrix has always done.
                for (CheckDoc c : checks(h)) {
                    if (text(c.requirement()).equals(l)) {
                        cell = text(c.result()) + " " + text(c.found());
                    }
                }
                row.add(cell.strip());
            }
            rows.add(row);
        }
        return rows;
    }

    private static final HostDoc NO_HOST = new HostDoc(null, null, null, null, List.of());
    private static final CheckDoc NO_CHECK = new CheckDoc(null, null, null, null, null, null, null, null, null, null);

    private static List<CheckDoc> checks(HostDoc h) {
        return h.checks().stream().map(c -> c == null ? NO_CHECK : c).toList();
    }

    /** A field of the report as the matrix shows it: absent is empty. */
    private static String text(String s) {
        return Objects.toString(s, "");
    }
}
