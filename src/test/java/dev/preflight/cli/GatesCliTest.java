package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code preflight gates check|publish|ack|notify} and the gates section of {@code run}: text and exit codes. */
class GatesCliTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private Instant now = Instant.parse("2027-01-06T10:00:00Z");

    record Result(int code, String out, String err) {
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), env, Clock.fixed(now, ZoneOffset.UTC),
                dir, false), args);
        return new Result(code, out.toString(), err.toString());
    }

    private void plan(String gates) throws Exception {
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/runbook"}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                %s
                readiness: {max_age: {audit: 7d, backups: 7d}}
                """.formatted(gates.indent(2)));
    }

    @BeforeEach
    void record() throws Exception {
        Files.createDirectories(dir.resolve("docs/upgrade/runbooks"));
        Files.writeString(dir.resolve("docs/upgrade/change-management.md"), """
                # ACAD-1234
                - [x] Evidence attached
                Approved-by: Dana Reyes
                """);
        Files.writeString(dir.resolve("docs/upgrade/runbooks/notice.md"), "# Maintenance {{window.start}}\n{{environment}}\n");
    }

    private void evidence() {
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "t@h", Clock.fixed(now, ZoneOffset.UTC))) {
            l.append(NewEntry.of("audit", "production", Outcome.PASSED, "audit", Map.of())
                    .withAttachments(List.of(new NewEntry.Attachment("audit-production-1.json", "application/json",
                            "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)))));
            l.append(NewEntry.of("backup-verify", "academy-db", Outcome.PASSED, "verified", Map.of("type", "mysql"))
                    .withArtifacts(List.of(new Artifact("/backups/a.sql.gz", 10, "cd".repeat(32)))));
        }
    }

    private static final String FILE_CAB = "cab: {provider: file, path: docs/upgrade/change-management.md}\n";

    @Test
    void publishThenCheckPassesWithExitZeroAndIsRecorded() throws Exception {
        plan(FILE_CAB + "custom:\n  - {name: fresh-backup, expr: 'backups.latest(\"mysql\").age < duration(\"24h\")'}\n");
        evidence();
        Result fail = run("gates", "check");
        assertThat(fail.code()).as(fail.err()).isEqualTo(1);
        assertThat(fail.out()).contains("FAILED  cab", "missing attachment preflight-audit-production.json",
                "PASSED  fresh-backup  expression holds", "FAILED: 1/2 gate(s) passed");
        Result junit = run("--format", "junit", "gates", "check");
        assertThat(junit.out()).contains("<testsuite name=\"gates\" tests=\"2\" failures=\"1\"",
                "<testcase classname=\"gates\" name=\"cab\">", "<failure message=\"missing attachment",
                "<testcase classname=\"gates\" name=\"fresh-backup\"/>");
        Result pub = run("gates", "publish");
        assertThat(pub.code()).as(pub.err()).isZero();
        assertThat(pub.out()).contains("attached  preflight-audit-production.json  sha256 ", "3 item(s) attached to change record");
        Result ok = run("gates", "check");
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).startsWith("Change window 2027-01-09T01:00:00Z - 2027-01-09T05:00:00Z (production, ACAD-1234)")
                .contains("PASSED  cab", "PASSED: 2/2 gate(s) passed");
        Result md = run("--format", "markdown", "gates", "check");
        assertThat(md.out()).startsWith("## Change-control gates: passed").contains("| cab | passed |");
        Result json = run("--format", "json", "gates", "check");
        assertThat(json.code()).isZero();
        assertThat(Json.parse(json.out()).path("gates").get(0).path("name").asText()).isEqualTo("cab");
        Result log = run("ledger", "log", "--kind", "gates");
        assertThat(log.out()).contains("gates", "2/2 gate(s) passed", "1/2 gate(s) passed");
    }

    @Test
    void publishWithoutBackupEvidenceExitsOneAndSaysWhatIsMissing() throws Exception {
        plan(FILE_CAB);
        Result r = run("gates", "publish");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("MISSING   audit report: the ledger has no audit of production",
                "MISSING   backup log entry: the ledger has no passed backup or backup-verify entry (no backup evidence)");
    }

    @Test
    void configurationErrorsExitTwo() throws Exception {
        plan(FILE_CAB + "custom:\n  - {name: bad, expr: 'now >'}\n");
        Result cel = run("gates", "check");
        assertThat(cel.code()).isEqualTo(2);
        assertThat(cel.err()).contains("preflight.yaml:10:31: gates.custom[0].expr: malformed CEL expression at expression "
                + "line 1, column 6");
        plan("cab: {provider: jira, url: https://jira.example.com, token: \"${JIRA_TOKEN:-}\"}\n");
        Result token = run("gates", "check");
        assertThat(token.code()).isEqualTo(2);
        assertThat(token.err()).contains("preflight: gates.cab.token is empty: JIRA_TOKEN is not set or empty in this "
                + "environment (the plan writes ${JIRA_TOKEN:-})", "hint: export JIRA_TOKEN=... in the shell or CI job");
        Result role = run("gates", "ack", "--role", "tertiary", "--user", "x");
        assertThat(role.code()).isEqualTo(2);
        assertThat(role.err()).contains("--role must be primary or secondary");
        // An acknowledgement needs no ticket-system token: the on-call person may not have one.
        Result ack = run("gates", "ack", "--role", "secondary", "--user", "Carol Jensen");
        assertThat(ack.code()).as(ack.err()).isZero();
        assertThat(Files.exists(dir.resolve(".preflight/ledger.db"))).isTrue();
        Files.writeString(dir.resolve("preflight.yaml"), "version: 1\nproject: {name: x}\ngates: {cab: {provider: file, path: x.md}}\n");
        Result noWindow = run("gates", "check");
        assertThat(noWindow.code()).isEqualTo(2);
        assertThat(noWindow.err()).contains("preflight.yaml:3:8: gates: gates need a change_window");
    }

    @Test
    void ackAndNotifyRecordInTheLedger() throws Exception {
        plan("""
                notice:
                  templates: docs/upgrade/runbooks
                  smtp: {host: 127.0.0.1, port: %d, from: ops@example.com, to: [all@example.com], security: none}
                """.formatted(SMTP.getSmtp().getPort()));
        // Both on one clock: one that went back between them would be behind the ledger (a failed clock gate).
        now = Instant.parse("2027-01-06T00:00:00Z");
        Result ack = run("gates", "ack", "--role", "primary", "--user", "Alice Moreau");
        assertThat(ack.code()).isZero();
        assertThat(ack.out()).contains("primary Alice Moreau acknowledged the window 2027-01-09T01:00:00Z - 2027-01-09T05:00:00Z");
        Result n = run("gates", "notify");
        assertThat(n.code()).as(n.err()).isZero();
        assertThat(n.out()).contains("sent  notice.md  \"Maintenance 2027-01-09T01:00:00Z\"",
                "1 notice(s) sent to 1 recipient(s) at 2027-01-06T00:00:00Z");
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
        Result check = run("gates", "check");
        assertThat(check.code()).isZero();
        assertThat(check.out()).contains("PASSED  notice  notice sent 73h before the window (lead time 48h)");
    }

    @Test
    void runReportsTheGatesSectionInsteadOfNotAvailable() throws Exception {
        plan(FILE_CAB);
        Result r = run("run");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out() + r.err()).contains("gates").doesNotContain("Change-control gates (§4.3) is not implemented");
        assertThat(r.out() + r.err()).contains("1 of 1 gate(s) failed");
    }
}
