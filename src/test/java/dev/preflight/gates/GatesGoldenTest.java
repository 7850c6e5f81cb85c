package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.preflight.core.Secrets;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.report.Format;
import dev.preflight.report.Style;
import dev.preflight.testing.CliHarness;
import dev.preflight.testing.CliRun;
import dev.preflight.testing.Golden;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the gates renderers byte for byte before their code moves: a failing check in every format
 * (markup and quotes in reasons, a window without a ticket, colour), and the text of {@code gates ack}
 * and {@code gates notify} (and their JSON, the result records), and the JSON of {@code gates publish} with evidence missing. {@code EvidenceGoldenTest} pins a passing
 * check and {@code gates publish}.
 */
class GatesGoldenTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private static final ChangeWindow WINDOW = new ChangeWindow(Instant.parse("2027-01-09T01:00:00Z"),
            Instant.parse("2027-01-09T05:00:00Z"), "production", null);

    private static final List<GateResult> RESULTS = List.of(
            GateResult.fail("cab", "ACAD-1234 is not approved (In <Review> & \"waiting\") (and 1 more)",
                    List.of("ACAD-1234 is not approved (In <Review> & \"waiting\")", "  checklist item 'backout plan' unchecked",
                            "jira ACAD-1234: In <Review>")),
            GateResult.pass("oncall", "primary and secondary are on call for the whole window and acknowledged it",
                    List.of("primary Alice <alice@example.com> on call (permanent) - (permanent), acknowledged (ledger #3, "
                            + "2027-01-06T10:00:00Z)")),
            GateResult.fail("notice", "no notice sent for this window; it must go out by 2027-01-07T01:00:00Z (48h before "
                    + "the start)", List.of("run 'preflight gates notify' within 15h")),
            GateResult.fail("fresh-backup", "expression is false: backups.latest(\"db\").passed is false",
                    List.of("backups.latest(\"db\").passed; backups.latest(\"db\"): no such evidence in the ledger",
                            "expression: backups.latest(\"db\").passed")));

    private static final GatesChecked CHECKED = new GatesChecked(WINDOW, RESULTS, 0);

    @Test
    void aFailingCheckInEveryFormat() {
        Golden g = Golden.exact();
        g.check("gates/render-failed.txt", GatesReport.CHECK.render(CHECKED, Format.TEXT, Style.PLAIN));
        g.check("gates/render-failed.color.txt", GatesReport.CHECK.render(CHECKED, Format.TEXT, new Style(true)));
        g.check("gates/render-failed.json", GatesReport.CHECK.render(CHECKED, Format.JSON, Style.PLAIN));
        g.check("gates/render-failed.xml", GatesReport.CHECK.render(CHECKED, Format.JUNIT, Style.PLAIN));
        g.check("gates/render-failed.md", GatesReport.CHECK.render(CHECKED, Format.MARKDOWN, Style.PLAIN));
    }

    @Test
    void publishJson() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/change.md"), "# ACAD-1234\n- [x] Evidence attached\nApproved-by: Dana Reyes\n");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/runbook"}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                  cab: {provider: file, path: docs/change.md}
                """);
        CliHarness cli = new CliHarness(dir, Instant.parse("2027-01-06T10:00:00Z"));
        try (Ledger l = Ledgers.open(null, dir, Secrets.none(), "golden@test", cli.clock)) {
            l.append(NewEntry.of("audit", "production", Outcome.PASSED, "audit", Map.of())
                    .withAttachments(List.of(new NewEntry.Attachment("audit-production-1.json", "application/json",
                            "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)))));
        }
        Golden g = Golden.exact().replacing(dir.toString(), "<dir>")
                .numbering("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", "sha256");
        CliRun pub = cli.run("gates", "publish", "--format", "json");
        assertThat(pub.code()).as(pub.all()).isEqualTo(1);
        g.check("gates/publish-missing.json", pub.out());
    }

    @Test
    void ackAndNotify() throws Exception {
        Files.createDirectories(dir.resolve("notices"));
        Files.writeString(dir.resolve("notices/notice.md"), "# Maintenance {{window.start}}\n{{environment}}, {{ticket}}\n");
        Files.writeString(dir.resolve("preflight.yaml"), """
                version: 1
                project: {name: academy, runbook: "https://wiki.example.com/runbook"}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                change_window: {start: 2027-01-09T01:00:00Z, end: 2027-01-09T05:00:00Z, environment: production, ticket: ACAD-1234}
                gates:
                  notice:
                    templates: notices
                    smtp: {host: 127.0.0.1, port: %d, from: ops@example.com, to: [all@example.com], security: none}
                """.formatted(SMTP.getSmtp().getPort()));
        CliHarness cli = new CliHarness(dir, Instant.parse("2027-01-06T10:00:00Z"));
        Golden g = Golden.exact().replacing(dir.toString(), "<dir>").replacing(Ledgers.defaultActor(), "<actor>")
                .numbering("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", "sha256");
        CliRun ack = cli.run("gates", "ack", "--role", "primary", "--user", " alice@example.com ");
        assertThat(ack.code()).as(ack.all()).isZero();
        g.check("gates/ack.txt", ack.out());
        CliRun notify = cli.run("gates", "notify");
        assertThat(notify.code()).as(notify.all()).isZero();
        g.check("gates/notify.txt", notify.out());
        CliRun ackJson = cli.run("gates", "ack", "--role", "secondary", "--user", "bob", "--format", "json");
        assertThat(ackJson.code()).as(ackJson.all()).isZero();
        g.check("gates/ack.json", ackJson.out());
        CliRun notifyJson = cli.run("gates", "notify", "--format", "json");
        assertThat(notifyJson.code()).as(notifyJson.all()).isZero();
        g.check("gates/notify.json", notifyJson.out());
    }
}
