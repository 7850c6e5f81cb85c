package dev.preflight.gates;

import dev.preflight.plan.Plan;
import dev.preflight.plan.PlanReader;
import dev.preflight.plan.Secret;
import dev.preflight.plan.SectionParser;
import dev.preflight.plan.Shape;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads the plan's {@code gates} section (runbook §4.3): {@code cab}, {@code oncall},
 * {@code notice} and {@code custom} CEL gates, each validated field by field; a CEL expression
 * that does not compile is a plan problem at its position inside the expression.
 */
public final class GatesPlanParser implements SectionParser<GatesPlan> {
    static final Duration DEFAULT_LEAD_TIME = Duration.ofHours(48);
    static final String PAGERDUTY_API = "https://api.pagerduty.com";

    @Override
    public String key() {
        return "gates";
    }

    static final Shape.Obj CAB = Shape.obj("CAB ticket: jira, servicenow or a Markdown change record (file).",
            Shape.required("provider", Shape.choice("jira, servicenow or file.", "jira", "servicenow", "file")),
            Shape.optional("url", Shape.text("jira/servicenow: the base URL.")),
            Shape.optional("ticket", Shape.text("The issue key / change number (default change_window.ticket).")),
            Shape.optional("user", Shape.text("Switches to Basic auth (Jira Cloud e-mail, ServiceNow user).")),
            Shape.optional("token", Shape.text("jira/servicenow: the token or password; interpolate it.")),
            Shape.optional("path", Shape.text("file: the Markdown change record.")),
            Shape.optional("approved_status", Shape.strings("jira: status names that mean approved (default [Approved]).")),
            Shape.optional("api_version", Shape.whole(2, 3, "jira: REST API 2 (default) or 3.")));
    static final Shape.Obj ONCALL = Shape.obj("On-call: who is paged during the window.",
            Shape.optional("provider", Shape.choice("pagerduty (default), or file: a Markdown roster table.", "pagerduty",
                    "file")),
            Shape.optional("url", Shape.text("pagerduty: API base (default https://api.pagerduty.com).")),
            Shape.optional("token", Shape.text("pagerduty: a REST API key; interpolate it.")),
            Shape.optional("schedule_ids", Shape.strings("pagerduty: schedules asked about.")),
            Shape.optional("escalation_policy_ids", Shape.strings("pagerduty: escalation policies asked about.")),
            Shape.optional("path", Shape.text("file: the roster, a Markdown table of role, name, email, from, until.")));
    static final Shape.Obj SMTP = Shape.obj("Mail server the notice goes through.",
            Shape.required("host", Shape.text("SMTP host.")),
            Shape.optional("port", Shape.port("587, or 465 with security: ssl.")),
            Shape.required("from", Shape.text("Sender address.")),
            Shape.optional("to", Shape.strings("Recipients.")),
            Shape.optional("user", Shape.text("SMTP user.")),
            Shape.optional("password", Shape.text("SMTP password; interpolate it.")),
            Shape.optional("security", Shape.choice("starttls (default), ssl or none.", "starttls", "ssl", "none")));
    static final Shape.Obj NOTICE = Shape.obj("Stakeholder notice.",
            Shape.required("templates", Shape.text("Directory of *.md templates.")),
            Shape.optional("lead_time", Shape.duration("How long before the window the notice must go out (default 48h).")),
            Shape.optional("smtp", SMTP),
            Shape.optional("webhook", Shape.text("A Slack-compatible incoming webhook URL; interpolate it.")));
    static final Shape.Obj CUSTOM = Shape.obj("A CEL gate.",
            Shape.required("name", Shape.text("Gate name: unique, not cab, oncall or notice.")),
            Shape.required("expr", Shape.text("A CEL expression of type bool.")));
    static final Shape.Obj SHAPE = Shape.obj("Change-control gates (runbook §4.3); needs change_window.",
            Shape.optional("cab", CAB),
            Shape.optional("oncall", ONCALL),
            Shape.optional("notice", NOTICE),
            Shape.optional("custom", Shape.listOf(CUSTOM, "CEL gates.")));

    @Override
    public Shape shape() {
        return SHAPE;
    }

