package dev.preflight.report;

import static dev.preflight.report.Html.esc;

import dev.preflight.core.Sizes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Small inline SVG charts for the readiness page: bars of one value over the last runs, and a
 * timeline of steps. Plain SVG elements with a {@code <title>} each (hover text, read by screen
 * readers), no scripts, no fonts or images from elsewhere, so the page stays one offline file.
 */
public final class SvgChart {
    private static final int WIDTH = 500;
    private static final int BAR_HEIGHT = 120;
    private static final String GOOD = "#2e7d32";
    private static final String BAD = "#c62828";

    private SvgChart() {
    }

    /** One bar: its label under the axis, its value, whether the run passed, and its hover text. */
    public record Bar(String label, long value, boolean good, String title) {
    }

    /** One step on a timeline: its label, when it started and ended, and its outcome word. */
    public record Span(String label, Instant start, Instant end, String outcome) {
    }

    /**
     * Bars of the last runs, oldest left; each value is printed above its bar with {@code format}.
     * A failed run's bar is red; the y axis starts at zero so sizes compare honestly.
     */
    public static String bars(String caption, List<Bar> bars, LongFunction<String> format) {
        int n = Math.max(1, bars.size());
        long max = Math.max(1, bars.stream().mapToLong(Bar::value).max().orElse(1));
        int left = 8;
        int slot = (WIDTH - left * 2) / n;
        int bw = Math.max(6, Math.min(40, slot - 8));
        int top = 18;
        int height = top + BAR_HEIGHT + 34;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" aria-label=\"").append(esc(caption)).append("\"><title>").append(esc(caption)).append("</title>\n");
        int axis = top + BAR_HEIGHT;
        b.append("<line x1=\"").append(left).append("\" y1=\"").append(axis).append("\" x2=\"").append(WIDTH - left)
                .append("\" y2=\"").append(axis).append("\" stroke=\"#888\" stroke-width=\"1\"/>\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int h = (int) Math.max(1, Math.round((double) bar.value() / max * BAR_HEIGHT));
            int x = left + i * slot + (slot - bw) / 2;
            int cx = x + bw / 2;
            b.append("<g class=\"bar ").append(bar.good() ? "good" : "bad").append("\"><title>").append(esc(bar.title()))
                    .append("</title><rect x=\"").append(x).append("\" y=\"").append(axis - h).append("\" width=\"").append(bw)
                    .append("\" height=\"").append(h).append("\" fill=\"").append(bar.good() ? GOOD : BAD).append("\"/>")
                    .append("<text x=\"").append(cx).append("\" y=\"").append(axis - h - 4)
                    .append("\" text-anchor=\"middle\" font-size=\"10\">").append(esc(format.apply(bar.value())))
                    .append("</text><text x=\"").append(cx).append("\" y=\"").append(axis + 14)
                    .append("\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">").append(esc(bar.label()))
                    .append("</text></g>\n");
        }
        return b.append("</svg>").toString();
    }

    /**
     * Steps as bars on one time axis from the first start to the last end, one row each, with the
     * step's duration printed beside its bar. A step still open (no end) is drawn to the last end.
     */
    public static String timeline(String caption, List<Span> spans) {
        if (spans.isEmpty()) {
            return "";
        }
        Instant t0 = spans.stream().map(Span::start).min(Instant::compareTo).orElseThrow();
        Instant t1 = spans.stream().map(s -> s.end() == null ? s.start() : s.end()).max(Instant::compareTo).orElseThrow();
        double total = Math.max(1, Duration.between(t0, t1).toMillis());
        int labelW = 150;
        int plot = WIDTH - labelW - 90;
        int row = 20;
        int height = spans.size() * row + 24;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart timeline\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" aria-label=\"").append(esc(caption)).append("\"><title>").append(esc(caption)).append("</title>\n");
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            Instant end = s.end() == null ? t1 : s.end();
            int y = i * row + 4;
            int x = labelW + (int) Math.round(Duration.between(t0, s.start()).toMillis() / total * plot);
            int w = Math.max(2, (int) Math.round(Duration.between(s.start(), end).toMillis() / total * plot));
            boolean good = s.outcome().equals("passed") || s.outcome().equals("warning");
            String colour = good ? GOOD : s.outcome().equals("started") ? "#9e9e9e" : BAD;
            String took = s.end() == null ? "not completed" : Durations.spoken(Duration.between(s.start(), s.end()));
            b.append("<g class=\"step\"><title>").append(esc(s.label() + ": " + s.outcome() + ", " + took)).append("</title>")
                    .append("<text x=\"").append(labelW - 6).append("\" y=\"").append(y + 12)
                    .append("\" text-anchor=\"end\" font-size=\"11\">").append(esc(s.label())).append("</text>")
                    .append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(w)
                    .append("\" height=\"14\" fill=\"").append(colour).append("\"/>")
                    .append("<text x=\"").append(Math.min(x + w + 4, WIDTH - 86)).append("\" y=\"").append(y + 12)
                    .append("\" font-size=\"10\" fill=\"#555\">").append(esc(took)).append("</text></g>\n");
        }
        int axis = spans.size() * row + 8;
        b.append("<line x1=\"").append(labelW).append("\" y1=\"").append(axis).append("\" x2=\"").append(labelW + plot)
                .append("\" y2=\"").append(axis).append("\" stroke=\"#888\"/>")
                .append("<text x=\"").append(labelW).append("\" y=\"").append(axis + 13).append("\" font-size=\"10\" fill=\"#555\">")
                .append(esc(t0.toString())).append("</text><text x=\"").append(labelW + plot).append("\" y=\"").append(axis + 13)
                .append("\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">+").append(esc(Durations.spoken(Duration.between(t0, t1))))
                .append("</text>\n");
        return b.append("</svg>").toString();
    }
}
