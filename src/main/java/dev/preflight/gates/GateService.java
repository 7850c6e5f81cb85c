package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Errors;
import dev.preflight.core.Json;
import dev.preflight.core.PreflightException;
import dev.preflight.ledger.Ledger;
import dev.preflight.ledger.LedgerEntry;
import dev.preflight.ledger.LedgerQuery;
import dev.preflight.ledger.NewEntry;
import dev.preflight.ledger.Outcome;
import dev.preflight.plan.Plan;
import dev.preflight.plan.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The change-control gates of runbook §4.3 over one plan and ledger: {@link #check()} evaluates
 * every configured gate ({@code cab}, {@code oncall}, {@code notice}, custom CEL gates) and records
 * the results (ledger kind {@code gates}); {@link #publish()} attaches the current evidence to the
 * CAB ticket ({@code gates-publish}); {@link #ack} records an on-call acknowledgement
 * ({@code oncall-ack}); {@link #notifyStakeholders()} sends the notices ({@code notice-sent}).
 * The outside services are reached through {@link Drivers}, which tests replace.
 */
public final class GateService {
    /** Ledger kinds this service writes. */
    public static final String KIND_CHECK = "gates";
    public static final String KIND_PUBLISH = "gates-publish";
    public static final String KIND_ACK = "oncall-ack";
    public static final String KIND_NOTICE = "notice-sent";

    /**
     * How the gates reach the outside world: a ticket for the CAB config, an on-call source, a
     * mailer, and the retry sleeper for REST calls.
     */
    public record Drivers(Function<GatesPlan.Cab, ChangeTicket> tickets, Function<GatesPlan.Oncall, OnCall.Source> oncall,
                          Function<GatesPlan.Smtp, Mailer> mailer, Http.Sleeper sleeper) {
        /** The real drivers: Jira/ServiceNow/file, PagerDuty and SMTP, with real waiting between retries. */
        public static Drivers real(Clock clock) {
            return real(clock, Http.Sleeper.real(), Http.Retries.DEFAULT);
        }

        /** The real drivers with a chosen way of waiting and retry bounds (tests record the waits). */
        public static Drivers real(Clock clock, Http.Sleeper sleeper, Http.Retries retries) {
            return new Drivers(cab -> ticket(cab, clock, sleeper, retries),
                    o -> "file".equals(o.provider()) ? new OncallRoster(o.path()) : new PagerDuty(o.url(), o.scheduleIds(), o.escalationPolicyIds(),
                            new Http("pagerduty", URI.create(o.url()).getHost(), false,
                                    PagerDuty.auth(token(o.token(), "gates.oncall.token")),
                                    "check gates.oncall.token (a PagerDuty REST API key)", sleeper, retries, clock)),
                    SmtpMailer::new, sleeper);
        }
    }

    private final Plan plan;
    private final Ledger ledger;
    private final Clock clock;
    private final Drivers drivers;

    public GateService(Plan plan, Ledger ledger, Clock clock, Drivers drivers) {
        this.plan = plan;
        this.ledger = ledger;
        this.clock = clock;
        this.drivers = drivers;
    }

    /** Checks every configured gate with the real drivers and records them: what readiness calls. */
    public static List<GateResult> check(Plan plan, Ledger ledger, Clock clock) {
        return new GateService(plan, ledger, clock, Drivers.real(clock)).check();
    }

    /** A recorded {@code gates check}: the ledger entry and its results. */
    public record Recorded(LedgerEntry entry, List<GateResult> results) {
        public Recorded {
            results = List.copyOf(results);
        }
    }

    /**
     * The newest recorded {@code gates check} (optionally for one ticket/subject), read back from
     * the ledger without contacting any service: for reports that must not re-run the checks.
     */
    public static Optional<Recorded> lastCheck(Ledger ledger, String subject) {
        return ledger.latest(KIND_CHECK, subject).map(e -> {
            List<GateResult> rs = new ArrayList<>();
            for (JsonNode r : Json.parse(e.payload()).path("results")) {
                List<String> details = new ArrayList<>();
                r.path("details").forEach(d -> details.add(d.asText()));
                rs.add(new GateResult(r.path("name").asText(), r.path("passed").asBoolean(), r.path("reason").asText(),
                        details));
            }
            return new Recorded(e, rs);
        });
    }

    /** Whether the plan configures anything this service checks. */
    public static boolean configured(Plan plan) {
        return plan.configures("gates") || plan.configures("change_window");
    }

    /**
     * Checks what the plan cannot check at load time because secrets are interpolated late: the
     * change window exists, configured REST gates have a non-empty token, the CAB has a ticket.
     * Throws {@link PreflightException} (exit 2) before anything is contacted or recorded.
     */
    public static void requireConfig(Plan plan) {
        requireConfig(plan, true, true);
    }

    /** As {@link #requireConfig(Plan)}, for the gates a command uses (ack and notify need neither token). */
    public static void requireConfig(Plan plan, boolean cab, boolean oncall) {
        GateService s = new GateService(plan, null, Clock.systemUTC(), null);
        ChangeWindow w = s.window();
        GatesPlan g = s.gates();
        if (cab && g.cab() != null && !g.cab().provider().equals("file")) {
            token(g.cab().token(), "gates.cab.token");
            s.ticketName(g.cab(), w);
        }
        if (oncall && g.oncall() != null && !"file".equals(g.oncall().provider())) {
            token(g.oncall().token(), "gates.oncall.token");
        }
    }

    /** The plan's change window, or a configuration error. */
    public ChangeWindow window() {
        return plan.section("change_window", ChangeWindow.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no change_window", "add change_window: {start, end, environment, ticket}"));
    }

    private GatesPlan gates() {
        return plan.section("gates", GatesPlan.class).orElseThrow(() -> PreflightException.usage(
                "the plan has no gates section", "add gates: {cab: ..., oncall: ..., notice: ...}"));
    }

    /**
     * Evaluates every configured gate, in the order cab, oncall, notice, custom; a service that
     * cannot be reached fails its gate with the reason. Records one {@code gates} ledger entry.
     * Configuration errors (no window, empty token, bad template) throw {@link PreflightException} (exit 2).
     */
    public List<GateResult> check() {
        requireConfig(plan);
        ChangeWindow w = window();
        GatesPlan g = gates();
        List<GateResult> results = new ArrayList<>();
        if (g.cab() != null) {
            results.add(guard("cab", () -> checkCab(g.cab(), w)));
        }
        if (g.oncall() != null) {
            results.add(guard("oncall", () -> checkOncall(g.oncall(), w)));
        }
        if (g.notice() != null) {
            results.add(checkNotice(g.notice(), w));
        }
        for (GatesPlan.Custom c : g.custom()) {
            results.add(checkCustom(c, w));
        }
        if (results.isEmpty()) {
            results.add(GateResult.fail("gates", "the plan's gates section configures no gate", List.of()));
        }
        record(w, results);
        return results;
    }

    private GateResult guard(String name, Supplier<GateResult> gate) {
        try {
            return gate.get();
        } catch (GateException e) {
            List<String> d = new ArrayList<>();
            if (e.hint() != null) {
                d.add("hint: " + e.hint());
            }
            return GateResult.fail(name, "could not check: " + e.getMessage(), d);
        } catch (PreflightException e) {
            throw e;
        } catch (RuntimeException e) {
            // A response we could not read (not JSON, a bad timestamp) fails the gate; it is never a pass.
            return GateResult.fail(name, "could not check: unexpected response: " + Errors.describe(e), List.of());
        }
    }

    private void record(ChangeWindow w, List<GateResult> results) {
        long passed = results.stream().filter(GateResult::passed).count();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("window", windowJson(w));
        List<Map<String, Object>> rs = new ArrayList<>();
        for (GateResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("passed", r.passed());
            m.put("reason", r.reason());
            m.put("details", r.details());
            rs.add(m);
        }
        payload.put("results", rs);
        ledger.append(NewEntry.of(KIND_CHECK, subject(w), passed == results.size() ? Outcome.PASSED : Outcome.FAILED,
                passed + "/" + results.size() + " gate(s) passed", payload));
    }

    private String subject(ChangeWindow w) {
        return w.ticket() != null ? w.ticket() : plan.project().name();
    }

    /** The ledger subject of this plan's gate entries: the change window's ticket, else the project. */
    public static String subject(Plan plan) {
        return plan.section("change_window", ChangeWindow.class).map(ChangeWindow::ticket)
                .orElse(plan.project().name());
    }

    private static Map<String, Object> windowJson(ChangeWindow w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", w.start().toString());
        m.put("end", w.end().toString());
        m.put("environment", w.environment());
        m.put("ticket", w.ticket());
        return m;
    }

    // ---- cab -------------------------------------------------------------------------------

    private String ticketName(GatesPlan.Cab cab, ChangeWindow w) {
        if (cab.provider().equals("file")) {
            return cab.path().getFileName().toString();
        }
        String t = cab.ticket() != null ? cab.ticket() : w.ticket();
        if (t == null || t.isBlank()) {
            throw PreflightException.usage("no CAB ticket: neither gates.cab.ticket nor change_window.ticket is set",
                    "add 'ticket: ACAD-1234' to change_window");
        }
        return t;
    }

    private GateResult checkCab(GatesPlan.Cab cab, ChangeWindow w) {
        String name = ticketName(cab, w);
        ChangeTicket t = drivers.tickets().apply(withTicket(cab, name));
        ChangeTicket.State state = t.read();
        return CabGate.decide(t.describe(), state, Evidence.required(plan, w), Evidence.runbook(plan).orElse(null),
                ledger.query(new LedgerQuery(KIND_PUBLISH, null, null, 0, true)), ledger, w.start());
    }

    private static GatesPlan.Cab withTicket(GatesPlan.Cab c, String ticket) {
        return new GatesPlan.Cab(c.provider(), c.url(), ticket, c.user(), c.token(), c.path(), c.approvedStatuses(),
                c.apiVersion());
    }

    /**
     * What {@link #publish()} did.
     *
     * @param items    the evidence as attached (content included)
     * @param headSeq  the ledger head the evidence was published at (its items name it), 0 for none
     * @param headHash that head's hash, or null
     * @param seq      the {@code gates-publish} entry recording it
     */
    public record PublishResult(String ticket, List<ChangeTicket.Published> attached, List<String> missing,
                                List<Evidence.Item> items, long headSeq, String headHash, long seq) {
        public PublishResult {
            attached = List.copyOf(attached);
            missing = List.copyOf(missing);
            items = List.copyOf(items);
        }
    }

    /**
     * Attaches the current evidence to the CAB ticket and records each SHA-256 attached (ledger kind
     * {@code gates-publish}). Evidence that does not exist yet is listed as missing, not invented;
     * a failure to attach is recorded as failed and rethrown.
     */
    public PublishResult publish() {
        ChangeWindow w = window();
        GatesPlan.Cab cab = Optional.ofNullable(gates().cab()).orElseThrow(() -> PreflightException.usage(
                "the plan configures no cab gate", "add gates.cab: {provider: jira|servicenow|file, ...}"));
        String name = ticketName(cab, w);
        ChangeTicket t = drivers.tickets().apply(withTicket(cab, name));
        LedgerEntry head = ledger.head().orElse(null);
        Evidence.Current current = Evidence.current(plan, w, ledger);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("ticket", t.describe());
        Map<String, Object> headJson = new LinkedHashMap<>();
        headJson.put("seq", head == null ? 0 : head.seq());
        headJson.put("hash", head == null ? null : head.hash());
        payload.put("ledger_head", headJson);
        payload.put("provider", cab.provider());
        payload.put("missing", current.missing());
        List<ChangeTicket.Published> done;
        try {
            done = current.items().isEmpty() ? List.of() : t.publish(current.items());
        } catch (RuntimeException e) {
            payload.put("error", Errors.describe(e));
            ledger.append(NewEntry.of(KIND_PUBLISH, subject(w), Outcome.FAILED, "publishing to " + t.describe()
                    + " failed: " + Errors.describe(e), payload));
            throw e;
        }
        List<Map<String, Object>> att = new ArrayList<>();
        for (ChangeTicket.Published p : done) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("slot", p.slot());
            m.put("name", p.name());
            m.put("reference", p.reference());
            m.put("sha256", p.sha256());
            // Which ledger entry this file vouches for: what the cab gate traces an attachment back to.
            current.items().stream().filter(i -> i.fileName().equals(p.name()) && i.sha256().equals(p.sha256()))
                    .findFirst().ifPresent(i -> {
                        m.put("source", i.link());
                        if (i.seq() > 0) {
                            m.put("entry_seq", i.seq());
                            m.put("entry_kind", i.kind());
                            m.put("entry_subject", i.subject());
                        }
                    });
            att.add(m);
        }
        payload.put("attached", att);
        Outcome o = current.missing().isEmpty() ? Outcome.PASSED : Outcome.WARNING;
        LedgerEntry e = ledger.append(NewEntry.of(KIND_PUBLISH, subject(w), o, done.size() + " item(s) attached to "
                + t.describe() + (current.missing().isEmpty() ? "" : ", " + current.missing().size() + " missing"), payload));
        return new PublishResult(t.describe(), done, current.missing(), current.items(), head == null ? 0 : head.seq(),
                head == null ? null : head.hash(), e.seq());
    }

    // ---- oncall ----------------------------------------------------------------------------

    private GateResult checkOncall(GatesPlan.Oncall o, ChangeWindow w) {
        List<OnCall> oncalls = drivers.oncall().apply(o).oncalls(w.start(), w.end());
        return OncallGate.decide(w, oncalls, ledger.query(new LedgerQuery(KIND_ACK, null, null, 0, true)));
    }

    /** Records that the primary or secondary on-call acknowledged this window (ledger kind {@code oncall-ack}). */
    public LedgerEntry ack(String role, String user) {
        if (!OncallGate.ROLES.containsKey(role)) {
            throw PreflightException.usage("--role must be primary or secondary, not '" + role + "'", null);
        }
        if (user == null || user.isBlank()) {
            throw PreflightException.usage("--user NAME is required", "the PagerDuty name or e-mail of the person");
        }
        ChangeWindow w = window();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("role", role);
        payload.put("user", user.strip());
        payload.put("level", OncallGate.ROLES.get(role));
        payload.put("window", windowJson(w));
        return ledger.append(NewEntry.of(KIND_ACK, subject(w), Outcome.PASSED, role + " " + user.strip()
                + " acknowledged the window " + w.start() + " - " + w.end(), payload));
    }

    // ---- notice ----------------------------------------------------------------------------

    /** What {@link #notifyStakeholders()} sent. */
    public record NoticeResult(List<Notices.Rendered> notices, List<String> recipients, boolean webhook, LedgerEntry entry) {
        public NoticeResult {
            notices = List.copyOf(notices);
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * Renders the templates and sends each one by SMTP (and to the webhook when configured), then
     * records when, to whom and which templates (SHA-256) as ledger kind {@code notice-sent}. A send
     * failure is recorded as failed and rethrown (exit 3).
     */
    public NoticeResult notifyStakeholders() {
        ChangeWindow w = window();
        GatesPlan.Notice n = Optional.ofNullable(gates().notice()).orElseThrow(() -> PreflightException.usage(
                "the plan configures no notice gate", "add gates.notice: {templates: DIR, smtp: {...}}"));
        if (n.smtp() == null && n.webhook() == null) {
            throw PreflightException.usage("gates.notice has neither smtp nor webhook: nowhere to send the notices",
                    "add gates.notice.smtp: {host, port, from, to: [...]} or webhook: URL");
        }
        if (n.webhook() != null && n.webhook().value().isBlank()) {
            token(n.webhook(), "gates.notice.webhook");
        }
        List<Notices.Rendered> rendered = Notices.render(n.templates(), Notices.values(plan, w));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("window", windowJson(w));
        List<String> recipients = n.smtp() == null ? List.of() : n.smtp().to();
        payload.put("recipients", recipients);
        payload.put("webhook", n.webhook() != null);
        List<Map<String, Object>> ts = new ArrayList<>();
        for (Notices.Rendered r : rendered) {
            ts.add(Json.fields("template", r.template(), "sha256", r.templateSha256(), "subject", r.subject()));
        }
        payload.put("templates", ts);
        try {
            for (Notices.Rendered r : rendered) {
                if (n.smtp() != null) {
                    drivers.mailer().apply(n.smtp()).send(n.smtp().from(), n.smtp().to(), r.subject(), r.body());
                }
                if (n.webhook() != null) {
                    Http http = new Http("webhook", null, true, Map.of(), "check gates.notice.webhook",
                            drivers.sleeper(), Http.Retries.DEFAULT, clock);
                    var body = Json.object().put("text", "*" + r.subject() + "*\n" + r.body());
                    http.post(URI.create(n.webhook().value()), Map.of("Content-Type", "application/json"),
                            body.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (RuntimeException e) {
            payload.put("error", Errors.describe(e));
            ledger.append(NewEntry.of(KIND_NOTICE, subject(w), Outcome.FAILED, "sending the notices failed: "
                    + Errors.describe(e), payload));
            throw e;
        }
        LedgerEntry e = ledger.append(NewEntry.of(KIND_NOTICE, subject(w), Outcome.PASSED, rendered.size()
                + " notice(s) sent to " + recipients.size() + " recipient(s)" + (n.webhook() != null ? " and the webhook" : ""),
                payload));
        return new NoticeResult(rendered, recipients, n.webhook() != null, e);
    }

    private GateResult checkNotice(GatesPlan.Notice n, ChangeWindow w) {
        Instant deadline = w.start().minus(n.leadTime());
        List<LedgerEntry> sent = ledger.query(new LedgerQuery(KIND_NOTICE, null, null, 0, false)).stream()
                .filter(e -> e.outcome().isGood() && forWindow(e, w)).toList();
        String lead = hours(n.leadTime());
        Optional<LedgerEntry> inTime = sent.stream().filter(e -> !e.time().isAfter(deadline)).findFirst();
        if (inTime.isPresent()) {
            LedgerEntry e = inTime.get();
            return GateResult.pass("notice", "notice sent " + hours(Duration.between(e.time(), w.start()))
                    + " before the window (lead time " + lead + ")", List.of("sent " + e.time() + " (ledger #" + e.seq()
                    + "): " + e.summary()));
        }
        if (!sent.isEmpty()) {
            LedgerEntry e = sent.get(0);
            return GateResult.fail("notice", "notice sent only " + hours(Duration.between(e.time(), w.start()))
                    + " before the window; the lead time is " + lead, List.of("sent " + e.time() + " (ledger #" + e.seq()
                    + "), deadline was " + deadline));
        }
        Instant now = clock.instant();
        return GateResult.fail("notice", "no notice sent for this window; it must go out by " + deadline + " ("
                + lead + " before the start)", List.of(now.isAfter(deadline) ? "the deadline has passed"
                : "run 'preflight gates notify' within " + span(Duration.between(now, deadline))));
    }

    private static boolean forWindow(LedgerEntry e, ChangeWindow w) {
        try {
            JsonNode p = Json.parse(e.payload());
            return w.start().toString().equals(p.path("window").path("start").asText());
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    /** A time left as people read it: hours up to two days ("12h", "30h30m"), then days ("38 days 3 h"). */
    static String span(Duration d) {
        long m = d.toMinutes();
        if (m < 48 * 60) {
            return hours(d);
        }
        long h = (m % (24 * 60)) / 60;
        return m / (24 * 60) + " days" + (h > 0 ? " " + h + " h" : "");
    }

    static String hours(Duration d) {
        long m = d.toMinutes();
        return m % 60 == 0 ? (m / 60) + "h" : (m / 60) + "h" + Math.abs(m % 60) + "m";
    }

    // ---- custom ----------------------------------------------------------------------------

    private GateResult checkCustom(GatesPlan.Custom c, ChangeWindow w) {
        CelGates.Evaluation ev = CelGates.evaluate(c.compiled(), this::latest, w, clock.instant());
        if (ev.error() != null) {
            return GateResult.fail(c.name(), "expression could not be evaluated: " + ev.error(), List.of(c.expr()));
        }
        return ev.value() ? GateResult.pass(c.name(), "expression holds", List.of(c.expr()))
                : falseGate(c, w);
    }

    /** A false custom gate names the term that is false and the evidence it saw, then the expression. */
    private GateResult falseGate(GatesPlan.Custom c, ChangeWindow w) {
        List<String> terms = CelGates.falseTerms(c.compiled(), this::latest, w, clock.instant());
        List<String> details = new ArrayList<>(terms);
        details.add("expression: " + c.expr());
        String reason = terms.isEmpty() ? "expression is false" : "expression is false: " + terms.get(0)
                .replaceFirst("^false: ", "").replaceFirst(";.*$", "") + " is false";
        return GateResult.fail(c.name(), reason, details);
    }

    private CelGates.Latest latest(String source, String name) {
        Optional<LedgerEntry> e;
        if (source.equals("audit")) {
            e = ledger.latest("audit", name);
        } else {
            List<LedgerEntry> all = new ArrayList<>();
            for (String k : Evidence.BACKUP_KINDS) {
                all.addAll(ledger.query(new LedgerQuery(k, null, null, 0, true)));
            }
            e = all.stream().filter(x -> Evidence.matchesSource(x, name)).max(Comparator.comparingLong(LedgerEntry::seq));
        }
        return e.map(x -> new CelGates.Latest(x.outcome().isGood(), x.time(), x.seq())).orElse(null);
    }

    // ---- drivers ---------------------------------------------------------------------------

    static ChangeTicket ticket(GatesPlan.Cab cab, Clock clock, Http.Sleeper sleeper, Http.Retries retries) {
        return switch (cab.provider()) {
            case "file" -> new FileChangeRecord(cab.path());
            case "jira" -> new JiraTicket(cab.url(), cab.ticket(), cab.approvedStatuses(), cab.apiVersion(),
                    new Http("jira", URI.create(cab.url()).getHost(), false,
                            JiraTicket.auth(cab.user(), token(cab.token(), "gates.cab.token")),
                            "check gates.cab.token (a personal access token, or an API token with gates.cab.user for Jira Cloud)",
                            sleeper, retries, clock));
            case "servicenow" -> new ServiceNowTicket(cab.url(), cab.ticket(),
                    new Http("servicenow", URI.create(cab.url()).getHost(), false,
                            ServiceNowAuth.headers(cab.user(), token(cab.token(), "gates.cab.token")),
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

    /** ServiceNow accepts Basic (user + password) or a Bearer OAuth token. */
    static final class ServiceNowAuth {
        private ServiceNowAuth() {
        }

        static Map<String, String> headers(String user, String token) {
            return JiraTicket.auth(user, token);
        }
    }
}
