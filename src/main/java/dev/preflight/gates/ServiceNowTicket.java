package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A ServiceNow change request as the CAB ticket, through the Table API
 * ({@code GET /api/now/table/change_request?sysparm_query=number=CHG...}) and the Attachment API
 * ({@code GET /api/now/attachment?sysparm_query=table_sys_id=...} paged with
 * {@code sysparm_limit}/{@code sysparm_offset}, {@code GET /api/now/attachment/{sys_id}/file},
 * {@code POST /api/now/attachment/file}). Approved means {@code approval=approved} and the state
 * Scheduled (-2) or Implement (-1).
 */
public final class ServiceNowTicket implements ChangeTicket {
    static final int PAGE = 100;
    private static final Set<String> READY_STATES = Set.of("-2", "-1", "scheduled", "implement");
    private static final Map<String, String> JSON = Map.of("Accept", "application/json");

    private final String base;
    private final String number;
    private final Http http;
    private final int pageSize;

    public ServiceNowTicket(String baseUrl, String number, Http http) {
        this(baseUrl, number, http, PAGE);
    }

    ServiceNowTicket(String baseUrl, String number, Http http, int pageSize) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.number = number;
        this.http = http;
        this.pageSize = pageSize;
    }

    @Override
    public String describe() {
        return "servicenow " + number;
    }

    private JsonNode change() {
        String q = "number=" + number;
        JsonNode r = http.get(URI.create(base + "/api/now/table/change_request?sysparm_query=" + enc(q)
                + "&sysparm_fields=" + enc("sys_id,number,state,approval,description,justification,implementation_plan")
                + "&sysparm_display_value=false&sysparm_limit=1"), JSON).json().path("result");
        if (!r.isArray() || r.isEmpty()) {
            throw new GateException("servicenow: no change_request with number " + number, "check gates.cab.ticket");
        }
        // A query ServiceNow cannot apply returns every row rather than none: the first is then another change.
        String got = r.get(0).path("number").asText("");
        if (!got.equalsIgnoreCase(number)) {
            throw new GateException("servicenow: asked for change_request " + number + ", the answer is about "
                    + (got.isEmpty() ? "a change without a number" : got),
                    "the query was not applied: check that the account may read the change_request number field");
        }
        return r.get(0);
    }

    @Override
    public State read() {
        JsonNode c = change();
        String state = c.path("state").asText("");
        String approval = c.path("approval").asText("");
        List<String> problems = new ArrayList<>();
        if (!approval.equalsIgnoreCase("approved")) {
            problems.add("approval is '" + approval + "', not 'approved'");
        }
        if (!READY_STATES.contains(state.toLowerCase(Locale.ROOT))) {
            problems.add("state is " + state + ", not Scheduled (-2) or Implement (-1)");
        }
        String sysId = c.path("sys_id").asText();
        List<Attachment> atts = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String f : List.of("description", "justification", "implementation_plan")) {
            texts.add(c.path(f).asText(""));
        }
        int offset = 0;
        while (true) {
            JsonNode page = http.get(URI.create(base + "/api/now/attachment?sysparm_query="
                    + enc("table_name=change_request^table_sys_id=" + sysId) + "&sysparm_limit=" + pageSize
                    + "&sysparm_offset=" + offset), JSON).json().path("result");
            for (JsonNode a : page) {
                String name = a.path("file_name").asText();
                if (!ChangeTicket.isEvidenceName(name)) {
                    continue;
                }
                String id = a.path("sys_id").asText();
                byte[] body = http.get(URI.create(base + "/api/now/attachment/" + id + "/file"), Map.of("Accept", "*/*"))
                        .body();
                atts.add(new Attachment(id, name, a.path("size_bytes").asLong(body.length), Hashing.sha256Hex(body)));
                if (name.endsWith(".url")) {
                    texts.add(new String(body, StandardCharsets.UTF_8));
                }
            }
            if (page.size() < pageSize) {
                break;
            }
            offset += page.size();
        }
        return new State(problems.isEmpty(), "approval=" + approval + ", state=" + state, problems, atts, texts);
    }

    @Override
    public List<Published> publish(List<CabEvidence.Item> items) {
        String sysId = change().path("sys_id").asText();
        List<Published> out = new ArrayList<>();
        for (CabEvidence.Item i : items) {
            JsonNode r = http.post(URI.create(base + "/api/now/attachment/file?table_name=change_request&table_sys_id="
                    + enc(sysId) + "&file_name=" + enc(i.fileName())),
                    Map.of("Content-Type", i.mediaType(), "Accept", "application/json"), i.content()).json();
            out.add(new Published(i.slot(), i.fileName(), "attachment " + r.path("result").path("sys_id").asText("?"),
                    i.sha256()));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
