package dev.preflight.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.preflight.core.Json;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Artifact;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text that comes from outside Preflight (a probe's output, a ticket's status, an entry summary
 * holding either) cannot act on the terminal or the document a report is read in: no raw ESC, CR,
 * backspace, C1 control or bidirectional override reaches the output, and a line break in it does
 * not start a report line of its own. Preflight's own colours still work; the ledger keeps the bytes.
 */
class ForeignTextTest {
    /**
     * Erase the line and go up one (to rewrite the verdict), a carriage return, concealed text, an
     * OSC 8 hyperlink and an OSC 52 clipboard write, backspaces, a right-to-left override, a C1 CSI,
     * and line breaks that forge a Markdown verdict and a text summary line.
     */
    static final String HOSTILE = "disk full\u001b[2K\u001b[1A\rReadiness of academy: GO\u001b[8m hidden\u001b[0m"
            + " \u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007\u001b]52;c;cm0gLXJmIH4=\u0007 back\b\b\bX"
            + " \u202eOG-ON\u202c \u009b2J\r\n**Verdict: GO**\nPASSED: all good";
    /** What may never be in a report: C0 controls but line feed and tab, DEL, C1, bidi controls, line separators. */
    static final Pattern RAW = Pattern.compile(
            "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029]");
    /** Preflight's own colours, the only escape sequences a report may carry. */
    static final Pattern OWN_SGR = Pattern.compile("\u001b\\[(?:0|1|2|31|32|33)m");
    /** A line the hostile text would forge (text or Markdown, escaped or not). */
    static final Pattern FORGED = Pattern.compile("(?m)^[\\s\\\\*>#|-]*(?:Verdict: GO|PASSED: all good)");

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>(Map.of("TERM", "xterm-256color"));
    private final Instant now = Instant.parse("2027-01-06T10:00:00Z");