    @Override
    public GatesPlan parse(Node node, PlanReader r, Plan plan) {
        MappingNode m = r.mapping(node, "gates");
        if (m == null) {
            return null;
        }
        Map<String, Node> k = r.keys(m, "gates", SHAPE);
        if (!plan.configures("change_window")) {
            r.problem(m, "gates", "gates need a change_window", "add change_window: {start, end, environment, ticket}");
        }
        GatesPlan.Cab cab = k.containsKey("cab") ? cab(k.get("cab"), r) : null;
        GatesPlan.Oncall oncall = k.containsKey("oncall") ? oncall(k.get("oncall"), r) : null;
        GatesPlan.Notice notice = k.containsKey("notice") ? notice(k.get("notice"), r) : null;
        Set<String> names = new HashSet<>(List.of("cab", "oncall", "notice"));
        List<GatesPlan.Custom> custom = r.list(k.get("custom"), "gates.custom", (cm, p) -> {
            Map<String, Node> ck = r.keys(cm, p, CUSTOM);
            String name = r.required(cm, ck, p, "name");
            r.unique(ck.get("name"), p + ".name", name, names, "gate");
            String expr = r.required(cm, ck, p, "expr");
            if (expr == null) {
                return null;
            }
            try {
                return name == null ? null : new GatesPlan.Custom(name, expr, CelGates.compile(expr));
            } catch (CelGates.CompileException e) {
                celProblem(r, ck.get("expr"), p + ".expr", expr, e.error());
                return null;
            }
        });
        return new GatesPlan(cab, oncall, notice, custom);
    }

    /**
     * Reports a CEL error at the plan position of the offending character when the expression is a
     * one-line scalar (plain or quoted), else at the scalar; the message always names the
     * position inside the expression too.
     */
    private static void celProblem(PlanReader r, Node n, String path, String expr, CelGates.CompileError e) {
        String msg = "malformed CEL expression at expression line " + e.line() + ", column " + e.column() + ": "
                + e.message();
        String hint = "in: " + expr.lines().skip(e.line() - 1L).findFirst().orElse(expr) + " (column " + e.column() + ")";
        if (n instanceof ScalarNode s && !expr.contains("\n") && s.getStartMark().isPresent()) {
            int shift = s.getScalarStyle() == ScalarStyle.PLAIN ? 0 : 1;
            var mark = s.getStartMark().get();
            // A node placed at the error's character: same line, column moved by the error offset.
            ScalarNode at = new ScalarNode(s.getTag(), true, s.getValue(), s.getScalarStyle(),
                    Optional.of(new Mark(mark.getName(), mark.getIndex(),
                            mark.getLine(), mark.getColumn() + shift + e.column() - 1, mark.getBuffer(), mark.getPointer())),
                    s.getEndMark());
            r.problem(at, path, msg, hint);
        } else {
            r.problem(n, path, msg, hint);
        }
    }

    private static GatesPlan.Cab cab(Node n, PlanReader r) {
        MappingNode m = r.mapping(n, "gates.cab");
        if (m == null) {
            return null;
        }
        String p = "gates.cab";
        Map<String, Node> k = r.keys(m, p, CAB);
        if (!k.containsKey("provider")) {
            r.problem(m, p + ".provider", "required field is missing", "one of: jira, servicenow, file");
            return null;
        }
        String provider = r.oneOf(k, p, "provider", List.of("jira", "servicenow", "file"), null);
        if (provider == null) {
            return null;
        }
        String url = null;
        Secret token = null;
        Path path = null;
        if (provider.equals("file")) {
            String f = r.required(m, k, p, "path");
            path = f == null ? null : r.path(f);
            for (String x : List.of("url", "token", "user")) {
                if (k.containsKey(x)) {
                    r.problem(k.get(x), p + "." + x, "not used by the file provider", "remove it, or use jira/servicenow");
                }
            }
        } else {
            url = httpUrl(r, m, k, p, "url");
            // Tokens are interpolated (often ${VAR:-}), so an empty one is allowed here and refused
            // when a command needs it: 'validate' must pass on a machine without the secrets.
            if (!k.containsKey("token")) {
                r.problem(m, p + ".token", "required field is missing", "add 'token: \"${JIRA_TOKEN}\"'");
            }
            Secret t = r.secret(k, p, "token");
            token = t == null ? new Secret("") : t;
            if (k.containsKey("path")) {
                r.problem(k.get("path"), p + ".path", "only the file provider reads a path", null);
            }
        }
        List<String> approved = k.containsKey("approved_status") ? r.stringList(k.get("approved_status"), p + ".approved_status")
                : List.of("Approved");
        Integer api = r.integer(k, p, "api_version", 2, 2, 3);
        String user = r.optional(k, p, "user");
        String ticket = r.optional(k, p, "ticket");
        boolean ok = (provider.equals("file") ? path != null : url != null && k.containsKey("token")) && api != null;
        return ok ? new GatesPlan.Cab(provider, url, ticket, user, token, path, approved, api) : null;
    }

