package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.preflight.ledger.Ledger;
import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notice or an on-call acknowledgement vouches for the window it was about, of the change it was
 * about, to the people it reached: another project's notice on a shared ledger, a notice of a
 * shorter window, or one sent before a stakeholder was added to the plan does not pass this plan's
 * gate.
 */
class GatesWindowScopeTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private Plan plan(String project, String ticket, String end, String to, boolean oncall) throws Exception {
        Path t = dir.resolve("templates");
        Files.createDirectories(t);
        Files.writeString(t.resolve("01.md"), "# {{project}} maintenance {{window.start}} - {{window.end}}\n");
        Files.writeString(dir.resolve("oncall.md"), """
                | Role | Name | Email | From | Until |
                |------|------|-------|------|-------|
                | primary | Alice Moreau | alice@example.com | 2027-01-08T00:00:00Z | |
                | secondary | Carol Jensen | carol@example.com | 2027-01-08T00:00:00Z | |
                """);
        String yaml = """
                version: 1
                project: {name: %s, runbook: "https://wiki.example.com/%s"}
                environments:
                  - name: production
                    hosts: [{name: me, uri: local}]
                change_window: {start: 2027-01-09T01:00:00Z, end: %s, environment: production, ticket: %s}
                gates:
                  notice:
                    templates: templates
                    lead_time: 48h
                    smtp: {host: 127.0.0.1, port: %d, from: preflight@example.com, to: [%s], security: none}
                %s""".formatted(project, project, end, ticket, SMTP.getSmtp().getPort(), to,
                oncall ? "  oncall: {provider: file, path: oncall.md}\n" : "");
        return PlanLoader.parse("preflight.yaml", yaml, dir, Map.of());
    }

    private static GatesContext ctx(Plan plan, Ledger l, Clock c) {
        return new GatesContext(plan, l, c, GatesDrivers.real(c, new GateFixtures.RecordingSleeper(), Http.Retries.DEFAULT));
    }

    private static GateResult gate(Plan plan, Ledger l, Clock c, String name) {
        return new GatesCheck(ctx(plan, l, c)).run().results().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private static Clock hoursBefore(long h) {
        return GateFixtures.at(GateFixtures.START.minus(Duration.ofHours(h)));
    }

    @Test
    void anotherProjectsNoticeOfTheSameNightDoesNotPass() throws Exception {
        Plan other = plan("shop", "SHOP-77", "2027-01-09T05:00:00Z", "eng@example.com", false);
        Plan mine = plan("academy", "ACAD-1234", "2027-01-09T05:00:00Z", "eng@example.com", false);
        try (Ledger l = GateFixtures.ledger(dir, hoursBefore(72))) {
            new GatesNotify(ctx(other, l, hoursBefore(72))).run();
            GateResult r = gate(mine, l, hoursBefore(10), "notice");
            assertThat(r.passed()).as(r.toString()).isFalse();
            assertThat(r.reason()).startsWith("no notice sent for this window");
        }
    }

    @Test
    void aNoticeOfAShorterWindowDoesNotPassTheLongerOne() throws Exception {
        Plan told = plan("academy", "ACAD-1234", "2027-01-09T03:00:00Z", "eng@example.com", false);
        Plan now = plan("academy", "ACAD-1234", "2027-01-09T09:00:00Z", "eng@example.com", false);
        try (Ledger l = GateFixtures.ledger(dir, hoursBefore(72))) {
            new GatesNotify(ctx(told, l, hoursBefore(72))).run();
            assertThat(gate(told, l, hoursBefore(10), "notice").passed()).isTrue();
            GateResult r = gate(now, l, hoursBefore(10), "notice");
            assertThat(r.passed()).as(r.toString()).isFalse();
        }
    }

    @Test
    void aNoticeSentBeforeAStakeholderWasAddedDoesNotReachThem() throws Exception {
        Plan told = plan("academy", "ACAD-1234", "2027-01-09T05:00:00Z", "eng@example.com", false);
        Plan now = plan("academy", "ACAD-1234", "2027-01-09T05:00:00Z", "eng@example.com, support@example.com", false);
        try (Ledger l = GateFixtures.ledger(dir, hoursBefore(72))) {
            new GatesNotify(ctx(told, l, hoursBefore(72))).run();
            GateResult r = gate(now, l, hoursBefore(10), "notice");
            assertThat(r.passed()).as(r.toString()).isFalse();
            assertThat(r.reason()).contains("did not reach support@example.com");
        }
    }

    @Test
    void anotherProjectsAcknowledgementOfTheSameWindowDoesNotPass() throws Exception {
        Plan other = plan("shop", "SHOP-77", "2027-01-09T05:00:00Z", "eng@example.com", true);
        Plan mine = plan("academy", "ACAD-1234", "2027-01-09T05:00:00Z", "eng@example.com", true);
        Clock c = hoursBefore(1);
        try (Ledger l = GateFixtures.ledger(dir, c)) {
            new GatesAck(ctx(other, l, c)).run("primary", "Alice Moreau");
            new GatesAck(ctx(other, l, c)).run("secondary", "Carol Jensen");
            assertThat(gate(other, l, c, "oncall").passed()).isTrue();
            GateResult r = gate(mine, l, c, "oncall");
            assertThat(r.passed()).as(r.toString()).isFalse();
            assertThat(r.reason()).contains("has not acknowledged the window");
        }
    }
}
