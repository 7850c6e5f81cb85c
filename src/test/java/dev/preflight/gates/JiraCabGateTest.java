package dev.preflight.gates;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.preflight.core.Json;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.Ledgers;
import dev.preflight.plan.Plan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cab gate against Jira's REST API v2/v3 shapes served by WireMock: issue fields, paged
 * comments, remote links, attachment content; 401, 429 with Retry-After, 5xx; publishing.
 */
class JiraCabGateTest {
    private static final String TOKEN = "jira-secret-token-123";
    private static final String ISSUE = "/rest/api/2/issue/ACAD-1234";

    @TempDir
    Path dir;

    private WireMockServer jira;
    private final Clock clock = at(Instant.parse("2027-01-06T10:00:00Z"));
    private final GateFixtures.RecordingSleeper sleeper = new GateFixtures.RecordingSleeper();
    private Plan plan;
    private Ledger ledger;

    @BeforeEach
    void start() {
        jira = new WireMockServer(options().dynamicPort());
        jira.start();
        plan = GateFixtures.plan(dir, "cab: {provider: jira, url: \"" + jira.baseUrl() + "\", token: \"${JIRA_TOKEN}\"}",
                Map.of("JIRA_TOKEN", TOKEN));
        ledger = Ledgers.open("sqlite:" + dir.resolve("ledger.db"), dir, plan.secrets(), "t@h", clock);
        GateFixtures.audit(ledger, "production", true, "{\"report\":\"current\"}");
        GateFixtures.backup(ledger, "academy-db", true);
    }

    @AfterEach
    void stop() {
        ledger.close();
        jira.stop();
    }

    private GatesContext service() {
        return new GatesContext(plan, ledger, clock, GatesDrivers.real(clock, sleeper,
                new Http.Retries(4, Duration.ofSeconds(60), Duration.ofSeconds(1))));
    }

    private CabEvidence.Current current() {
        return CabEvidence.current(plan, plan.section("change_window", ChangeWindow.class).orElseThrow(), ledger);
    }