    private static GatesPlan.Oncall oncall(Node n, PlanReader r) {
        MappingNode m = r.mapping(n, "gates.oncall");
        if (m == null) {
            return null;
        }
        String p = "gates.oncall";
        Map<String, Node> k = r.keys(m, p, ONCALL);
        String provider = r.oneOf(k, p, "provider", List.of("pagerduty", "file"), "pagerduty");
        if ("file".equals(provider)) {
            // A roster file: nothing to authenticate against, nothing to ask about but the file.
            for (String x : List.of("url", "token", "schedule_ids", "escalation_policy_ids")) {
                if (k.containsKey(x)) {
                    r.problem(k.get(x), p + "." + x, "not used by the file provider", "remove it, or use pagerduty");
                }
            }
            String f = r.required(m, k, p, "path");
            return f == null ? null : new GatesPlan.Oncall(provider, null, new Secret(""), List.of(), List.of(), r.path(f));
        }
        if (k.containsKey("path")) {
            r.problem(k.get("path"), p + ".path", "only the file provider reads a path", "add 'provider: file'");
        }
        String url = k.containsKey("url") ? httpUrl(r, m, k, p, "url") : PAGERDUTY_API;
        if (!k.containsKey("token")) {
            r.problem(m, p + ".token", "required field is missing", "add 'token: \"${PAGERDUTY_TOKEN}\"'");
        }
        Secret t = r.secret(k, p, "token");
        List<String> schedules = r.stringList(k.get("schedule_ids"), p + ".schedule_ids");
        List<String> policies = r.stringList(k.get("escalation_policy_ids"), p + ".escalation_policy_ids");
        if (schedules.isEmpty() && policies.isEmpty()) {
            r.problem(m, p, "no schedule_ids or escalation_policy_ids", "add 'schedule_ids: [PABC123]'");
            return null;
        }
        return provider == null || url == null || !k.containsKey("token") ? null
                : new GatesPlan.Oncall(provider, url, t == null ? new Secret("") : t, schedules, policies);
    }

    private static GatesPlan.Notice notice(Node n, PlanReader r) {
        MappingNode m = r.mapping(n, "gates.notice");
        if (m == null) {
            return null;
        }
        String p = "gates.notice";
        Map<String, Node> k = r.keys(m, p, NOTICE);
        String dir = r.required(m, k, p, "templates");
        Duration lead = r.duration(k, p, "lead_time", DEFAULT_LEAD_TIME);
        GatesPlan.Smtp smtp = null;
        if (k.containsKey("smtp")) {
            MappingNode sm = r.mapping(k.get("smtp"), p + ".smtp");
            if (sm != null) {
                String sp = p + ".smtp";
                Map<String, Node> sk = r.keys(sm, sp, SMTP);
                String host = r.required(sm, sk, sp, "host");
                String security = r.oneOf(sk, sp, "security", List.of("starttls", "ssl", "none"), "starttls");
                Integer port = r.integer(sk, sp, "port", "ssl".equals(security) ? 465 : 587, 1, 65535);
                String from = r.required(sm, sk, sp, "from");
                List<String> to = r.stringList(sk.get("to"), sp + ".to");
                if (to.isEmpty()) {
                    r.problem(sk.getOrDefault("to", sm), sp + ".to", sk.containsKey("to") ? "must not be empty"
                            : "required field is missing", "list the stakeholders' addresses");
                }
                Secret pw = r.secret(sk, sp, "password");
                if (host != null && port != null && from != null && !to.isEmpty() && security != null) {
                    smtp = new GatesPlan.Smtp(host, port, from, to, r.optional(sk, sp, "user"), pw, security);
                }
            }
        }
        String hook = k.containsKey("webhook") ? httpUrl(r, m, k, p, "webhook") : null;
        if (hook != null) {
            r.secret(k, p, "webhook"); // a webhook URL carries its own credential: masked, and never in a name
        }
        return dir == null || lead == null ? null
                : new GatesPlan.Notice(r.path(dir), lead, smtp, hook == null ? null : new Secret(hook));
    }

    private static String httpUrl(PlanReader r, MappingNode m, Map<String, Node> k, String p, String key) {
        String u = r.required(m, k, p, key);
        if (u == null) {
            return null;
        }
        try {
            URI uri = new URI(u.strip());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(u, "not http(s)");
            }
            return u.strip().replaceAll("/+$", "");
        } catch (URISyntaxException e) {
            r.problem(k.get(key), p + "." + key, "not an http(s) URL", "e.g. https://jira.example.com");
            return null;
        }
    }
}
