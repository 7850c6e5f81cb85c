package dev.preflight.gates;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oncall gate against PagerDuty's {@code GET /oncalls} (REST API v2 shapes, offset/limit/more
 * pagination, 401, 429 with Retry-After, 5xx) served by WireMock, with acknowledgements recorded
 * by {@link GatesAck}.
 */
class PagerDutyOncallGateTest {
    private static final String TOKEN = "pd-secret-token-789";

    @TempDir
    Path dir;

    private WireMockServer pd;
    private final Clock clock = at(Instant.parse("2027-01-08T10:00:00Z"));
    private final GateFixtures.RecordingSleeper sleeper = new GateFixtures.RecordingSleeper();
    private Plan plan;
    private Ledger ledger;

    @BeforeEach
    void start() {
        pd = new WireMockServer(options().dynamicPort());
        pd.start();
        plan = GateFixtures.plan(dir, "oncall: {provider: pagerduty, url: \"" + pd.baseUrl()
                + "\", token: \"${PD_TOKEN}\", schedule_ids: [PABC123], escalation_policy_ids: [PEP1]}", Map.of("PD_TOKEN", TOKEN));
        ledger = Ledgers.open("sqlite:" + dir.resolve("ledger.db"), dir, plan.secrets(), "t@h", clock);
    }

    @AfterEach
    void stop() {
        ledger.close();
        pd.stop();
    }

    private GatesContext service() {
        return new GatesContext(plan, ledger, clock, GatesDrivers.real(clock, sleeper,
                new Http.Retries(4, Duration.ofSeconds(60), Duration.ofSeconds(1))));
    }

    private static ObjectNode oncall(int level, String id, String name, String start, String end) {
        ObjectNode o = Json.object();
        o.putObject("user").put("id", id).put("type", "user").put("summary", name)
                .put("email", name.toLowerCase().replace(' ', '.') + "@example.com");
        o.putObject("schedule").put("id", "PABC123").put("type", "schedule_reference");
        o.putObject("escalation_policy").put("id", "PEP1").put("type", "escalation_policy_reference");
        o.put("escalation_level", level);
        if (start == null) {
            o.putNull("start");
        } else {
            o.put("start", start);
        }
        if (end == null) {
            o.putNull("end");
        } else {
            o.put("end", end);
        }
        return o;
    }

    /** Serves the entries in pages of two: offset 0 says more=true, and so on. */
    private void oncalls(List<ObjectNode> entries) {
        for (int offset = 0; offset < Math.max(1, entries.size()); offset += 2) {
            ObjectNode page = Json.object();
            ArrayNode a = page.putArray("oncalls");
            entries.subList(offset, Math.min(entries.size(), offset + 2)).forEach(a::add);
            page.put("limit", 100).put("offset", offset).put("more", offset + 2 < entries.size()).putNull("total");
            pd.stubFor(get(urlPathEqualTo("/oncalls")).withQueryParam("offset", equalTo(String.valueOf(offset)))
                    .withQueryParam("schedule_ids[]", equalTo("PABC123"))
                    .withQueryParam("escalation_policy_ids[]", equalTo("PEP1"))
                    .withQueryParam("since", equalTo("2027-01-09T01:00:00Z"))
                    .withQueryParam("until", equalTo("2027-01-09T05:00:00Z"))
                    .withHeader("Authorization", equalTo("Token token=" + TOKEN))
                    .withHeader("Accept", equalTo("application/vnd.pagerduty+json;version=2"))
                    .willReturn(okJson(page.toString())));
        }
    }

    private List<ObjectNode> coveredWindow() {
        return List.of(
                oncall(1, "PU1", "Alice Moreau", "2027-01-08T18:00:00Z", "2027-01-09T03:00:00Z"),
                oncall(1, "PU2", "Bob Okafor", "2027-01-09T03:00:00Z", "2027-01-09T18:00:00Z"),
                oncall(2, "PU3", "Carol Jensen", null, null),
                oncall(3, "PU4", "Dan Manager", null, null));
    }

    @Test
    void bothLevelsCoveredAcrossPagesAndAcknowledgedPass() {
        oncalls(coveredWindow());
        GatesContext s = service();
        new GatesAck(s).run("primary", "Alice Moreau");
        new GatesAck(s).run("primary", "bob.okafor@example.com");
        new GatesAck(s).run("secondary", "carol jensen");
        GateResult r = new GatesCheck(s).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(r.details()).anyMatch(d -> d.startsWith("secondary Carol Jensen <carol.jensen@example.com> on call "
                + "(permanent) - (permanent), acknowledged"));
        pd.verify(getRequestedFor(urlPathEqualTo("/oncalls")).withQueryParam("offset", equalTo("2")));
        assertThat(ledger.latest("oncall-ack", "ACAD-1234").orElseThrow().payload()).contains("\"role\":\"secondary\"");
    }

    /**
     * Two PagerDuty users may share a display name: one acknowledgement by that name acknowledged
     * both. A name (or e-mail) that is two people's acknowledges neither; the user id, which
     * PagerDuty's answer carries, tells them apart.
     */
    @Test
    void twoUsersWithTheSameNameDoNotShareOneAcknowledgement() {
        ObjectNode first = oncall(1, "PU1", "Alex Kim", "2027-01-08T18:00:00Z", "2027-01-09T03:00:00Z");
        ObjectNode second = oncall(1, "PU7", "Alex Kim", "2027-01-09T03:00:00Z", "2027-01-09T18:00:00Z");
        ((ObjectNode) second.get("user")).put("email", "akim@example.com");
        oncalls(List.of(first, second, oncall(2, "PU3", "Carol Jensen", null, null)));
        GatesContext s = service();
        new GatesAck(s).run("primary", "Alex Kim");
        new GatesAck(s).run("secondary", "Carol Jensen");
        GateResult r = new GatesCheck(s).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isFalse();
        assertThat(r.details()).contains("primary Alex Kim <akim@example.com> has not acknowledged the window: 'Alex Kim' "
                + "names 2 people on call (run 'preflight gates ack --role primary --user PU7')");

        new GatesAck(s).run("primary", "PU7");
        GateResult both = new GatesCheck(s).run().results().get(0);
        assertThat(both.passed()).as(both.toString()).isFalse();
        new GatesAck(s).run("primary", "alex.kim@example.com");
        GateResult ok = new GatesCheck(s).run().results().get(0);
        assertThat(ok.passed()).as(ok.toString()).isTrue();
    }

