package dev.preflight.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.exec.HttpCheck;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.testing.HostileHttpServer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A restore test's {@code http_checks} against a real server answering a status line that holds
 * terminal escapes: the check's detail quotes the client's error, and the restore report shows it,
 * in colour or not, without obeying it; its JSON escapes it and keeps it.
 */
class ForeignHttpAnswerTest {
    static final String STATUS_LINE = "HTTP/1.1 200 \u001b[2K\u001b[1A\u001b[8mhidden \u001b]52;c;eA==\u0007\rPASSED";
    static final Pattern RAW = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]");
    static final Pattern OWN_SGR = Pattern.compile("\u001b\\[(?:0|1|2|31|32|33)m");

    @Test
    void aStatusLineHoldingEscapesIsShownInTheRestoreReport() throws Exception {
        Check check;
        try (HostileHttpServer app = new HostileHttpServer(STATUS_LINE)) {
            check = new HttpChecker().run(new HttpCheck("home page", app.url("/"), 200, Duration.ofSeconds(2), null));
        }
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("\u001b[2K");
        RestoreRun run = new RestoreRun(List.of(new RestoreResult("academy-db", "mysql", "0123456789abcdef", 7,
                "academy.sql.gz", "/backups/academy.sql.gz", "pf_restore_x", Duration.ofSeconds(3), 100, 1000,
                List.of(check), null, false, null, List.of(), "e-1")));
        for (boolean colour : new boolean[] {true, false}) {
            String text = RestoreReport.TEST.render(run, Format.TEXT, new Style(colour));
            String plain = OWN_SGR.matcher(text).replaceAll("");
            assertThat(RAW.matcher(plain).find()).as(text).isFalse();
            assertThat(text).contains("home page: GET ", "\\e[2K\\e[1A\\e[8mhidden \\e]52;c;eA==\\x07")
                    .doesNotContainPattern("(?m)^\\s*PASSED");
        }
        String json = RestoreReport.TEST.render(run, Format.JSON, Style.PLAIN);
        assertThat(RAW.matcher(json).find()).as(json).isFalse();
        assertThat(Json.parse(json).toString()).contains("\\u001B[8mhidden");
    }
}
