package dev.preflight.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress lines: plain and timestamped when not a terminal, one live line on a terminal, silent when quick. */
class ProgressTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:07Z"), ZoneOffset.UTC);

    @Test
    void notATerminalGetsPlainTimestampedLinesWithBytesRateAndEta() throws Exception {
        StringWriter sw = new StringWriter();
        AtomicLong done = new AtomicLong();
        Progress.Options plain = new Progress.Options(new PrintWriter(sw), false, Duration.ofMillis(100), CLOCK);
        try (Progress p = Progress.bytes(plain, "backup db", done::get, () -> 10L << 30)) {
            for (int i = 0; i < 5; i++) {
                done.addAndGet(3L << 20);
                Thread.sleep(100);
            }
        }
        String out = sw.toString();
        assertThat(out).doesNotContain("\u001b", "\r");
        assertThat(out.lines()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(l -> assertThat(l)
                .matches("10:00:07Z backup db: \\d+\\.\\d MiB of ~10\\.0 GiB, [0-9.]+ MiB/s, \\d+ s, ETA .+"));
    }

    @Test
    void aWaitSaysWhatItWaitsFor() throws Exception {
        StringWriter sw = new StringWriter();
        Progress.Options plain = new Progress.Options(new PrintWriter(sw), false, Duration.ofMillis(50), CLOCK);
        try (Progress p = Progress.waiting(plain, "gates check")) {
            p.detail("retry 2 of 4 of jira.example.com:443 in 2 s (connection refused)");
            Thread.sleep(200);
        }
        assertThat(sw.toString()).contains("10:00:07Z gates check: still running, 0 s; retry 2 of 4 of jira.example.com:443"
                + " in 2 s (connection refused)\n");
    }

    @Test
    void aTerminalGetsOneLiveLineThatIsClearedAtTheEnd() throws Exception {
        StringWriter sw = new StringWriter();
        Progress.Options live = new Progress.Options(new PrintWriter(sw), true, Duration.ofMillis(50), CLOCK);
        try (Progress p = Progress.bytes(live, "restore db", () -> 1L << 20, () -> -1L)) {
            Thread.sleep(2700);
        }
        String out = sw.toString();
        assertThat(out).startsWith("\rrestore db: 1.0 MiB, ").doesNotContain("\n", "ETA").endsWith("\r\u001b[K");
    }

    @Test
    void quickWorkPrintsNothingAndNoOutputMeansNoThread() {
        StringWriter sw = new StringWriter();
        try (Progress p = Progress.bytes(new Progress.Options(new PrintWriter(sw), false, Duration.ofSeconds(5), CLOCK),
                "backup db", () -> 1, () -> 1)) {
            assertThat(p.line()).startsWith("backup db: 1 B of ~1 B, ");
        }
        assertThat(sw.toString()).isEmpty();
        try (Progress p = Progress.waiting(Progress.Options.NONE, "nothing")) {
            assertThat(p.line()).isEqualTo("nothing: still running, 0 s");
        }
    }

    @Test
    void liveOnlyOnATerminalThatIsNotDumbAndTheIntervalIsConfigurable() {
        PrintWriter err = new PrintWriter(new StringWriter());
        assertThat(Progress.Options.of(err, Map.of("TERM", "xterm"), true, CLOCK).live()).isTrue();
        assertThat(Progress.Options.of(err, Map.of("TERM", "dumb"), true, CLOCK).live()).isFalse();
        assertThat(Progress.Options.of(err, Map.of(), true, CLOCK).live()).isFalse();
        assertThat(Progress.Options.of(err, Map.of("TERM", "xterm"), false, CLOCK).live()).isFalse();
        assertThat(Progress.Options.of(err, Map.of("PREFLIGHT_PROGRESS_SECONDS", "30"), false, CLOCK).every())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(Progress.Options.of(err, Map.of("PREFLIGHT_PROGRESS_SECONDS", "soon"), false, CLOCK).every())
                .isEqualTo(Progress.LINE_EVERY);
        assertThat(Progress.elapsed(59)).isEqualTo("59 s");
        assertThat(Progress.elapsed(185)).isEqualTo("3 min 05 s");
        assertThat(Progress.elapsed(3_296_160)).isEqualTo("915 h 36 min");
    }
}
