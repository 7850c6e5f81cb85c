package dev.preflight.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanException;
import dev.preflight.plan.PlanLoader;
import dev.preflight.plan.PlanProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The change_window and gates sections: the model read, and every problem reported at once with its position. */
class GatesPlanParserTest {
    @TempDir
    Path dir;

    @Test
    void readsTheWholeModelWithDefaults() {
        Plan p = PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                change_window: {start: "2027-01-09T02:00:00+01:00", end: 2027-01-09T05:00:00Z, environment: production}
                gates:
                  cab: {provider: servicenow, url: "https://acme.service-now.com/", ticket: CHG0030001, user: bot, token: "${SN:-}"}
                  oncall: {token: "${PD}", escalation_policy_ids: [PEP1]}
                  notice:
                    templates: docs/upgrade/runbooks
                    smtp: {host: smtp.example.com, from: a@example.com, to: [b@example.com], security: ssl, password: "${PW:-pw-secret}"}
                    webhook: "${HOOK}"
                """, dir, Map.of("PD", "pd-token", "HOOK", "https://hooks.example.com/services/T/B/xyz"));
        ChangeWindow w = p.section("change_window", ChangeWindow.class).orElseThrow();
        assertThat(w.start()).isEqualTo(Instant.parse("2027-01-09T01:00:00Z"));
        assertThat(w.ticket()).isNull();
        GatesPlan g = p.section("gates", GatesPlan.class).orElseThrow();
        assertThat(g.cab().url()).isEqualTo("https://acme.service-now.com");
        assertThat(g.cab().token().value()).isEmpty();
        assertThat(g.oncall().provider()).isEqualTo("pagerduty");
        assertThat(g.oncall().url()).isEqualTo("https://api.pagerduty.com");
        assertThat(g.notice().leadTime()).isEqualTo(Duration.ofHours(48));
        assertThat(g.notice().smtp().port()).isEqualTo(465);
        assertThat(g.notice().templates()).isEqualTo(dir.resolve("docs/upgrade/runbooks"));
        assertThat(p.secrets().redact("pd-token https://hooks.example.com/services/T/B/xyz pw-secret"))
                .isEqualTo("**** **** ****");
        assertThat(g.toString()).doesNotContain("pd-token", "xyz");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        PlanException e = catchThrowableOfType(() -> PlanLoader.parse("p.yaml", """
                version: 1
                project: {name: x}
                environments: [{name: staging, hosts: [{name: a, uri: local}]}]
                change_window: {start: 2027-01-09T05:00:00Z, end: 2027-01-09T01:00:00Z, environment: prod}
                gates:
                  cab: {provider: jira, url: "jira.example.com", path: x.md}
                  oncall: {token: t}
                  notice: {templates: d, lead_time: 2 days, smtp: {host: h, from: f, to: []}}
                  custom: [{name: c, expr: "1 +"}]
                  extra: 1
                """, dir, Map.of()), PlanException.class);
        assertThat(e.problems().stream().map(PlanProblem::format)).containsExactly(
                "p.yaml:4:51: change_window.end: the window ends at or before it starts (end must be after start)",
                "p.yaml:4:86: change_window.environment: no environment 'prod' in the plan (one of: staging)",
                "p.yaml:6:8: gates.cab.token: required field is missing (add 'token: \"${JIRA_TOKEN}\"')",
                "p.yaml:6:30: gates.cab.url: not an http(s) URL (e.g. https://jira.example.com)",
                "p.yaml:6:56: gates.cab.path: only the file provider reads a path",
                "p.yaml:7:11: gates.oncall: no schedule_ids or escalation_policy_ids (add 'schedule_ids: [PABC123]')",
                "p.yaml:8:37: gates.notice.lead_time: not a duration: '2 days' (e.g. 30s, 5m, 24h, 30d)",
                "p.yaml:8:74: gates.notice.smtp.to: must not be empty (list the stakeholders' addresses)",
                "p.yaml:9:32: gates.custom[0].expr: malformed CEL expression at expression line 1, column 4: "
                        + "mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', "
                        + "NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER} (in: 1 + (column 4))",
                "p.yaml:10:3: gates.extra: unknown key 'extra' (allowed here: cab, oncall, notice, custom)");
    }
}
