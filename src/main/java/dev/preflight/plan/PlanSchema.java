package dev.preflight.plan;

import dev.preflight.core.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of the plan file for editor completion. It covers what the loader
 * models in detail; sections of capabilities not yet modelled accept any mapping or list.
 */
public final class PlanSchema {
    private PlanSchema() {
    }

    public static String json() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("version", Map.of("const", 1, "description", "Plan format version."));
        props.put("project", object(Map.of(
                "name", str("Project name, e.g. academy."),
                "runbook", str("URL of the runbook (linked from the CAB ticket)."),
                "owner", str("Owning team.")), List.of("name")));
        props.put("ledger", object(Map.of("url", str("sqlite:PATH or jdbc:postgresql://...; "
                + "default .preflight/ledger.db beside the plan.")), List.of()));
        Map<String, Object> host = object(Map.of(
                "name", str("Host name, unique in its environment."),
                "uri", Map.of("type", "string", "pattern", "^(local|ssh://[^:@/]+@[^/]+)$",
                        "description", "local or ssh://user@host:port"),
                "tags", Map.of("type", "array", "items", Map.of("type", "string"))), List.of("name", "uri"));
        Map<String, Object> envProps = new LinkedHashMap<>();
        envProps.put("name", str("Environment name, e.g. staging or production."));
        envProps.put("hosts", Map.of("type", "array", "items", host));
        envProps.put("ssh", Map.of("type", "object"));
        envProps.put("requirements", Map.of("type", "array"));
        envProps.put("connections", Map.of("type", "object"));
        props.put("environments", Map.of("type", "array", "items", object(envProps, List.of("name"))));
        for (String k : PlanLoader.TOP_LEVEL.subList(4, PlanLoader.TOP_LEVEL.size())) {
            props.put(k, Map.of("type", List.of("object", "array"),
                    "description", "Runbook section '" + k + "' (details validated when its capability lands)."));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("title", "Preflight plan (preflight.yaml), version 1");
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        schema.put("required", List.of("version", "project"));
        schema.put("properties", props);
        return Json.pretty(schema) + "\n";
    }

    private static Map<String, Object> str(String description) {
        return Map.of("type", "string", "description", description);
    }

    private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("additionalProperties", false);
        m.put("properties", properties);
        if (!required.isEmpty()) {
            m.put("required", required);
        }
        return m;
    }
}
