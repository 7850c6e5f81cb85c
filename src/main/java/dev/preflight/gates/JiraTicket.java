package dev.preflight.gates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.core.Hashing;
import dev.preflight.core.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A Jira issue as the CAB ticket, through the REST API (v2, or v3 whose comments are Atlassian
 * Document Format): {@code GET /rest/api/N/issue/{key}?fields=status,attachment,comment,description},
 * the comment pages when the issue embeds fewer than its total, and
 * {@code GET .../remotelink}. Publishing is a multipart
 * {@code POST .../attachments} (with {@code X-Atlassian-Token: no-check}) per file and a
 * remote link for the runbook (its global id makes a re-publish update, not duplicate, it).
 */
public final class JiraTicket implements ChangeTicket {
    private static final Map<String, String> JSON = Map.of("Accept", "application/json");

    private final String base;
    private final String key;
    private final List<String> approvedStatuses;
    private final int api;
    private final Http http;

    public JiraTicket(String baseUrl, String key, List<String> approvedStatuses, int apiVersion, Http http) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.key = key;
        this.approvedStatuses = List.copyOf(approvedStatuses);
        this.api = apiVersion;
        this.http = http;
    }

    /** The auth headers for a plan's credentials: Basic (user + API token) or Bearer (personal access token). */
    public static Map<String, String> auth(String user, String token) {
        if (user != null && !user.isBlank()) {
            return Map.of("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8)));
        }
        return Map.of("Authorization", "Bearer " + token);
    }

    @Override
    public String describe() {
        return "jira " + key;
    }

    private String issue() {
        return base + "/rest/api/" + api + "/issue/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    @Override
    public State read() {
        JsonNode issue = http.get(URI.create(issue() + "?fields=status,attachment,comment,description"), JSON).json();
        JsonNode f = issue.path("fields");
        String status = f.path("status").path("name").asText("");
        boolean approved = approvedStatuses.stream().anyMatch(s -> s.equalsIgnoreCase(status));
        List<String> problems = approved ? List.of()
                : List.of("status is '" + status + "', not " + String.join(" or ", approvedStatuses));
        List<Attachment> atts = new ArrayList<>();
        for (JsonNode a : f.path("attachment")) {
            String name = a.path("filename").asText();
            if (!ChangeTicket.isEvidenceName(name)) {
                continue;
            }
            byte[] body = http.get(URI.create(a.path("content").asText()), Map.of("Accept", "*/*")).body();
            atts.add(new Attachment(a.path("id").asText(), name, a.path("size").asLong(body.length), Hashing.sha256Hex(body)));
        }
        List<String> texts = new ArrayList<>();
        texts.add(text(f.path("description")));
        JsonNode c = f.path("comment");
        List<JsonNode> comments = new ArrayList<>();
        c.path("comments").forEach(comments::add);
        int total = c.path("total").asInt(comments.size());
        // The issue embeds only the first page of comments; page through the rest.
        int startAt = comments.size();
        while (startAt < total) {
            JsonNode page = http.get(URI.create(issue() + "/comment?startAt=" + startAt + "&maxResults=100"), JSON).json();
            int n = 0;
            for (JsonNode x : page.path("comments")) {
                comments.add(x);
                n++;
            }
            total = page.path("total").asInt(total);
            if (n == 0) {
                break;
            }
            startAt += n;
        }
        comments.forEach(x -> texts.add(text(x.path("body"))));
        for (JsonNode l : http.get(URI.create(issue() + "/remotelink"), JSON).json()) {
            texts.add(l.path("object").path("url").asText(""));
        }
        return new State(approved, "status " + status, problems, atts, texts);
    }

    // v2 bodies are strings; v3 bodies are Atlassian Document Format trees whose text nodes we join.
    static String text(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            return "";
        }
        if (body.isTextual()) {
            return body.asText();
        }
        StringBuilder sb = new StringBuilder();
        collect(body, sb);
        return sb.toString();
    }

    private static void collect(JsonNode n, StringBuilder sb) {
        if (n.has("text") && n.get("text").isTextual()) {
            sb.append(n.get("text").asText()).append(' ');
        }
        if (n.path("attrs").has("href")) {
            sb.append(n.path("attrs").path("href").asText()).append(' ');
        }
        for (JsonNode x : n.path("marks")) {
            collect(x, sb);
        }
        for (JsonNode x : n.path("content")) {
            collect(x, sb);
        }
    }

    @Override
    public List<Published> publish(List<CabEvidence.Item> items) {
        List<Published> out = new ArrayList<>();
        for (CabEvidence.Item i : items) {
            if (i.slot().equals("runbook")) {
                var body = Json.object();
                body.put("globalId", "preflight-runbook:" + i.link());
                body.putObject("object").put("url", i.link()).put("title", "Runbook (Preflight evidence)");
                JsonNode r = http.post(URI.create(issue() + "/remotelink"),
                        Map.of("Content-Type", "application/json", "Accept", "application/json"),
                        body.toString().getBytes(StandardCharsets.UTF_8)).json();
                out.add(new Published(i.slot(), i.link(), "remotelink " + r.path("id").asText(), i.sha256()));
                continue;
            }
            String boundary = "preflight-" + UUID.randomUUID();
            byte[] multipart = multipart(boundary, i.fileName(), i.mediaType(), i.content());
            JsonNode r = http.post(URI.create(issue() + "/attachments"), Map.of(
                    "X-Atlassian-Token", "no-check", "Accept", "application/json",
                    "Content-Type", "multipart/form-data; boundary=" + boundary), multipart).json();
            JsonNode a = r.isArray() && r.size() > 0 ? r.get(0) : r;
            out.add(new Published(i.slot(), i.fileName(), "attachment " + a.path("id").asText("?"), i.sha256()));
        }
        return out;
    }

    static byte[] multipart(String boundary, String fileName, String mediaType, byte[] content) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + fileName.replace("\"", "") + "\"\r\nContent-Type: " + mediaType.toLowerCase(Locale.ROOT) + "\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + content.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(content, 0, all, h.length, content.length);
        System.arraycopy(t, 0, all, h.length + content.length, t.length);
        return all;
    }
}
