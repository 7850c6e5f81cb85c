package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Sizes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The page's one escaping helper and its SVG charts, on hostile text. */
class HtmlTest {
    private static final String HOSTILE = "<script>alert('x')</script> & \"q\" \u0007\u001b[31m \uD800 \uD83D\uDE80 \r\n";

    @Test
    void escapingKeepsTextAsTextAndTheDocumentWellFormed() throws Exception {
        String e = Html.esc(HOSTILE);
        assertThat(e).doesNotContain("<", ">", "\"", "'", "\u0007", "\u001b", "\uD800", "\r")
                .contains("&lt;script&gt;", "&amp;", "&quot;q&quot;", "&#39;x&#39;", "\uD83D\uDE80", "\n");
        Document d = ReadinessPageTest.parse("<p title=\"" + e + "\">" + e + "</p>");
        assertThat(d.getDocumentElement().getChildNodes().getLength()).isEqualTo(1);
        assertThat(d.getDocumentElement().getTextContent()).startsWith("<script>alert('x')</script> & \"q\" ");
        assertThat(Html.esc(null)).isEmpty();
    }

    @Test
    void anchorsAreMadeOfLettersDigitsAndDashes() {
        assertThat(Html.id("c-", "backup academy-db (copy in onprem)")).isEqualTo("c-backup-academy-db--copy-in-onprem-");
        assertThat(Html.id("h-", "Ünïcode \"x\"<y>")).matches("h-[a-z0-9-]+");
    }

    @Test
    void chartsEscapeTheirLabelsAndScaleFromZero() throws Exception {
        String svg = SvgChart.bars(HOSTILE, List.of(new SvgChart.Bar("#1", 50, true, HOSTILE),
                new SvgChart.Bar(HOSTILE, 100, false, "t")), Sizes::label);
        Document d = ReadinessPageTest.parse(svg);
        assertThat(d.getElementsByTagName("script").getLength()).isZero();
        assertThat(d.getElementsByTagName("rect").getLength()).isEqualTo(2);
        // Half the value, half the height: the axis starts at zero.
        int h0 = Integer.parseInt(((Element) d.getElementsByTagName("rect").item(0)).getAttribute("height"));
        int h1 = Integer.parseInt(((Element) d.getElementsByTagName("rect").item(1)).getAttribute("height"));
        assertThat(h1).isEqualTo(120);
        assertThat(h0).isEqualTo(60);
        assertThat(((Element) d.getElementsByTagName("rect").item(1)).getAttribute("fill")).isEqualTo("#c62828");

        Instant t = Instant.parse("2026-11-27T22:00:00Z");
        String tl = SvgChart.timeline("steps", List.of(new SvgChart.Span("prepare", t, t.plusSeconds(90), "passed"),
                new SvgChart.Span(HOSTILE, t.plusSeconds(100), null, "started")));
        Document td = ReadinessPageTest.parse(tl);
        assertThat(td.getElementsByTagName("g").getLength()).isEqualTo(2);
        assertThat(td.getElementsByTagName("title").item(1).getTextContent()).isEqualTo("prepare: passed, 1 min 30 s");
        assertThat(td.getElementsByTagName("title").item(2).getTextContent()).endsWith(": started, not completed");
    }

    @Test
    void sizesAndDurationsReadAsPeopleWriteThem() {
        assertThat(Sizes.label(512)).isEqualTo("512 B");
        assertThat(Sizes.label(13_824)).isEqualTo("14 KiB");
        assertThat(Sizes.label(5 * 1024 * 1024 + 300_000)).isEqualTo("5.3 MiB");
        assertThat(Durations.spoken(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(Durations.spoken(Duration.ofMillis(4_200))).isEqualTo("4.2 s");
        assertThat(Durations.spoken(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
        assertThat(Durations.spoken(Duration.ofMinutes(130))).isEqualTo("2 h 10 min");
    }
}