    /**
     * PagerDuty writes {@code "start": null} for an on-call that is permanent (an escalation level
     * without a schedule). An entry without the fields at all is not that answer: read as
     * "permanently on call", a truncated or proxied answer vouched for the whole window.
     */
    @Test
    void anEntryWithoutStartOrEndIsNotPermanentlyOnCall() {
        List<ObjectNode> entries = coveredWindow();
        entries.get(2).remove("start");
        entries.get(2).remove("end");
        oncalls(entries);
        GatesContext s = service();
        new GatesAck(s).run("primary", "Alice Moreau");
        new GatesAck(s).run("primary", "bob.okafor@example.com");
        new GatesAck(s).run("secondary", "carol jensen");
        GateResult r = new GatesCheck(s).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isFalse();
        assertThat(r.reason()).contains("could not check", "'start'");
    }

    @Test
    void aGapInTheSecondaryAndAMissingAcknowledgementFail() {
        oncalls(List.of(
                oncall(1, "PU1", "Alice Moreau", "2027-01-08T18:00:00Z", "2027-01-09T18:00:00Z"),
                oncall(2, "PU3", "Carol Jensen", "2027-01-09T00:00:00Z", "2027-01-09T04:00:00Z")));
        GatesContext s = service();
        new GatesAck(s).run("secondary", "Carol Jensen");
        GateResult r = new GatesCheck(s).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.details()).contains(
                "primary Alice Moreau <alice.moreau@example.com> has not acknowledged the window (run 'preflight gates ack "
                        + "--role primary --user \"Alice Moreau\"')",
                "secondary (level 2): nobody on call from 2027-01-09T04:00:00Z to 2027-01-09T05:00:00Z");
    }

    @Test
    void anAcknowledgementForAnotherRoleDoesNotCount() {
        oncalls(coveredWindow());
        GatesContext s = service();
        new GatesAck(s).run("secondary", "Alice Moreau");
        new GatesAck(s).run("primary", "Bob Okafor");
        new GatesAck(s).run("secondary", "Carol Jensen");
        GateResult r = new GatesCheck(s).run().results().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).startsWith("primary Alice Moreau <alice.moreau@example.com> has not acknowledged");
    }

    /**
     * An answer that does not apply the plan's filters (a proxy that drops the query, an API key
     * scoped otherwise) lists the on-calls of other schedules and escalation policies: someone at
     * level 1 of the database team's policy is not this change's primary.
     */
    @Test
    void entriesOfAnotherScheduleOrEscalationPolicyDoNotCover() {
        ObjectNode otherSchedule = oncall(1, "PU1", "Alice Moreau", null, null);
        otherSchedule.putObject("schedule").put("id", "PDBA999").put("type", "schedule_reference");
        ObjectNode otherPolicy = oncall(2, "PU3", "Carol Jensen", null, null);
        otherPolicy.putObject("escalation_policy").put("id", "PEPDBA").put("type", "escalation_policy_reference");
        oncalls(List.of(otherSchedule, otherPolicy));
        GatesContext s = service();
        new GatesAck(s).run("primary", "Alice Moreau");
        new GatesAck(s).run("secondary", "Carol Jensen");
        GateResult r = new GatesCheck(s).run().results().get(0);
        assertThat(r.passed()).as(r.toString()).isFalse();
        assertThat(r.details()).contains(
                "primary (level 1): nobody on call from 2027-01-09T01:00:00Z to 2027-01-09T05:00:00Z",
                "secondary (level 2): nobody on call from 2027-01-09T01:00:00Z to 2027-01-09T05:00:00Z");
    }

    @Test
    void nobodyOnCallFailsBothLevels() {
        oncalls(List.of());
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.details()).containsExactly(
                "primary (level 1): nobody on call from 2027-01-09T01:00:00Z to 2027-01-09T05:00:00Z",
                "secondary (level 2): nobody on call from 2027-01-09T01:00:00Z to 2027-01-09T05:00:00Z");
    }

    @Test
    void unauthorizedRateLimitedAndServerErrors() {
        pd.stubFor(get(urlPathEqualTo("/oncalls")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":{\"message\":\"Unauthorized\",\"code\":2006}}")));
        GateResult r = new GatesCheck(service()).run().results().get(0);
        assertThat(r.reason()).startsWith("could not check: pagerduty: authentication failed (HTTP 401)");
        assertThat(r.toString()).doesNotContain(TOKEN);

        pd.resetAll();
        oncalls(coveredWindow());
        pd.stubFor(get(urlPathEqualTo("/oncalls")).atPriority(1).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")).willSetStateTo("5xx"));
        pd.stubFor(get(urlPathEqualTo("/oncalls")).atPriority(1).inScenario("s").whenScenarioStateIs("5xx")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        GatesContext s = service();
        new GatesAck(s).run("primary", "Alice Moreau");
        new GatesAck(s).run("primary", "Bob Okafor");
        new GatesAck(s).run("secondary", "Carol Jensen");
        assertThat(new GatesCheck(s).run().results().get(0).passed()).isTrue();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(2));
    }
}
