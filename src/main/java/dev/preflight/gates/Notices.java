package dev.preflight.gates;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.preflight.core.Errors;
import dev.preflight.core.Hashing;
import dev.preflight.core.PreflightException;
import dev.preflight.plan.Plan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Stakeholder notices (runbook §4.3): the Markdown templates in the plan's templates directory
 * rendered with the window's details. Placeholders are {@code {{window.start}}},
 * {@code {{window.end}}}, {@code {{environment}}}, {@code {{ticket}}}, {@code {{project}}} and
 * {@code {{runbook}}}; an unknown one is a configuration error naming the template and line.
 */
public final class Notices {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_.]+)\\s*}}");

    private Notices() {
    }

    /** One rendered template: file name, SHA-256 of the template, subject, rendered body (JSON in snake case). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Rendered(String template, String templateSha256, String subject, String body) {
    }

    /** The values placeholders are replaced with. */
    public static Map<String, String> values(Plan plan, ChangeWindow w) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("window.start", w.start().toString());
        v.put("window.end", w.end().toString());
        v.put("environment", w.environment());
        v.put("ticket", w.ticket() == null ? "" : w.ticket());
        v.put("project", plan.project().name());
        v.put("runbook", plan.project().runbook() == null ? "" : plan.project().runbook());
        return v;
    }

    /** Renders every {@code *.md} template of the directory, in name order. */
    public static List<Rendered> render(Path dir, Map<String, String> values) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".md") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw PreflightException.usage("cannot list the notice templates in " + dir + ": " + Errors.describe(e),
                    "check gates.notice.templates in the plan");
        }
        if (files.isEmpty()) {
            throw PreflightException.usage("no notice templates (*.md) in " + dir, "add the stakeholder templates there");
        }
        List<Rendered> out = new ArrayList<>();
        for (Path f : files) {
            String src;
            try {
                src = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw PreflightException.usage("cannot read the template " + f + ": " + Errors.describe(e), null);
            }
            StringBuilder body = new StringBuilder();
            String[] lines = src.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = PLACEHOLDER.matcher(lines[i]);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    String v = values.get(m.group(1));
                    if (v == null) {
                        throw PreflightException.usage(f + ":" + (i + 1) + ":" + (m.start() + 1) + ": unknown placeholder {{"
                                + m.group(1) + "}}", "known: " + String.join(", ", values.keySet().stream()
                                .map(k -> "{{" + k + "}}").toList()));
                    }
                    m.appendReplacement(sb, Matcher.quoteReplacement(v));
                }
                m.appendTail(sb);
                body.append(sb);
                if (i + 1 < lines.length) {
                    body.append('\n');
                }
            }
            String text = body.toString();
            String subject = text.lines().filter(l -> l.startsWith("# ")).map(l -> l.substring(2).strip()).findFirst()
                    .orElse(values.get("project") + ": maintenance window " + values.get("window.start"));
            out.add(new Rendered(f.getFileName().toString(), Hashing.sha256Hex(src), subject, text));
        }
        return out;
    }
}