    /** Stubs the issue with the given status and attachments (name -> content), comments on two pages. */
    private void issue(String status, Map<String, byte[]> attachments, String secondPageComment) {
        ObjectNode root = Json.object().put("key", "ACAD-1234");
        ObjectNode f = root.putObject("fields");
        f.putObject("status").put("name", status);
        f.put("description", "Laravel 11 upgrade");
        ArrayNode atts = f.putArray("attachment");
        int id = 10001;
        for (var e : attachments.entrySet()) {
            String path = "/secure/attachment/" + id + "/" + e.getKey();
            atts.addObject().put("id", String.valueOf(id)).put("filename", e.getKey()).put("size", e.getValue().length)
                    .put("mimeType", "application/octet-stream").put("content", jira.baseUrl() + path);
            jira.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(e.getValue())));
            id++;
        }
        // Jira embeds the first page of comments only; 'total' says there are more.
        ObjectNode c = f.putObject("comment").put("startAt", 0).put("maxResults", 1).put("total", 2);
        c.putArray("comments").addObject().put("id", "1").put("body", "CAB review scheduled");
        jira.stubFor(get(urlPathEqualTo(ISSUE)).withQueryParam("fields", equalTo("status,attachment,comment,description"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)).willReturn(okJson(root.toString())));
        ObjectNode page = Json.object().put("startAt", 1).put("maxResults", 100).put("total", 2);
        page.putArray("comments").addObject().put("id", "2").put("body", secondPageComment);
        jira.stubFor(get(urlPathEqualTo(ISSUE + "/comment")).withQueryParam("startAt", equalTo("1"))
                .willReturn(okJson(page.toString())));
        jira.stubFor(get(urlPathEqualTo(ISSUE + "/remotelink")).willReturn(okJson("[]")));
    }

    /** The evidence as 'gates publish' attaches and records it. */
    private Map<String, byte[]> currentAttachments() {
        return GateFixtures.publish(plan, ledger, clock);
    }

    @Test
    void approvedIssueWithCurrentEvidencePassesAndTheLinkIsFoundOnTheSecondCommentPage() {
        issue("Approved", currentAttachments(), "Runbook: " + GateFixtures.RUNBOOK);
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(r.details()).anyMatch(d -> d.startsWith("current: preflight-audit-production.json (10001)"));
        jira.verify(getRequestedFor(urlPathEqualTo(ISSUE + "/comment")));
        assertThat(ledger.latest("gates", "ACAD-1234").orElseThrow().payload()).doesNotContain(TOKEN);
    }

    @Test
    void approvedIssueCarryingAStaleReportFailsAndNamesTheAttachment() {
        Map<String, byte[]> atts = currentAttachments();
        atts.put("preflight-audit-production.json", "{\"report\":\"old\"}".getBytes());
        issue("Approved", atts, "Runbook: " + GateFixtures.RUNBOOK);
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).isFalse();
        // A file 'gates publish' did not attach vouches for nothing: edited, foreign or older than tracing.
        assertThat(r.reason()).startsWith("attachment preflight-audit-production.json (10001) sha256 ")
                .contains("was not attached by 'preflight gates publish' from a ledger entry");
    }

    @Test
    void credentialsAreNotSentToAnotherHost() {
        Map<String, byte[]> atts = currentAttachments();
        issue("Approved", atts, GateFixtures.RUNBOOK);
        // Re-serve the issue with the audit report's content URL on another host name (127.0.0.1, not localhost).
        String other = jira.baseUrl().replace("localhost", "127.0.0.1");
        ObjectNode root = Json.object();
        ObjectNode f = root.putObject("fields");
        f.putObject("status").put("name", "Approved");
        f.putArray("attachment").addObject().put("id", "1").put("filename", "preflight-audit-production.json")
                .put("content", other + "/media/1");
        f.putObject("comment").put("total", 0).putArray("comments");
        jira.stubFor(get(urlPathEqualTo(ISSUE)).atPriority(1).willReturn(okJson(root.toString())));
        jira.stubFor(get(urlPathEqualTo("/media/1")).willReturn(aResponse().withBody(atts.get("preflight-audit-production.json"))));
        new GatesCheck(service()).run().results();
        jira.verify(getRequestedFor(urlPathEqualTo("/media/1")).withoutHeader("Authorization"));
        jira.verify(getRequestedFor(urlPathEqualTo(ISSUE)).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void notApprovedAndNoRunbookLinkFail() {
        issue("Awaiting CAB", currentAttachments(), "no link here");
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).isEqualTo("jira ACAD-1234 is not approved (status Awaiting CAB) (and 1 more)");
        assertThat(r.details()).anyMatch(d -> d.contains("the runbook link " + GateFixtures.RUNBOOK + " is not on the ticket"));
    }

    @Test
    void unauthorizedIsAClearAuthenticationErrorWithoutTheToken() {
        jira.stubFor(get(urlPathEqualTo(ISSUE)).willReturn(aResponse().withStatus(401)
                .withBody("{\"errorMessages\":[\"You are not authenticated.\"]}")));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).isEqualTo("could not check: jira: authentication failed (HTTP 401) for GET "
                + jira.baseUrl() + ISSUE + ": the credentials were refused");
        assertThat(r.details()).anyMatch(d -> d.contains("check gates.cab.token"));
        assertThat(r.toString()).doesNotContain(TOKEN);
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void rateLimitedRequestsWaitForRetryAfterThenSucceed() {
        issue("Approved", currentAttachments(), GateFixtures.RUNBOOK);
        jira.stubFor(get(urlPathEqualTo(ISSUE)).atPriority(1).inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("again"));
        jira.stubFor(get(urlPathEqualTo(ISSUE)).atPriority(1).inScenario("rl").whenScenarioStateIs("again")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("open"));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
    }

    @Test
    void retryAfterAsAnHttpDateIsWaitedForUntilThatTime() {
        issue("Approved", currentAttachments(), GateFixtures.RUNBOOK);
        // The clock is fixed at 2027-01-06T10:00:00Z; the server asks to come back 9 s later.
        jira.stubFor(get(urlPathEqualTo(ISSUE)).atPriority(1).inScenario("d").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "Wed, 06 Jan 2027 10:00:09 GMT"))
                .willSetStateTo("open"));
        assertThat(new GatesCheck(service()).run().results().get(0).passed()).isTrue();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(9));
    }

    @Test
    void aRetryAfterBeyondTheBoundIsNotWaitedFor() {
        jira.stubFor(get(urlPathEqualTo(ISSUE)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.reason()).contains("rate limited (HTTP 429)", "Retry-After 3600s is longer than the 60s");
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aLoginPageInsteadOfJsonFailsTheGate() {
        jira.stubFor(get(urlPathEqualTo(ISSUE)).willReturn(aResponse().withStatus(200).withBody("<html>Log in</html>")));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).isEqualTo("could not check: the response (HTTP 200) is not JSON: <html>Log in</html>");
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimesThenReported() {
        jira.stubFor(get(urlPathEqualTo(ISSUE)).willReturn(aResponse().withStatus(503).withBody("maintenance")));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).contains("jira: server error (HTTP 503)", "after 4 attempts: maintenance");
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(sleeper.said).containsExactly(
                "jira: GET " + jira.baseUrl() + ISSUE + ": server error (HTTP 503); retry 2 of 4 in 1 s",
                "jira: GET " + jira.baseUrl() + ISSUE + ": server error (HTTP 503); retry 3 of 4 in 2 s",
                "jira: GET " + jira.baseUrl() + ISSUE + ": server error (HTTP 503); retry 4 of 4 in 4 s");
        jira.verify(4, getRequestedFor(urlPathEqualTo(ISSUE)));
    }

    @Test
    void aRefusedConnectionNamesHostAndPortAndEachRetrySaysWhatItWaitsFor() {
        int port = jira.port();
        jira.stop();
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).contains("jira: cannot reach GET http://localhost:" + port + ISSUE + " after 4 attempt(s): ",
                "(localhost:" + port + ")");
        assertThat(sleeper.said).hasSize(3).first().asString()
                .startsWith("jira: GET http://localhost:" + port + ISSUE + ": ")
                .endsWith("(localhost:" + port + "); retry 2 of 4 in 1 s");
    }

    @Test
    void publishAttachesEachFileAsMultipartAndLinksTheRunbook() {
        jira.stubFor(post(urlPathEqualTo(ISSUE + "/attachments")).withHeader("X-Atlassian-Token", equalTo("no-check"))
                .withHeader("Content-Type", containing("multipart/form-data; boundary="))
                .willReturn(okJson("[{\"id\":\"20001\",\"filename\":\"x\",\"size\":1}]")));
        jira.stubFor(post(urlPathEqualTo(ISSUE + "/remotelink")).willReturn(okJson("{\"id\":30001,\"self\":\"x\"}")));
        var r = new GatesPublish(service()).run();
        assertThat(r.attached()).extracting(ChangeTicket.Published::reference)
                .containsExactly("attachment 20001", "attachment 20001", "remotelink 30001");
        jira.verify(postRequestedFor(urlPathEqualTo(ISSUE + "/attachments"))
                .withRequestBody(containing("filename=\"preflight-audit-production.json\""))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        jira.verify(postRequestedFor(urlPathEqualTo(ISSUE + "/remotelink"))
                .withRequestBody(containing("\"url\":\"" + GateFixtures.RUNBOOK + "\"")));
        var e = ledger.latest("gates-publish", "ACAD-1234").orElseThrow();
        String sha = r.items().stream().filter(i -> i.slot().equals("audit-report")).findFirst().orElseThrow().sha256();
        assertThat(e.payload()).contains(sha, "\"entry_seq\":1", "\"entry_kind\":\"audit\"").doesNotContain(TOKEN);
        assertThat(new String(r.items().get(0).content(), StandardCharsets.UTF_8))
                .contains("\"preflight_ledger\"", "\"head_seq\" : " + r.headSeq());
    }

    @Test
    void v3CommentsInDocumentFormatAreRead() {
        plan = GateFixtures.plan(dir, "cab: {provider: jira, url: \"" + jira.baseUrl()
                + "\", token: \"${JIRA_TOKEN}\", user: ops@example.com, api_version: 3}", Map.of("JIRA_TOKEN", TOKEN));
        ObjectNode root = Json.object();
        ObjectNode f = root.putObject("fields");
        f.putObject("status").put("name", "Approved");
        ArrayNode atts = f.putArray("attachment");
        int id = 1;
        for (var e : currentAttachments().entrySet()) {
            atts.addObject().put("id", String.valueOf(id)).put("filename", e.getKey()).put("size", e.getValue().length)
                    .put("content", jira.baseUrl() + "/att/" + id);
            jira.stubFor(get(urlPathEqualTo("/att/" + id)).willReturn(aResponse().withBody(e.getValue())));
            id++;
        }
        ObjectNode body = Json.object().put("type", "doc").put("version", 1);
        body.putArray("content").addObject().put("type", "paragraph").putArray("content").addObject()
                .put("type", "text").put("text", "runbook").putArray("marks").addObject().put("type", "link")
                .putObject("attrs").put("href", GateFixtures.RUNBOOK);
        ObjectNode c = f.putObject("comment").put("total", 1);
        c.putArray("comments").addObject().set("body", body);
        String basic = Base64.getEncoder().encodeToString(("ops@example.com:" + TOKEN).getBytes());
        jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACAD-1234")).withHeader("Authorization", equalTo("Basic " + basic))
                .willReturn(okJson(root.toString())));
        jira.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACAD-1234/remotelink")).willReturn(okJson("[]")));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(List.of(r.reason())).allMatch(s -> !s.contains(TOKEN));
    }
}
