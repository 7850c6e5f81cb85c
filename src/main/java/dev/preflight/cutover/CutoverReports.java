package dev.preflight.cutover;

import dev.preflight.core.Json;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Style;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders {@code cutover plan} (every step and action) and {@code cutover status} as text, JSON or Markdown. */
public final class CutoverReports {
    private CutoverReports() {
    }

    /** The steps in order with what each would do. */
    public static String plan(CutoverPlan cp, CutoverService svc, Format f) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Step s : Step.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", s.label());
            m.put("reaches", s.reaches().label());
            m.put("actions", svc.actions(s));
            steps.add(m);
        }
        String head = "Cutover plan for " + cp.environment() + ": " + cp.blue().name() + " (blue) -> " + cp.green().name()
                + " (green), load balancer " + cp.loadBalancer().type();
        String states = "states: planned -> green-prepared -> expanded -> promoted -> switched -> stable -> contracted;"
                + " failed-back from switched or stable only";
        if (f == Format.JSON) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("environment", cp.environment());
            m.put("blue", cp.blue().name());
            m.put("green", cp.green().name());
            m.put("load_balancer", cp.loadBalancer().type());
            m.put("failback_bound", cp.failbackBound().toString());
            m.put("steps", steps);
            return Json.pretty(m) + "\n";
        }
        StringBuilder sb = new StringBuilder();
        boolean md = f == Format.MARKDOWN;
        sb.append(md ? "# " + Markdown.text(head) + "\n\n" + Markdown.text(states) + "\n\n" : head + "\n" + states + "\n\n");
        int i = 1;
        for (Map<String, Object> s : steps) {
            String title = i++ + ". " + s.get("step") + " -> " + s.get("reaches");
            sb.append(md ? "## " + Markdown.text(title) + "\n\n" : title + "\n");
            @SuppressWarnings("unchecked")
            List<String> actions = (List<String>) s.get("actions");
            for (String a : actions) {
                sb.append(md ? "- " + Markdown.text(a) + "\n" : "   - " + a + "\n");
            }
            sb.append(md ? "\n" : "");
        }
        sb.append(md ? "" : "\n").append("Nothing was run: this is the plan (failback bound ")
                .append(CutoverService.human(cp.failbackBound())).append(").\n");
        return sb.toString();
    }

    /** The derived state, what ran, what is next, and whether failback is still possible. */
    public static String status(CutoverPlan cp, CutoverHistory h, Clock clock, Format f, Style st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment", cp.environment());
        m.put("cutover", h.cutoverId());
        m.put("state", h.state().label());
        m.put("begun", h.begun());
        m.put("target", h.target() == null ? null : h.target().label());
        Step next = h.nextStep();
        m.put("next", next == null ? null : next.label());
        m.put("interrupted", h.open() == null ? null : h.open().step().label() + " attempt " + h.open().number());
        m.put("failback_possible", h.failbackPossible());
        Instant end = h.switchedAt() == null ? null : h.switchedAt().plus(cp.stable().window());
        m.put("switched_at", h.switchedAt());
        m.put("stable_window_ends", end);
        m.put("breach", h.breached());
        m.put("monitor_rounds", h.rounds().size());
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (CutoverHistory.Attempt a : h.attempts()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("step", a.step().label());
            x.put("attempt", a.number());
            x.put("outcome", a.outcome());
            x.put("started", a.started());
            x.put("elapsed_ms", a.elapsedMs());
            x.put("summary", a.summary());
            attempts.add(x);
        }
        m.put("attempts", attempts);
        if (f == Format.JSON) {
            return Json.pretty(m) + "\n";
        }
        boolean md = f == Format.MARKDOWN;
        StringBuilder sb = new StringBuilder();
        if (h.cutoverId() == null) {
            return "Cutover of " + cp.environment() + ": none started (state none); next: 'preflight cutover start'\n";
        }
        sb.append(md ? "# " : "").append("Cutover of ").append(cp.environment()).append(": ")
                .append(md ? h.state().label() : st.bold(h.state().label())).append(md ? "\n\n" : "\n");
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"cutover", h.cutoverId() + " begun " + h.begun() + ", run to " + h.target().label()});
        facts.add(new String[] {"next", next == null ? "nothing (finished)" : next.label()
                + (h.open() != null ? " (attempt " + h.open().number() + " was interrupted: '"
                        + (next == Step.CONTRACT ? "cutover contract --yes" : "cutover resume") + "' runs it again)"
                : next == Step.STABLE ? " ('cutover monitor' over the window, then 'cutover contract --yes')"
                : next == Step.CONTRACT ? " ('cutover contract --yes')" : " ('cutover resume')")});
        facts.add(new String[] {"failback", Boolean.TRUE.equals(m.get("failback_possible")) ? "possible ('cutover failback')"
                : h.state() == CutoverState.CONTRACTED ? "no longer possible (contracted: the point of no return)"
                : h.last(Step.CONTRACT) != null ? "no longer possible (contract has started: the point of no return)"
                : h.state() == CutoverState.FAILED_BACK ? "done" : "not needed (traffic is on blue)"});
        if (end != null) {
            Duration left = Duration.between(clock.instant(), end);
            facts.add(new String[] {"stable window", "switched " + h.switchedAt() + "; ends " + end
                    + (left.isNegative() || left.isZero() ? " (passed)" : " (" + CutoverService.human(left) + " left)")
                    + "; " + h.rounds().size() + " monitor round(s), " + (h.breached() ? "BREACH recorded" : "no breach")});
        }
        for (String[] fct : facts) {
            sb.append(md ? "- **" + fct[0] + "**: " + Markdown.text(fct[1]) + "\n" : String.format("  %-14s %s%n", fct[0], fct[1]));
        }
        sb.append(md ? "\n| step | attempt | outcome | started | elapsed | summary |\n|---|---|---|---|---|---|\n" : "\n");
        for (CutoverHistory.Attempt a : h.attempts()) {
            String el = a.outcome().equals("started") ? "-" : a.elapsedMs() + " ms";
            if (md) {
                sb.append("| ").append(a.step().label()).append(" | ").append(a.number()).append(" | ").append(a.outcome())
                        .append(" | ").append(a.started()).append(" | ").append(el).append(" | ")
                        .append(Markdown.cell(a.summary())).append(" |\n");
            } else {
                String o = String.format("%-11s", a.outcome());
                o = a.good() ? st.ok(o) : a.outcome().equals("started") ? st.warn(o) : st.bad(o);
                sb.append(String.format("  %-9s #%-2d ", a.step().label(), a.number())).append(o)
                        .append(String.format(" %-24s %9s  %s%n", a.started(), el, a.summary()));
            }
        }
        return sb.toString();
    }
}
