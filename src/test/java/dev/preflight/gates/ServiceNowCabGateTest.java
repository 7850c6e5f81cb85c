package dev.preflight.gates;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.preflight.gates.GateFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.preflight.core.Json;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cab gate against ServiceNow's Table API (change_request) and Attachment API served by
 * WireMock: approval/state, paged attachment lists (sysparm_limit/offset), downloads, 401, 429
 * with Retry-After, 5xx, and publishing through POST /api/now/attachment/file.
 */
class ServiceNowCabGateTest {
    private static final String USER = "preflight.bot";
    private static final String PASSWORD = "sn-secret-pass-456";
    private static final String SYS_ID = "a9e9c33dc61122760072455df62663d2";

    @TempDir
    Path dir;

    private WireMockServer sn;
    private final Clock clock = at(Instant.parse("2027-01-06T10:00:00Z"));
    private final GateFixtures.RecordingSleeper sleeper = new GateFixtures.RecordingSleeper();
    private Plan plan;
    private Ledger ledger;

    @BeforeEach
    void start() {
        sn = new WireMockServer(options().dynamicPort());
        sn.start();
        plan = GateFixtures.plan(dir, "cab: {provider: servicenow, url: \"" + sn.baseUrl()
                + "\", ticket: CHG0030001, user: " + USER + ", token: \"${SN_PASSWORD}\"}", Map.of("SN_PASSWORD", PASSWORD));
        ledger = Ledgers.open("sqlite:" + dir.resolve("ledger.db"), dir, plan.secrets(), "t@h", clock);
        GateFixtures.audit(ledger, "production", true, "{\"report\":\"current\"}");
        GateFixtures.backup(ledger, "academy-db", true);
    }

    @AfterEach
    void stop() {
        ledger.close();
        sn.stop();
    }

    private ChangeTicket ticket(int pageSize) {
        var cab = plan.section("gates", GatesPlan.class).orElseThrow().cab();
        return new ServiceNowTicket(cab.url(), "CHG0030001", new Http("servicenow", JiraTicket.auth(USER, PASSWORD),
                "check gates.cab.user and gates.cab.token", sleeper, new Http.Retries(3, Duration.ofSeconds(60),
                Duration.ofSeconds(1)), clock), pageSize);
    }

    private GateResult check(int pageSize) {
        var w = plan.section("change_window", ChangeWindow.class).orElseThrow();
        ChangeTicket t = ticket(pageSize);
        return CabGate.decide(t.describe(), t.read(), CabEvidence.required(plan, w), CabEvidence.runbook(plan).orElse(null),
                ledger.query(new LedgerQuery(GatesEvidence.PUBLISH, null, null, 0, true)), ledger,
                w.start());
    }

