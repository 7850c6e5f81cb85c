package dev.preflight.gates;

import dev.preflight.plan.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The plan's {@code gates} section: which change-control gates are configured and how each one
 * reaches its evidence. An absent gate is null (and is not checked).
 */
public record GatesPlan(Cab cab, Oncall oncall, Notice notice, List<Custom> custom) {
    public GatesPlan {
        custom = custom == null ? List.of() : List.copyOf(custom);
    }

    /**
     * The CAB ticket: {@code provider} is {@code jira}, {@code servicenow} or {@code file}. For the
     * REST providers {@code url} and {@code token} are required ({@code user} switches to Basic auth:
     * Jira Cloud's e-mail + API token, or a ServiceNow user + password); {@code file} reads the
     * Markdown change record at {@code path}. {@code ticket} null means the change window's ticket.
     */
    public record Cab(String provider, String url, String ticket, String user, Secret token, Path path,
                      List<String> approvedStatuses, int apiVersion) {
        public Cab {
            approvedStatuses = List.copyOf(approvedStatuses);
        }
    }

    /**
     * On-call: {@code pagerduty} asks {@code GET /oncalls} about schedules and/or escalation
     * policies; {@code file} reads the roster table at {@code path} (null for PagerDuty).
     */
    public record Oncall(String provider, String url, Secret token, List<String> scheduleIds,
                         List<String> escalationPolicyIds, Path path) {
        public Oncall {
            scheduleIds = List.copyOf(scheduleIds);
            escalationPolicyIds = List.copyOf(escalationPolicyIds);
        }

        /** A PagerDuty source. */
        public Oncall(String provider, String url, Secret token, List<String> scheduleIds, List<String> escalationPolicyIds) {
            this(provider, url, token, scheduleIds, escalationPolicyIds, null);
        }
    }

    /**
     * Stakeholder notice: the templates directory, how long before the window it must go out, and
     * where it is sent (SMTP and/or a Slack-compatible webhook, whose URL is a secret).
     */
    public record Notice(Path templates, Duration leadTime, Smtp smtp, Secret webhook) {
    }

    /** An SMTP relay; {@code security} is {@code starttls} (default), {@code ssl} or {@code none}. */
    public record Smtp(String host, int port, String from, List<String> to, String user, Secret password,
                       String security) {
        public Smtp {
            to = List.copyOf(to);
        }
    }

    /** A custom gate: a CEL expression over the evidence, already compiled when the plan loaded. */
    public record Custom(String name, String expr, CelGates.Compiled compiled) {
    }
}