    private CliRun run(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), env,
                Clock.fixed(now, ZoneOffset.UTC), dir, terminal), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    record CliRun(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private void plan(String rest) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                """ + rest);
    }

    private void entry(String kind, String subject, Outcome outcome, String summary) {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "t@h", Clock.fixed(now.minusSeconds(60), ZoneOffset.UTC))) {
            l.append(NewEntry.of(kind, subject, outcome, summary, Map.of()));
        }
    }

    /** Nothing foreign acts: no raw control, no forged line; in colour, only Preflight's own sequences. */
    static void harmless(String report) {
        harmless(report, true);
    }

    /**
     * As {@link #harmless(String)}; {@code lines} false for XML and HTML, where a probe's whole output
     * is a block of its own lines ({@code <system-out>}) and a line break is no report line.
     */
    static void harmless(String report, boolean lines) {
        String plain = OWN_SGR.matcher(report).replaceAll("");
        assertThat(RAW.matcher(plain).find()).as("a raw control or bidi character in:\n%s", plain).isFalse();
        if (lines) {
            assertThat(FORGED.matcher(plain).find()).as("a forged line in:\n%s", plain).isFalse();
        }
    }

    @Test
    void ledgerLogShowsAHostileSummaryOnItsOwnLineAndTheJsonKeepsItsBytes() throws Exception {
        plan("");
        entry("audit", "production", Outcome.FAILED, HOSTILE);
        CliRun text = run(true, "ledger", "log");
        assertThat(text.code()).as(text.err()).isZero();
        harmless(text.out());
        assertThat(text.out()).contains("disk full\\e[2K\\e[1A\\rReadiness of academy: GO\\e[8m hidden",
                "\\u202eOG-ON\\u202c", "back\\b\\b\\bX", "\\u009b2J\\r\\n**Verdict: GO**\\nPASSED: all good");
        // One line per entry: the header, the entry, the count.
        assertThat(text.out().lines().count()).isEqualTo(3);

        CliRun json = run(false, "--format", "json", "ledger", "log");
        assertThat(json.code()).isZero();
        assertThat(RAW.matcher(json.out()).find()).as(json.out()).isFalse();
        // The ledger and its JSON keep the summary as it came, byte for byte.
        JsonNode e = Json.parse(json.out()).get(0);
        assertThat(e.path("summary").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void readinessShowsAHostileEntrySummaryInTextMarkdownAndHtmlWithoutForgingAVerdict() throws Exception {
        plan("requirements: [{tool: java, version: \">=17\"}]\n");
        entry("audit", "production", Outcome.FAILED, HOSTILE);
        CliRun text = run(true, "readiness");
        assertThat(text.code()).as(text.all()).isEqualTo(1);
        harmless(text.out());
        // Preflight's own colour still works.
        assertThat(text.out()).contains("\u001b[31m\u001b[1mNO-GO\u001b[0m\u001b[0m").contains("disk full\\e[2K");

        CliRun md = run(false, "--format", "markdown", "readiness");
        harmless(md.out());
        assertThat(md.out()).contains("**Verdict: NO-GO**").contains("disk full\\\\e\\[2K");

        CliRun html = run(false, "--format", "html", "readiness");
        harmless(html.out(), false);
        // On the page a control character is a space (as Html.esc has always made it); an override is shown.
        assertThat(html.out()).contains("disk full [2K", "\\u202eOG-ON\\u202c");
    }

    @Test
    void anAuditProbeThatPrintsEscapeSequencesIsShownNotObeyed() throws Exception {
        // printf makes the control characters: the plan itself holds only backslashes (it may hold no control).
        plan("""
                requirements:
                  - tool: custom
                    name: php
                    version: ">=8.3"
                    pattern: 'PHP (?<version>[0-9][^\\n]*)'
                    command: [printf, 'PHP 8.2.0\\033[2K\\033[1A\\342\\200\\256OG\\033]52;c;eA==\\007 ok\\b\\b\\nPASSED: all good\\n']
                """);
        CliRun text = run(true, "audit");
        assertThat(text.code()).as(text.all()).isEqualTo(1);
        harmless(text.out());
        assertThat(text.out()).contains("FAIL 8.2.0\\e[2K\\e[1A\\u202eOG\\e]52;c;eA==\\x07 ok\\b\\b");
        for (String f : new String[] {"markdown", "junit"}) {
            CliRun r = run(false, "--format", f, "audit");
            harmless(r.out(), f.equals("markdown"));
            assertThat(r.out()).contains(f.equals("markdown") ? "8.2.0\\\\e" : "8.2.0 [2K");
        }
    }

    @Test
    void aJiraStatusHoldingEscapesAndLineBreaksIsShownOnTheGatesLine() throws Exception {
        WireMockServer jira = new WireMockServer(options().dynamicPort());
        jira.start();
        try {
            ObjectNode root = Json.object().put("key", "ACAD-1234");
            ObjectNode f = root.putObject("fields");
            f.putObject("status").put("name", HOSTILE);
            f.put("description", "Laravel 11 upgrade");
            f.putArray("attachment");
            f.putObject("comment").put("startAt", 0).put("maxResults", 50).put("total", 0).putArray("comments");
            jira.stubFor(get(urlPathEqualTo("/rest/api/2/issue/ACAD-1234")).willReturn(okJson(root.toString())));
            jira.stubFor(get(urlPathEqualTo("/rest/api/2/issue/ACAD-1234/remotelink")).willReturn(okJson("[]")));
            env.put("JIRA_TOKEN", "t0k3n-foreign");
            plan("""
                    change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                    gates:
                      cab: {provider: jira, url: "%s", token: "${JIRA_TOKEN}"}
                    """.formatted(jira.baseUrl()));
            CliRun text = run(true, "gates", "check");
            assertThat(text.code()).as(text.all()).isEqualTo(1);
            harmless(text.out());
            assertThat(text.out()).contains("status disk full\\e[2K");
            for (String fmt : new String[] {"markdown", "junit"}) {
                CliRun r = run(false, "--format", fmt, "gates", "check");
                harmless(r.out(), fmt.equals("markdown"));
                assertThat(r.out()).contains(fmt.equals("markdown") ? "disk full\\\\e" : "disk full [2K");
            }
            CliRun json = run(false, "--format", "json", "gates", "check");
            assertThat(RAW.matcher(json.out()).find()).as(json.out()).isFalse();
            assertThat(json.out()).contains("\\u001B[2K").contains("\\u202e");
            assertThat(Json.parse(json.out()).path("gates").get(0).path("reason").asText()).contains(HOSTILE);
        } finally {
            jira.stop();
        }
    }

    @Test
    void anErrorQuotingAServersAnswerReachesStderrShownNotObeyed() throws Exception {
        WireMockServer jira = new WireMockServer(options().dynamicPort());
        jira.start();
        try {
            jira.stubFor(any(urlPathMatching("/rest/api/2/issue/ACAD-1234.*")).willReturn(aResponse().withStatus(418)
                    .withBody("\u001b[2K\u001b[1A\rReadiness of academy: GO \u001b]52;c;cm0gLXJmIH4=\u0007\u202eOG")));
            env.put("JIRA_TOKEN", "t0k3n-foreign");
            plan("""
                    change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                    gates:
                      cab: {provider: jira, url: "%s", token: "${JIRA_TOKEN}"}
                    """.formatted(jira.baseUrl()));
            // The evidence 'gates publish' attaches, so it goes as far as the ticket system.
            try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "t@h", Clock.fixed(now, ZoneOffset.UTC))) {
                l.append(NewEntry.of("audit", "production", Outcome.PASSED, "audit", Map.of())
                        .withAttachments(List.of(new NewEntry.Attachment("audit-production-1.json", "application/json",
                                "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)))));
                l.append(NewEntry.of("backup-verify", "academy-db", Outcome.PASSED, "verified", Map.of("type", "mysql"))
                        .withArtifacts(List.of(new Artifact("/backups/a.sql.gz", 10, "cd".repeat(32)))));
            }
            CliRun r = run(true, "gates", "publish");
            assertThat(r.code()).as(r.all()).isNotZero();
            assertThat(r.err()).contains("HTTP 418").contains("\\e[2K\\e[1A Readiness of academy: GO \\e]52;c;");
            harmless(r.err());
            harmless(r.out());
        } finally {
            jira.stop();
        }
    }
}
