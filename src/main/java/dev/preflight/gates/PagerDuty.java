package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty REST API v2 {@code GET /oncalls} for the plan's schedules and escalation policies over
 * the window ({@code since}/{@code until}), all pages ({@code offset}/{@code limit} while
 * {@code more}), with users included so their e-mail can match an acknowledgement. Entries of
 * other schedules or escalation policies than the plan's are dropped, whatever the answer holds.
 */
public final class PagerDuty implements OnCall.Source {
    static final int LIMIT = 100;

    private final String base;
    private final List<String> schedules;
    private final List<String> policies;
    private final Http http;

    public PagerDuty(String baseUrl, List<String> scheduleIds, List<String> escalationPolicyIds, Http http) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.schedules = List.copyOf(scheduleIds);
        this.policies = List.copyOf(escalationPolicyIds);
        this.http = http;
    }

    /** PagerDuty's REST API key header. */
    public static Map<String, String> auth(String token) {
        return Map.of("Authorization", "Token token=" + token);
    }

    @Override
    public List<OnCall> oncalls(Instant since, Instant until) {
        List<OnCall> out = new ArrayList<>();
        int offset = 0;
        while (true) {
            StringBuilder q = new StringBuilder(base).append("/oncalls?time_zone=UTC&include%5B%5D=users");
            schedules.forEach(s -> q.append("&schedule_ids%5B%5D=").append(enc(s)));
            policies.forEach(p -> q.append("&escalation_policy_ids%5B%5D=").append(enc(p)));
            q.append("&since=").append(enc(since.toString())).append("&until=").append(enc(until.toString()))
                    .append("&limit=").append(LIMIT).append("&offset=").append(offset);
            JsonNode page = http.get(URI.create(q.toString()),
                    Map.of("Accept", "application/vnd.pagerduty+json;version=2")).json();
            int n = 0;
            for (JsonNode o : page.path("oncalls")) {
                n++;
                if (!ofThePlan(o)) {
                    continue;
                }
                JsonNode u = o.path("user");
                String name = u.path("summary").asText(u.path("name").asText(""));
                out.add(new OnCall(o.path("escalation_level").asInt(0), u.path("id").asText(""), name,
                        u.path("email").asText(""), time(o, "start"), time(o, "end")));
            }
            if (!page.path("more").asBoolean(false) || n == 0) {
                break;
            }
            offset += n;
        }
        return out;
    }

    /**
     * Whether an entry is of the plan's schedules and escalation policies (each list that is given):
     * an answer that did not apply the filters lists other teams' on-calls, who are not this change's.
     */
    private boolean ofThePlan(JsonNode o) {
        String schedule = o.path("schedule").path("id").asText("");
        String policy = o.path("escalation_policy").path("id").asText("");
        return (schedules.isEmpty() || schedules.contains(schedule)) && (policies.isEmpty() || policies.contains(policy));
    }

    /**
     * An on-call entry's {@code start} or {@code end}: PagerDuty writes {@code null} for an on-call
     * that is permanent (no schedule behind the escalation level), and that alone is read as open.
     * A field that is absent or blank is a malformed answer (truncated, a proxy's, another API's),
     * never "on call for ever": that would vouch for the whole window.
     */
    private static Instant time(JsonNode entry, String field) {
        JsonNode n = entry.get(field);
        if (n != null && n.isNull()) {
            return null;
        }
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new GateException("PagerDuty answered an on-call entry of " + entry.path("user").path("summary")
                    .asText("a user") + " without its '" + field + "' (only null means permanently on call)",
                    "check the API answer of /oncalls (a proxy or an incomplete answer?) and run the gates again");
        }
        return OffsetDateTime.parse(n.asText()).toInstant();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
