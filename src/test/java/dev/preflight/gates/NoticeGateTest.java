package dev.preflight.gates;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.preflight.gates.GateFixtures.START;
import static dev.preflight.gates.GateFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The notice gate: templates rendered and sent through an in-process SMTP server (GreenMail), the lead time with fixed clocks. */
class NoticeGateTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private Plan plan(String extra) throws Exception {
        Path t = dir.resolve("docs/upgrade/runbooks");
        Files.createDirectories(t);
        Files.writeString(t.resolve("01-engineering.md"), """
                # Academy maintenance {{window.start}}

                The {{environment}} upgrade (ticket {{ticket}}) runs from {{window.start}} to {{window.end}}.
                Runbook: {{ runbook }}
                """);
        Files.writeString(t.resolve("02-support.md"), "Heads-up: {{project}} is read-only during {{window.start}} - {{window.end}}.\n");
        Files.writeString(t.resolve("notes.txt"), "not a template {{nope}}");
        return GateFixtures.plan(dir, """
                notice:
                  templates: docs/upgrade/runbooks
                  lead_time: 48h
                  smtp: {host: 127.0.0.1, port: %d, from: preflight@example.com, to: [eng@example.com, support@example.com], security: none}
                %s""".formatted(SMTP.getSmtp().getPort(), extra), Map.of());
    }

    private static Clock hoursBefore(long h) {
        return at(START.minus(Duration.ofHours(h)));
    }

    private GatesContext service(Plan plan, Ledger l, Clock c) {
        return new GatesContext(plan, l, c, GatesDrivers.real(c, new GateFixtures.RecordingSleeper(), Http.Retries.DEFAULT));
    }

    @Test
    void notifyRendersEveryTemplateAndSendsItToEveryRecipient() throws Exception {
        Plan plan = plan("");
        Clock c = hoursBefore(72);
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
            var r = new GatesNotify(service(plan, l, c)).run();
            assertThat(r.notices()).extracting(Notices.Rendered::template).containsExactly("01-engineering.md", "02-support.md");
            MimeMessage[] got = SMTP.getReceivedMessages();
            assertThat(got).hasSize(4);
            assertThat(Arrays.stream(got).map(m -> {
                try {
                    return m.getSubject();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })).contains("Academy maintenance 2027-01-09T01:00:00Z");
            String body = GreenMailUtil.getBody(got[0]);
            assertThat(body).contains("The production upgrade (ticket ACAD-1234) runs from 2027-01-09T01:00:00Z to "
                    + "2027-01-09T05:00:00Z.", "Runbook: " + GateFixtures.RUNBOOK);
            var e = l.latest("notice-sent", "ACAD-1234").orElseThrow();
            assertThat(e.time()).isEqualTo(START.minus(Duration.ofHours(72)));
            assertThat(e.payload()).contains("eng@example.com", "support@example.com", "01-engineering.md",
                    r.notices().get(0).templateSha256());
        }
    }

    @Test
    void sentFortyNineHoursBeforeTheWindowPasses() throws Exception {
        Plan plan = plan("");
        Clock c = hoursBefore(49);
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
            new GatesNotify(service(plan, l, c)).run();
            GateResult r = new GatesCheck(service(plan, l, hoursBefore(10))).run().results().get(0);
            assertThat(r.passed()).as(r.toString()).isTrue();
            assertThat(r.reason()).isEqualTo("notice sent 49h before the window (lead time 48h)");
        }
    }

    @Test
    void sentFortySevenHoursBeforeTheWindowFails() throws Exception {
        Plan plan = plan("");
        Clock c = hoursBefore(47);
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
            new GatesNotify(service(plan, l, c)).run();
            GateResult r = new GatesCheck(service(plan, l, c)).run().results().get(0);
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).isEqualTo("notice sent only 47h before the window; the lead time is 48h");
            assertThat(r.details()).containsExactly("sent 2027-01-07T02:00:00Z (ledger #1), deadline was 2027-01-07T01:00:00Z");
        }
    }

    /**
     * A notice sent 5 hours before the window from a machine whose clock had gone back three days
     * was dated 72 hours before it and passed the 48 h lead time; the entry recorded before it (an
     * hour earlier, by a right clock) shows it went out no earlier than that.
     */
    @Test
    void aNoticeDatedBeforeAnEntryRecordedBeforeItWasSentNoEarlierThanThatEntry() throws Exception {
        Plan plan = plan("");
        Path ledger = dir.resolve("l.db");
        try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "bastion-1@h", hoursBefore(6))) {
            l.append(NewEntry.of("audit", "academy", Outcome.PASSED, "audit of production", Map.of()));
        }
        Clock behind = hoursBefore(72);
        try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "bastion-2@h", behind)) {
            new GatesNotify(service(plan, l, behind)).run();
        }
        Clock now = hoursBefore(4);
        try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "t@h", now)) {
            GateResult r = new GatesCheck(service(plan, l, now)).run().results().get(0);
            assertThat(r.passed()).as(r.toString()).isFalse();
            assertThat(r.reason()).isEqualTo("notice sent only 6h before the window; the lead time is 48h");
            assertThat(r.details()).containsExactly("sent no earlier than 2027-01-08T19:00:00Z (ledger #2 is dated "
                    + "2027-01-06T01:00:00Z, but ledger #1, recorded before it, is dated 2027-01-08T19:00:00Z: the clock "
                    + "that dated it ran behind), deadline was 2027-01-07T01:00:00Z");
        }
    }

    /** The webhook's server answering at {@code date} (its Date header), whatever this machine's clock says. */
    private static WireMockServer hookAnsweringAt(Instant date) {
        WireMockServer hook = new WireMockServer(options().dynamicPort());
        hook.start();
        hook.stubFor(post(urlPathEqualTo("/hook")).willReturn(ok().withHeader("Date",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atZone(ZoneOffset.UTC)))));
        return hook;
    }

    /**
     * The same clock set back three days, on a fresh ledger: no entry recorded before the notice can
     * tell, and it passed the 48 h lead time although it went out 5 hours before the window. The
     * webhook's server answered by its own clock (Date header): the notice counts as sent then, and
     * notify says the clock is behind. It counts when the judging clock is set back as well.
     */
    @Test
    void aNoticeFromAClockSetBackOnAFreshLedgerIsDatedByTheWebhookServer() throws Exception {
        WireMockServer hook = hookAnsweringAt(START.minus(Duration.ofHours(5)));
        try {
            Plan plan = plan("  webhook: \"" + hook.baseUrl() + "/hook\"\n");
            Path ledger = dir.resolve("l.db");
            Clock behind = hoursBefore(72);
            try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "bastion-2@h", behind)) {
                GatesNotify.Sent sent = new GatesNotify(service(plan, l, behind)).run();
                assertThat(sent.clock()).startsWith("this machine's clock is ").contains(" behind the webhook server's "
                        + "(its Date header said 2027-01-08T20:00:00Z): the notice gate counts this notice as sent at "
                        + "the server's time");
                assertThat(GatesReport.NOTIFY.text(sent, dev.preflight.report.Style.PLAIN))
                        .contains("\nnote: this machine's clock is ");
                assertThat(l.latest("notice-sent", "ACAD-1234").orElseThrow().payload())
                        .contains("\"webhook_date\":\"2027-01-08T20:00:00Z\"");
            }
            for (Clock judge : new Clock[] {hoursBefore(4), behind}) {
                try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "t@h", judge)) {
                    GateResult r = new GatesCheck(service(plan, l, judge)).run().results().get(0);
                    assertThat(r.passed()).as(r.toString()).isFalse();
                    assertThat(r.reason()).isEqualTo("notice sent only 5h before the window; the lead time is 48h");
                    assertThat(r.details()).containsExactly("sent no earlier than 2027-01-08T20:00:00Z (ledger #1 is "
                            + "dated 2027-01-06T01:00:00Z, but the webhook's server answered it at 2027-01-08T20:00:00Z "
                            + "by its Date header: the clock that dated it ran behind), deadline was 2027-01-07T01:00:00Z");
                }
            }
        } finally {
            hook.stop();
        }
    }

    /** A webhook server whose clock agrees with this machine's (within the tolerance) changes nothing. */
    @Test
    void aWebhookServerThatAgreesWithTheClockChangesNothing() throws Exception {
        WireMockServer hook = hookAnsweringAt(START.minus(Duration.ofHours(72)).plus(Duration.ofMinutes(4)));
        try {
            Plan plan = plan("  webhook: \"" + hook.baseUrl() + "/hook\"\n");
            Clock c = hoursBefore(72);
            try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
                GatesNotify.Sent sent = new GatesNotify(service(plan, l, c)).run();
                assertThat(sent.clock()).isNull();
                assertThat(GatesReport.NOTIFY.text(sent, dev.preflight.report.Style.PLAIN)).doesNotContain("note");
                GateResult r = new GatesCheck(service(plan, l, hoursBefore(4))).run().results().get(0);
                assertThat(r.passed()).as(r.toString()).isTrue();
                assertThat(r.reason()).isEqualTo("notice sent 72h before the window (lead time 48h)");
            }
        } finally {
            hook.stop();
        }
    }

    /**
     * A notice sent 47 h before the window, its time then edited to 49 h before in the store (the
     * append-only triggers dropped): the chain no longer verifies, and gates check passed on it.
     */
    @Test
    void aNoticeTimeEditedInTheStoreDoesNotPassTheGates() throws Exception {
        Plan plan = plan("");
        Clock c = hoursBefore(47);
        Path ledger = dir.resolve("l.db");
        try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "t@h", c)) {
            new GatesNotify(service(plan, l, c)).run();
        }
        try (java.sql.Connection conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + ledger);
             java.sql.Statement st = conn.createStatement()) {
            st.execute("DROP TRIGGER ledger_entries_no_update");
            st.execute("UPDATE ledger_entries SET time = '2027-01-07T00:00:00Z' WHERE kind = 'notice-sent'");
        }
        try (Ledger l = Ledgers.open("sqlite:" + ledger, dir, plan.secrets(), "t@h", hoursBefore(10))) {
            GatesChecked r = new GatesCheck(service(plan, l, hoursBefore(10))).run();
            assertThat(r.results().get(0).passed()).as("the notice as the edited entry says").isTrue();
            assertThat(r.verdict().good()).isFalse();
            assertThat(r.failures()).singleElement().asString().startsWith("ledger: the ledger does not verify "
                    + "(first bad entry #1: content does not match its hash");
        }
    }

    @Test
    void notSentYetSaysByWhen() throws Exception {
        Plan plan = plan("");
        Clock c = hoursBefore(60);
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
            GateResult r = new GatesCheck(service(plan, l, c)).run().results().get(0);
            assertThat(r.reason()).isEqualTo("no notice sent for this window; it must go out by 2027-01-07T01:00:00Z "
                    + "(48h before the start)");
            assertThat(r.details()).containsExactly("run 'preflight gates notify' within 12h");
        }
    }

    @Test
    void anUnknownPlaceholderIsAConfigurationErrorWithItsPosition() throws Exception {
        Plan plan = plan("");
        Files.writeString(dir.resolve("docs/upgrade/runbooks/03-bad.md"), "Hello\nwindow {{window.begin}}\n");
        Clock c = hoursBefore(72);
        try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
            assertThatThrownBy(() -> new GatesNotify(service(plan, l, c)).run()).isInstanceOf(PreflightException.class)
                    .hasMessageEndingWith("03-bad.md:2:8: unknown placeholder {{window.begin}}");
            assertThat(SMTP.getReceivedMessages()).isEmpty();
        }
    }

    @Test
    void aWebhookGetsTheTextAndASendFailureIsRecordedAsFailed() throws Exception {
        WireMockServer hook = new WireMockServer(options().dynamicPort());
        hook.start();
        try {
            hook.stubFor(post(urlPathEqualTo("/services/T0/B0/x")).willReturn(ok()));
            Plan plan = plan("  webhook: \"" + hook.baseUrl() + "/services/T0/B0/x\"\n");
            Clock c = hoursBefore(72);
            try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l.db"), dir, plan.secrets(), "t@h", c)) {
                new GatesNotify(service(plan, l, c)).run();
                hook.verify(2, postRequestedFor(urlPathEqualTo("/services/T0/B0/x")));
                hook.verify(postRequestedFor(urlPathEqualTo("/services/T0/B0/x")).withRequestBody(equalToJson(
                        "{\"text\":\"*academy: maintenance window 2027-01-09T01:00:00Z*\\n"
                                + "Heads-up: academy is read-only during 2027-01-09T01:00:00Z - 2027-01-09T05:00:00Z.\\n\"}")));
            }
            hook.stubFor(post(urlPathEqualTo("/services/T0/B0/x")).atPriority(1).willReturn(
                    WireMock.aResponse().withStatus(404)));
            try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l3.db"), dir, plan.secrets(), "t@h", c)) {
                assertThatThrownBy(() -> new GatesNotify(service(plan, l, c)).run()).isInstanceOf(GateException.class)
                        .hasMessage("webhook: not found (HTTP 404): POST to the webhook URL")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("/services/T0/B0/x"));
                assertThat(l.latest("notice-sent", "ACAD-1234").orElseThrow().payload()).doesNotContain("B0/x");
            }
            Plan down = GateFixtures.plan(dir, """
                    notice:
                      templates: docs/upgrade/runbooks
                      smtp: {host: 127.0.0.1, port: 1, from: preflight@example.com, to: [eng@example.com], security: none}
                    """, Map.of());
            try (Ledger l = Ledgers.open("sqlite:" + dir.resolve("l2.db"), dir, plan.secrets(), "t@h", c)) {
                assertThatThrownBy(() -> new GatesNotify(service(down, l, c)).run()).isInstanceOf(GateException.class)
                        .hasMessageStartingWith("smtp: cannot send 'Academy maintenance 2027-01-09T01:00:00Z' via 127.0.0.1:1");
                assertThat(l.latest("notice-sent", "ACAD-1234").orElseThrow().outcome().label()).isEqualTo("failed");
                assertThat(new GatesCheck(service(down, l, c)).run().results().get(0).passed()).isFalse();
            }
        } finally {
            hook.stop();
        }
    }
}
