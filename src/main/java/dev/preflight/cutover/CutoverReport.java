package dev.preflight.cutover;

import static dev.preflight.report.Visible.line;

import dev.preflight.report.Durations;
import dev.preflight.report.Format;
import dev.preflight.report.Markdown;
import dev.preflight.report.Renderer;
import dev.preflight.report.Style;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cutover's renderers: {@link #PLAN} ({@code cutover plan}), {@link #STATUS} ({@code cutover status}),
 * both also as Markdown, and {@link #RUN} (every command that acts). JSON is the result record.
 */
public final class CutoverReport {
    private CutoverReport() {
    }

    /** {@code cutover plan}: text, JSON, Markdown. */
    public static final Renderer<CutoverPlanView> PLAN = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String json(CutoverPlanView v) {
            return Renderer.super.json(v) + "\n";
        }

        @Override
        public String text(CutoverPlanView v, Style style) {
            return plan(v, false);
        }

        @Override
        public String other(CutoverPlanView v, Format format) {
            return plan(v, true);
        }
    };

    /** {@code cutover status}: text, JSON, Markdown. */
    public static final Renderer<CutoverStatus> STATUS = new Renderer<>() {
        @Override
        public Set<Format> formats() {
            return EnumSet.of(Format.TEXT, Format.JSON, Format.MARKDOWN);
        }

        @Override
        public String json(CutoverStatus s) {
            return Renderer.super.json(s) + "\n";
        }

        @Override
        public String text(CutoverStatus s, Style style) {
            return status(s, false, style);
        }

        @Override
        public String other(CutoverStatus s, Format format) {
            return status(s, true, Style.PLAIN);
        }
    };

    /** A command that acts: the text is the progress it printed as it ran, line by line. */
    public static final Renderer<CutoverRun> RUN = new Renderer<>() {
        @Override
        public String text(CutoverRun r, Style style) {
            StringBuilder sb = new StringBuilder();
            // A progress line may quote an answer (an HTTP error, a load balancer's stderr): one line each.
            r.log().forEach(l -> sb.append(line(l)).append('\n'));
            return sb.toString();
        }

        @Override
        public String json(CutoverRun r) {
            return Renderer.super.json(r) + "\n";
        }
    };

    private static String plan(CutoverPlanView v, boolean md) {
        String head = "Cutover plan for " + v.environment() + ": " + v.blue() + " (blue) -> " + v.green()
                + " (green), load balancer " + v.loadBalancer();
        String states = "states: planned -> green-prepared -> expanded -> promoted -> switched -> stable -> contracted;"
                + " failed-back from switched or stable only";
        StringBuilder sb = new StringBuilder();
        sb.append(md ? "# " + Markdown.text(head) + "\n\n" + Markdown.text(states) + "\n\n" : head + "\n" + states + "\n\n");
        int i = 1;
        for (CutoverPlanView.StepView s : v.steps()) {
            String title = i++ + ". " + s.step() + " -> " + s.reaches();
            sb.append(md ? "## " + Markdown.text(title) + "\n\n" : title + "\n");
            for (String a : s.actions()) {
                sb.append(md ? "- " + Markdown.text(a) + "\n" : "   - " + a + "\n");
            }
            sb.append(md ? "\n" : "");
        }
        sb.append(md ? "" : "\n").append("Nothing was run: this is the plan (failback bound ")
                .append(Durations.compact(Duration.parse(v.failbackBound()))).append(").\n");
        return sb.toString();
    }

    private static String status(CutoverStatus s, boolean md, Style st) {
        CutoverHistory h = s.history();
        if (h.cutoverId() == null) {
            return "Cutover of " + s.environment() + ": none started (state none); next: 'preflight cutover start'\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(md ? "# " : "").append("Cutover of ").append(s.environment()).append(": ")
                .append(md ? h.state().label() : st.bold(h.state().label())).append(md ? "\n\n" : "\n");
        Step next = h.nextStep();
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"cutover", h.cutoverId() + " begun " + h.begun() + ", run to " + h.target().label()});
        facts.add(new String[] {"next", next == null ? "nothing (finished)" : next.label()
                + (h.open() != null ? " (attempt " + h.open().number() + " was interrupted: '"
                        + (next == Step.CONTRACT ? "cutover contract --yes" : "cutover resume") + "' runs it again)"
                : next == Step.STABLE ? " ('cutover monitor' over the window, then 'cutover contract --yes')"
                : next == Step.CONTRACT ? " ('cutover contract --yes')" : " ('cutover resume')")});
        facts.add(new String[] {"failback", s.failbackPossible() ? "possible ('cutover failback')"
                : h.state() == CutoverState.CONTRACTED ? "no longer possible (contracted: the point of no return)"
                : h.last(Step.CONTRACT) != null ? "no longer possible (contract has started: the point of no return)"
                : h.state() == CutoverState.FAILED_BACK ? "done" : "not needed (traffic is on blue)"});
        Instant end = s.stableWindowEnds();
        if (end != null) {
            Duration left = Duration.between(s.now(), end);
            facts.add(new String[] {"stable window", "switched " + h.switchedAt() + "; ends " + end
                    + (left.isNegative() || left.isZero() ? " (passed)" : " (" + Durations.compact(left) + " left)")
                    + "; " + h.rounds().size() + " monitor round(s), " + (h.breached() ? "BREACH recorded" : "no breach")});
        }
        for (String[] fct : facts) {
            sb.append(md ? "- **" + fct[0] + "**: " + Markdown.text(fct[1]) + "\n"
                    : String.format("  %-14s %s%n", fct[0], line(fct[1])));
        }
        sb.append(md ? "\n| step | attempt | outcome | started | elapsed | summary |\n|---|---|---|---|---|---|\n" : "\n");
        for (CutoverHistory.Attempt a : h.attempts()) {
            String el = a.outcome().equals("started") ? "-" : Durations.millis(Duration.ofMillis(a.elapsedMs()));
            if (md) {
                sb.append("| ").append(a.step().label()).append(" | ").append(a.number()).append(" | ").append(a.outcome())
                        .append(" | ").append(a.started()).append(" | ").append(el).append(" | ")
                        .append(Markdown.cell(a.summary())).append(" |\n");
            } else {
                String o = String.format("%-11s", a.outcome());
                o = a.good() ? st.ok(o) : a.outcome().equals("started") ? st.warn(o) : st.bad(o);
                sb.append(String.format("  %-9s #%-2d ", a.step().label(), a.number())).append(o)
                        .append(String.format(" %-24s %9s  %s%n", a.started(), el, line(a.summary())));
            }
        }
        return sb.toString();
    }

    /** A rate as a percentage with two decimals: {@code 0.50%}. */
    static String pct(double d) {
        return String.format(Locale.ROOT, "%.2f%%", d * 100);
    }
}