    private void change(String approval, String state) {
        ObjectNode c = Json.object();
        c.putArray("result").addObject().put("sys_id", SYS_ID).put("number", "CHG0030001").put("state", state)
                .put("approval", approval).put("description", "Laravel 11 upgrade").put("justification", "")
                .put("implementation_plan", "");
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request"))
                .withQueryParam("sysparm_query", equalTo("number=CHG0030001"))
                .withBasicAuth(USER, PASSWORD).willReturn(okJson(c.toString())));
    }

    /** Attachments in pages of {@code pageSize}: fillers first, then the evidence files. */
    private void attachments(int fillers, Map<String, byte[]> files, int pageSize) {
        List<ObjectNode> all = new ArrayList<>();
        for (int i = 0; i < fillers; i++) {
            all.add(Json.object().put("sys_id", "f" + i).put("file_name", "screenshot-" + i + ".png").put("size_bytes", "10"));
        }
        int n = 0;
        for (var e : files.entrySet()) {
            String id = "e" + n++;
            all.add(Json.object().put("sys_id", id).put("file_name", e.getKey())
                    .put("size_bytes", String.valueOf(e.getValue().length)).put("table_sys_id", SYS_ID));
            sn.stubFor(get(urlPathEqualTo("/api/now/attachment/" + id + "/file")).willReturn(aResponse().withBody(e.getValue())));
        }
        for (int offset = 0; offset <= all.size(); offset += pageSize) {
            ObjectNode page = Json.object();
            ArrayNode r = page.putArray("result");
            all.subList(offset, Math.min(all.size(), offset + pageSize)).forEach(r::add);
            sn.stubFor(get(urlPathEqualTo("/api/now/attachment"))
                    .withQueryParam("sysparm_query", equalTo("table_name=change_request^table_sys_id=" + SYS_ID))
                    .withQueryParam("sysparm_offset", equalTo(String.valueOf(offset)))
                    .willReturn(okJson(page.toString()).withHeader("X-Total-Count", String.valueOf(all.size()))));
        }
    }

    /** The evidence as 'gates publish' attaches and records it (the runbook link goes in as a file too). */
    private Map<String, byte[]> current() {
        Map<String, byte[]> m = GateFixtures.publish(plan, ledger, clock);
        CabEvidence.runbook(plan).ifPresent(i -> m.put(i.fileName(), i.content()));
        return m;
    }

    @Test
    void approvedScheduledChangeWithCurrentEvidenceOnTheThirdPagePasses() {
        change("approved", "-2");
        attachments(5, current(), 2);
        GateResult r = check(2);
        assertThat(r.passed()).as(r.toString()).isTrue();
        sn.verify(getRequestedFor(urlPathEqualTo("/api/now/attachment")).withQueryParam("sysparm_offset", equalTo("4")));
        sn.verify(0, getRequestedFor(urlPathEqualTo("/api/now/attachment/f0/file")));
    }

    @Test
    void staleReportIsNamedAndUnapprovedStateIsExplained() {
        change("requested", "-3");
        Map<String, byte[]> files = current();
        files.put("preflight-audit-production.json", "{\"report\":\"old\"}".getBytes(StandardCharsets.UTF_8));
        attachments(0, files, 100);
        GateResult r = check(100);
        assertThat(r.passed()).isFalse();
        assertThat(r.details()).contains("  approval is 'requested', not 'approved'",
                "  state is -3, not Scheduled (-2) or Implement (-1)");
        assertThat(r.details()).anyMatch(d -> d.startsWith("attachment preflight-audit-production.json (e0) sha256 ")
                && d.contains("was not attached by 'preflight gates publish'"));
    }

    @Test
    void unknownNumberAndAuthFailuresAreClear() {
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request")).willReturn(okJson("{\"result\":[]}")));
        assertThat(catchMessage(() -> ticket(100).read())).isEqualTo("servicenow: no change_request with number CHG0030001");
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request")).atPriority(1).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":{\"message\":\"User Not Authenticated\"}}")));
        assertThat(catchMessage(() -> ticket(100).read())).startsWith("servicenow: authentication failed (HTTP 401)")
                .doesNotContain(PASSWORD);
    }

    /**
     * ServiceNow answers a query it cannot apply (a field the account may not read, a mangled
     * query) with every row, not none; the first of them is another change. Its approval said
     * nothing about this ticket, yet the gate judged it.
     */
    @Test
    void anAnswerAboutAnotherChangeIsNotThisTicketsApproval() {
        ObjectNode c = Json.object();
        c.putArray("result").addObject().put("sys_id", SYS_ID).put("number", "CHG0000017").put("state", "-2")
                .put("approval", "approved").put("description", "someone else's change").put("justification", "")
                .put("implementation_plan", "");
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request")).willReturn(okJson(c.toString())));
        attachments(0, current(), 100);
        assertThat(catchMessage(() -> check(100))).isEqualTo("servicenow: asked for change_request CHG0030001, "
                + "the answer is about CHG0000017");
    }

    @Test
    void rateLimitAndServerErrorsAreRetried() {
        change("approved", "-1");
        attachments(0, current(), 100);
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request")).atPriority(1).inScenario("s")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2"))
                .willSetStateTo("5xx"));
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request")).atPriority(1).inScenario("s")
                .whenScenarioStateIs("5xx").willReturn(aResponse().withStatus(502)).willSetStateTo("ok"));
        assertThat(check(100).passed()).isTrue();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        sn.stubFor(get(urlPathEqualTo("/api/now/table/change_request")).atPriority(1).willReturn(aResponse().withStatus(500)));
        assertThat(catchMessage(() -> ticket(100).read())).contains("server error (HTTP 500)", "after 3 attempts");
    }

    @Test
    void publishPostsEachFileToTheAttachmentApi() {
        change("approved", "-2");
        sn.stubFor(post(urlPathEqualTo("/api/now/attachment/file")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"result\":{\"sys_id\":\"new1\"}}")));
        var w = plan.section("change_window", ChangeWindow.class).orElseThrow();
        var published = ticket(100).publish(CabEvidence.current(plan, w, ledger).items());
        assertThat(published).extracting(ChangeTicket.Published::name)
                .containsExactly("preflight-audit-production.json", "preflight-backup-log.md", "preflight-runbook.url");
        sn.verify(postRequestedFor(urlPathEqualTo("/api/now/attachment/file"))
                .withQueryParam("table_name", equalTo("change_request")).withQueryParam("table_sys_id", equalTo(SYS_ID))
                .withQueryParam("file_name", equalTo("preflight-runbook.url"))
                .withRequestBody(WireMock.containing("URL=" + GateFixtures.RUNBOOK)));
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
            return "(no exception)";
        } catch (GateException e) {
            return e.getMessage();
        }
    }
}
