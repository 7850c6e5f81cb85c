package dev.preflight.gates;

import dev.preflight.core.PreflightException;
import dev.preflight.plan.Secret;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How the gates reach the outside world: a ticket for the CAB config (Jira, ServiceNow or a Markdown
 * change record), an on-call source (PagerDuty or a roster file), a mailer, and the retry sleeper for
 * REST calls and the notice webhook. Tests replace any of them.
 */
public record GatesDrivers(Function<GatesPlan.Cab, ChangeTicket> tickets, Function<GatesPlan.Oncall, OnCall.Source> oncall,
                           Function<GatesPlan.Smtp, Mailer> mailer, Http.Sleeper sleeper) {
    /** The real drivers: Jira/ServiceNow/file, PagerDuty/file and SMTP, with real waiting between retries. */
    public static GatesDrivers real(Clock clock) {
        return real(clock, Http.Sleeper.real(), Http.Retries.DEFAULT);
    }

    /** The real drivers with a chosen way of waiting and retry bounds (tests record the waits). */
    public static GatesDrivers real(Clock clock, Http.Sleeper sleeper, Http.Retries retries) {
        return new GatesDrivers(cab -> ticket(cab, clock, sleeper, retries),
                o -> "file".equals(o.provider()) ? new OncallRoster(o.path()) : new PagerDuty(o.url(), o.scheduleIds(),
                        o.escalationPolicyIds(), new Http("pagerduty", URI.create(o.url()).getHost(), false,
                        PagerDuty.auth(token(o.token(), "gates.oncall.token")),
                        "check gates.oncall.token (a PagerDuty REST API key)", sleeper, retries, clock)),
                SmtpMailer::new, sleeper);
    }

    /** The notice webhook's client: no authentication (the URL is the secret), the default retries. */
    Http webhook(Clock clock) {
        return new Http("webhook", null, true, Map.of(), "check gates.notice.webhook", sleeper, Http.Retries.DEFAULT, clock);
    }

    static ChangeTicket ticket(GatesPlan.Cab cab, Clock clock, Http.Sleeper sleeper, Http.Retries retries) {
        return switch (cab.provider()) {
            case "file" -> new FileChangeRecord(cab.path());
            case "jira" -> new JiraTicket(cab.url(), cab.ticket(), cab.approvedStatuses(), cab.apiVersion(),
                    new Http("jira", URI.create(cab.url()).getHost(), false,
                            JiraTicket.auth(cab.user(), token(cab.token(), "gates.cab.token")),
                            "check gates.cab.token (a personal access token, or an API token with gates.cab.user for Jira Cloud)",
                            sleeper, retries, clock));
            // ServiceNow accepts Basic (user + password) or a Bearer OAuth token, as Jira does.
            case "servicenow" -> new ServiceNowTicket(cab.url(), cab.ticket(),
                    new Http("servicenow", URI.create(cab.url()).getHost(), false,
                            JiraTicket.auth(cab.user(), token(cab.token(), "gates.cab.token")),
                            "check gates.cab.user and gates.cab.token (ServiceNow user and password, or an OAuth token)",
                            sleeper, retries, clock));
            default -> throw new IllegalStateException("unknown provider " + cab.provider());
        };
    }

    /**
     * The token's value; an empty one is a usage error naming the variable it comes from (the plan
     * writes {@code ${JIRA_TOKEN}}: "JIRA_TOKEN is not set or empty"), or saying it is empty in the plan.
     */
    static String token(Secret token, String field) {
        String value = token == null ? null : token.value();
        if (value != null && !value.isBlank()) {
            return value;
        }
        List<String> vars = token == null ? List.of() : token.variables();
        if (vars.isEmpty()) {
            throw PreflightException.usage(field + " is empty in the plan",
                    "write it as ${A_VARIABLE} (e.g. ${JIRA_TOKEN}) and export that variable where preflight runs");
        }
        String names = String.join(" and ", vars);
        throw PreflightException.usage(field + " is empty: " + names + (vars.size() == 1 ? " is" : " are")
                + " not set or empty in this environment (the plan writes " + String.join(" ", token.from()) + ")",
                "export " + vars.get(0) + "=... in the shell or CI job that runs preflight (a CI secret, never the plan "
                        + "file itself)");
    }
}
