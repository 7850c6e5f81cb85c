package dev.preflight.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.core.Json;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.HostileHttpServer;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A health check against a real server whose answer carries terminal escapes and line breaks in its
 * status line: the cutover's progress, its status and its Markdown show them, never obey them, and
 * the ledger keeps what the check said.
 */
class ForeignAnswerTest {
    /**
     * Erase the line, go up one, a right-to-left override, a clipboard write, then a bare carriage
     * return: the JDK's client refuses the line there and quotes it, up to the return, in its error
     * (decoded as ISO-8859-1: the override's UTF-8 bytes read as a C1 control between two letters).
     */
    static final String STATUS_LINE = "HTTP/1.1 200 \u001b[2K\u001b[1A\u202eOG \u001b]52;c;eA==\u0007\rOK: cutover complete";
    static final Pattern RAW = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]");

    @TempDir
    Path dir;

    @Test
    void aHealthAnswerHoldingEscapesIsShownInTheProgressAndTheStatus() throws Exception {
        CutoverCli cli = new CutoverCli(dir);
        try (ColourServer blue = new ColourServer("blue"); HostileHttpServer green = new HostileHttpServer(STATUS_LINE)) {
            cli.plan("""
                    cutover:
                      environment: staging
                      blue: {name: academy-blue, health_url: "%s", servers: [b1], marker: "colour=blue"}
                      green: {name: academy-green, health_url: "%s", servers: [g1], marker: "colour=green"}
                      load_balancer:
                    %s
                      failback_bound: 5m
                    """.formatted(blue.url("/health"), green.url("/health"), CommandLb.section(dir).indent(4).stripTrailing()));
            CliRun start = cli.run("cutover", "start");
            assertThat(start.code()).as(start.all()).isEqualTo(1);
            assertThat(start.out()).contains("status line, \"HTTP/1.1 200 \\e[2K\\e[1A\u00e2\\u0080\u00aeOG \\e]52;c;eA==\\x07\"");
            harmless(start.all());
            for (String format : new String[] {"text", "markdown"}) {
                CliRun status = cli.run("--format", format, "cutover", "status");
                assertThat(status.out()).as(status.all()).contains("2K").contains("u0080");
                harmless(status.all());
            }
            // The ledger keeps what the check said, its characters as they came.
            List<LedgerEntry> steps = cli.entries(CutoverEvidence.STEP);
            assertThat(steps).anyMatch(e -> e.summary().contains("\u001b[2K"));
            CliRun json = cli.run("--format", "json", "cutover", "status");
            assertThat(RAW.matcher(json.out()).find()).as(json.out()).isFalse();
            assertThat(Json.parse(json.out()).toString()).contains("\\u001B[2K");
        }
    }

    private static void harmless(String text) {
        assertThat(RAW.matcher(text).find()).as("a raw control in:\n%s", text).isFalse();
        assertThat(text).doesNotContainPattern("(?m)^[\\s*-]*OK: cutover complete");
    }
}
